"""A refused admin save comes back as the form, with what was typed and the reason beside it."""

import re

from django.urls import reverse

from deals.models import Agreement, Amount, Citation
from tests import factories as f
from tests.deals.test_admin import CITATIONS

from .conftest import change_form, logged_in


def errors(response) -> list[str]:
    body = response.content.decode().replace("&#x27;", "'")
    return [
        re.sub(r"<[^>]+>", "", e) for e in re.findall(r'class="errorlist[^"]*">(.*?)</ul>', body)
    ]


def change_url(record):
    opts = record._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[record.pk])


def test_an_editor_changing_a_withdrawn_agreement_gets_the_form_back(client, world, editor):
    """Published records take an editor's change as a revision (test_revisions); withdrawn
    ones stay locked."""
    Agreement.objects.filter(pk=world.agreement.pk).update(publication="withdrawn")
    logged_in(client, editor)
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    data = change_form(agreement, title="Framework agreement (amended)")
    response = client.post(change_url(world.agreement), data)
    assert response.status_code == 200
    assert any("is withdrawn: only a publisher" in e for e in errors(response))
    assert 'value="Framework agreement (amended)"' in response.content.decode()
    assert Agreement.objects.get(pk=world.agreement.pk).title == "Framework agreement"


def test_deleting_a_published_records_last_citation_is_a_form_error(client, world, publisher):
    logged_in(client, publisher)
    data = change_form(world.agreement, title="Framework agreement, signed")
    data[f"{CITATIONS}-0-DELETE"] = "on"
    response = client.post(change_url(world.agreement), data)
    assert response.status_code == 200
    assert any("must keep at least one citation" in e for e in errors(response))
    assert 'value="Framework agreement, signed"' in response.content.decode()
    assert world.agreement.citations.count() == 1
    assert Agreement.objects.get(pk=world.agreement.pk).title == "Framework agreement"
    # The same citation deleted on its own page: refused by the write layer, with a message.
    [citation] = world.agreement.citations.all()
    url = reverse("admin:deals_citation_delete", args=[citation.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert "must keep at least one citation" in response.content.decode()
    assert Citation.objects.filter(pk=citation.pk).exists()


def test_a_reallocation_of_stakes_in_one_save_passes(client, world, editor):
    draft = f.agreement(world.deal, title="Joint venture terms", publication="draft")
    first = f.party(draft, world.tks, role="state_partner", stake=60)
    second = f.party(draft, world.cove, role="investor", stake=40)
    logged_in(client, editor)
    data = change_form(draft, **{"parties-0-stake": "35", "parties-1-stake": "65"})
    rows = {data["parties-0-id"]: "parties-0", data["parties-1-id"]: "parties-1"}
    data[f"{rows[first.pk]}-stake"], data[f"{rows[second.pk]}-stake"] = "65", "35"
    response = client.post(change_url(draft), data)
    assert response.status_code == 302, errors(response)
    assert {p.company_id: int(p.stake) for p in draft.parties.all()} == {
        world.tks.pk: 65,
        world.cove.pk: 35,
    }


def test_stakes_over_100_keep_the_typed_rows(client, world, editor):
    draft = f.agreement(world.deal, title="Joint venture terms", publication="draft")
    f.party(draft, world.tks, role="state_partner", stake=60)
    f.party(draft, world.cove, role="investor", stake=40)
    logged_in(client, editor)
    data = change_form(draft, **{"parties-0-stake": "70", "parties-1-stake": "70"})
    response = client.post(change_url(draft), data)
    assert response.status_code == 200
    assert any("total 140 %, more than 100 %" in e for e in errors(response))
    assert response.content.decode().count('value="70"') == 2
    assert sorted(int(p.stake) for p in draft.parties.all()) == [40, 60]


def test_a_refused_delete_is_a_message_not_an_error_page(client, world, editor):
    Amount.objects.filter(pk=world.amount.pk).update(publication="withdrawn")
    logged_in(client, editor)
    url = reverse("admin:deals_amount_delete", args=[world.amount.pk])
    response = client.post(url, {"post": "yes"}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was deleted" in text and "only a publisher or an administrator" in text
    assert Amount.objects.filter(pk=world.amount.pk).exists()
    assert Citation.objects.filter(object_id=world.amount.pk).exists()
