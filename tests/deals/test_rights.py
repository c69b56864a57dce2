"""Who may write what (deals.services.rights): editors cannot touch what is published."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied

from deals.models import AgreementParty, Citation
from deals.services.rights import (
    allowed_states,
    check_may_delete,
    check_may_set_publication,
    check_may_write,
)
from tests import factories as f

pytestmark = pytest.mark.django_db


def member(role):
    user = User.objects.create_user(f"{role}-rights")
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor():
    return member("editor")


@pytest.fixture
def publisher():
    return member("publisher")


def test_an_editor_may_not_change_or_delete_a_published_or_withdrawn_record(editor):
    for state in ("published", "withdrawn"):
        amount = f.amount(publication=state)
        amount.value = 1
        amount.publication = "draft"  # changed in memory: the stored state decides
        with pytest.raises(PermissionDenied, match=f"is {state}"):
            check_may_write(editor, amount)
        with pytest.raises(PermissionDenied, match="may delete it"):
            check_may_delete(editor, amount)


def test_an_editor_may_not_touch_the_parties_or_citations_of_a_published_agreement(editor):
    agreement = f.agreement(title="Offtake", publication="published")
    party = f.party(agreement, stake=10)
    citation = Citation.objects.create(content_object=agreement, source=f.source(), quote="Q.")
    party_citation = Citation.objects.create(content_object=party, source=f.source(), quote="Q.")
    added = AgreementParty(agreement=agreement, company=f.company(), role="partner")
    for row in (party, added, citation, party_citation):
        with pytest.raises(PermissionDenied, match="belongs to the agreement “Offtake”"):
            check_may_write(editor, row)
    with pytest.raises(PermissionDenied, match="which is published"):
        check_may_delete(editor, party)


def test_moving_a_party_out_of_a_published_agreement_is_refused_too(editor):
    published = f.agreement(title="Published one", publication="published")
    draft = f.agreement(title="Draft one", publication="draft")
    party = f.party(published, stake=10)
    party.agreement = draft
    with pytest.raises(PermissionDenied, match="Published one"):
        check_may_write(editor, party)


def test_an_editor_works_freely_on_drafts(editor):
    draft = f.agreement(publication="draft")
    check_may_write(editor, draft)
    check_may_write(editor, f.party(draft, stake=10))
    check_may_delete(editor, f.party(draft, stake=10, role="partner"))
    check_may_set_publication(editor, draft, "in_review")
    # a new draft amount under a published deal is a record of its own
    check_may_write(editor, f.amount(f.deal(publication="published"), publication="draft"))


def test_only_publishers_publish_withdraw_or_change_published_records(editor, publisher):
    amount = f.amount(publication="in_review")
    with pytest.raises(PermissionDenied, match="Only a publisher"):
        check_may_set_publication(editor, amount, "published")
    check_may_set_publication(publisher, amount, "published")
    published = f.amount(publication="published")
    check_may_write(publisher, published)
    check_may_delete(publisher, published)
    check_may_set_publication(publisher, published, "withdrawn")
    assert allowed_states(editor, "published") == ["published"]
    assert allowed_states(editor, None) == ["draft", "in_review"]


def test_the_system_may_do_anything_and_readers_nothing(editor):
    published = f.amount(publication="published")
    check_may_write(None, published)
    check_may_delete(None, published)
    check_may_set_publication(None, published, "draft")
    analyst = member("analyst")
    with pytest.raises(PermissionDenied, match="may not change amounts"):
        check_may_write(analyst, f.amount(publication="draft"))
