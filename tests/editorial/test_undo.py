"""One admin save is one undoable unit; an agreement's history shows its parties and amounts."""

import re

import pytest
from django.urls import reverse

from deals import services
from deals.models import Agreement, AgreementParty, Amount, Citation

from .conftest import change_form, logged_in

pytestmark = pytest.mark.django_db
CITATIONS = "deals-citation-content_type-object_id"


def one_save(client, world, publisher):
    """Title, a party's stake and a new citation, changed in one admin save."""
    logged_in(client, publisher)
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    data = change_form(agreement, title="Renamed agreement", **{"parties-0-stake": "60"})
    n = data[f"{CITATIONS}-TOTAL_FORMS"]
    data.update({f"{CITATIONS}-TOTAL_FORMS": n + 1, f"{CITATIONS}-{n}-source": world.source.pk})
    data[f"{CITATIONS}-{n}-quote"] = "Стороны подписали соглашение."
    data[f"{CITATIONS}-{n}-quote_kind"] = "verbatim"  # preselected on the form
    url = reverse("admin:deals_agreement_change", args=[agreement.pk])
    response = client.post(url, data)
    errors = re.findall(r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S)
    assert response.status_code == 302, errors
    history = reverse("admin:deals_agreement_history", args=[agreement.pk])
    page = client.get(history).content.decode()
    undo = page[page.index('class="button history-undo" href="') :].split('"')[3]
    return history, undo


def test_undo_restores_every_row_of_one_save(client, world, publisher):
    history, undo = one_save(client, world, publisher)
    assert AgreementParty.objects.get(pk=world.party.pk).stake == 60
    confirm = client.get(undo).content.decode()
    assert "Renamed agreement" in confirm and "Стороны подписали соглашение." in confirm
    assert client.post(undo).status_code == 302
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    assert agreement.title == "Framework agreement"
    assert AgreementParty.objects.get(pk=world.party.pk).stake == 70
    assert not Citation.objects.filter(quote="Стороны подписали соглашение.").exists()
    page = client.get(history).content.decode()
    assert "undo of a save" in page


def test_undo_is_refused_when_a_row_changed_since(client, world, publisher):
    _, undo = one_save(client, world, publisher)
    party = AgreementParty.objects.get(pk=world.party.pk)
    party.stake = 55
    services.save(publisher, party, path="api")  # another save, in its own history context
    response = client.post(undo, follow=True)
    assert "changed again since this save" in response.content.decode()
    assert Agreement.objects.get(pk=world.agreement.pk).title == "Renamed agreement"
    assert AgreementParty.objects.get(pk=world.party.pk).stake == 55


def test_an_agreements_history_includes_its_parties_and_amounts(client, world, publisher):
    amount = Amount.objects.get(pk=world.amount.pk)
    amount.value = 1_250_000_000
    services.save(publisher, amount)
    logged_in(client, publisher)
    page = client.get(reverse("admin:deals_agreement_history", args=[world.agreement.pk]))
    text = page.content.decode()
    assert "1250000000" in text and "Amount" in text
    assert "Agreement party" in text and "Cove Capital" in text
