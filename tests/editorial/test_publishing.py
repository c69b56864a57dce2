"""Only publishers publish, and nothing is published without a citation — anywhere."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from deals.models import Agreement, Amount, Citation, Deal
from deals.services.publication import PublicationRefused, change_publication
from tests import factories as f
from tests.deals.test_admin import CITATIONS, agreement_form

from .conftest import cite, logged_in, token_client

pytestmark = pytest.mark.django_db

UNCITED = "A record cannot be published without at least one citation"


def check_now():
    """Run the deferred (at-commit) constraint triggers at this point of the transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def admin_world(w):
    return {"deal": w.deal, "tks": w.tks, "cove": w.cove, "source": w.source}


def action(client, model, name, records):
    url = reverse(f"admin:deals_{model}_changelist")
    data = {"action": name, "_selected_action": [r.pk for r in records]}
    return client.post(url, data, follow=True)


# --- who may publish -----------------------------------------------------------------


def test_editor_is_offered_only_draft_and_review_and_cannot_force_publish(client, world, editor):
    logged_in(client, editor)
    form = client.get(reverse("admin:deals_agreement_add")).context["adminform"].form
    assert [v for v, _ in form.fields["publication"].choices] == ["draft", "in_review"]
    data = agreement_form(admin_world(world), publication="published")
    response = client.post(reverse("admin:deals_agreement_add"), data)
    assert response.status_code == 200
    assert "Select a valid choice" in str(response.context["adminform"].form.errors)
    assert not Agreement.objects.filter(slug="agreement-on-joint-development").exists()


def test_publish_action_is_only_for_publishers(client, world, editor):
    logged_in(client, editor)
    actions = client.get(reverse("admin:deals_deal_changelist")).context["action_form"]
    names = [name for name, _ in actions.fields["action"].choices]
    assert "submit_for_review" in names and "publish" not in names and "withdraw" not in names
    action(client, "deal", "publish", [world.draft_deal])
    world.draft_deal.refresh_from_db()
    assert world.draft_deal.publication == "draft"


def test_editor_submits_a_deal_with_what_belongs_to_it_and_publisher_publishes(
    client, world, editor, publisher
):
    deal = f.deal("Lithium project", publication="draft")
    agreement = f.agreement(deal, title="Lithium offtake", publication="draft")
    amount = f.amount(deal, agreement=agreement, publication="draft")
    for record in (deal, agreement, amount):
        cite(record, world.source, f"Quote about {record}.")
    logged_in(client, editor)
    response = action(client, "deal", "submit_for_review", [deal])
    assert "Submitted for review: deal “Lithium project”" in response.content.decode()
    for record in (deal, agreement, amount):
        record.refresh_from_db()
        assert record.publication == "in_review"
    logged_in(client, publisher)
    response = action(client, "deal", "publish", [deal])
    assert "Published: deal “Lithium project”" in response.content.decode()
    for record in (deal, agreement, amount):
        record.refresh_from_db()
        assert record.publication == "published"


def test_api_editor_may_submit_but_not_publish(world, editor, publisher):
    url = f"/api/v1/agreements/{world.review_agreement.slug}/"
    cite(world.review_agreement, world.source)
    refused = token_client(editor).patch(url, {"publication": "published"}, format="json")
    assert refused.status_code == 403
    assert "Only a publisher" in refused.json()["error"]["message"]
    done = token_client(publisher).patch(url, {"publication": "published"}, format="json")
    assert done.status_code == 200 and done.json()["publication"] == "published"


# --- no citation, no publication -----------------------------------------------------------


def test_publish_action_refuses_an_uncited_record_and_changes_nothing(client, world, publisher):
    uncited = f.agreement(world.deal, title="Uncited memo", publication="in_review")
    logged_in(client, publisher)
    response = action(client, "agreement", "publish", [world.review_agreement, uncited])
    text = response.content.decode()
    assert "Uncited memo" in text and UNCITED in text and "Nothing was published" in text
    assert Agreement.objects.get(pk=world.review_agreement.pk).publication == "in_review"
    with pytest.raises(PublicationRefused):
        change_publication(publisher, [uncited], "published")


def test_admin_form_refuses_publishing_without_a_citation(client, world, publisher):
    logged_in(client, publisher)
    data = agreement_form(
        admin_world(world),
        publication="published",
        **{f"{CITATIONS}-0-{name}": "" for name in ("quote", "source", "field")},
    )
    response = client.post(reverse("admin:deals_agreement_add"), data)
    assert response.status_code == 200
    assert UNCITED in response.content.decode()
    assert not Agreement.objects.filter(slug="agreement-on-joint-development").exists()


def test_amount_published_on_its_agreement_page_needs_its_own_citation(client, world, publisher):
    logged_in(client, publisher)
    data = agreement_form(admin_world(world), publication="published",
                          **{"amounts-0-publication": "published"})  # fmt: skip
    response = client.post(reverse("admin:deals_agreement_add"), data)
    assert response.status_code == 200 and UNCITED in response.content.decode()
    data["amounts-0-citation_source"] = world.source.pk
    data["amounts-0-citation_quote"] = "Инвестиции составят 1,1 млрд долларов."
    assert client.post(reverse("admin:deals_agreement_add"), data).status_code == 302
    amount = Amount.objects.get(slug="tungsten-usd-1-1bn")
    assert amount.publication == "published"
    assert amount.citations.get().quote == "Инвестиции составят 1,1 млрд долларов."


def test_api_refuses_publishing_an_uncited_record(world, publisher):
    response = token_client(publisher).patch(
        f"/api/v1/amounts/{world.draft_amount.slug}/", {"publication": "published"}, format="json"
    )
    assert response.status_code == 400
    assert UNCITED in response.json()["error"]["fields"]["publication"][0]


def test_the_database_refuses_an_uncited_published_record_at_commit(world):
    with pytest.raises(IntegrityError, match="needs at least one citation"):
        with transaction.atomic():
            Deal.objects.filter(pk=world.draft_deal.pk).update(publication="published")
            check_now()
    with pytest.raises(IntegrityError, match="needs at least one citation"):
        with transaction.atomic():
            f.amount(world.deal, publication="published")
            check_now()


def test_the_database_refuses_removing_a_published_records_last_citation(world):
    content_type = ContentType.objects.get_for_model(Agreement)
    last = Citation.objects.filter(content_type=content_type, object_id=world.agreement.pk)
    with pytest.raises(IntegrityError, match="needs at least one citation"):
        with transaction.atomic():
            last.delete()
            check_now()
    with transaction.atomic():  # a second citation first: then the first may go
        cite(world.agreement, world.source, "Another sentence.")
        last.filter(quote__startswith="Quote").delete()
        check_now()


def test_a_record_and_its_citation_may_be_written_in_either_order(world):
    with transaction.atomic():
        amount = f.amount(world.deal, publication="published")
        cite(amount, world.source)
        check_now()


def test_the_cited_seed_dataset_loads_with_the_backstop_on(seeded):
    check_now()
    assert Deal.objects.filter(publication="published").exists()
