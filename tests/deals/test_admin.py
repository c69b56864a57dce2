"""Editors enter agreements in the admin; analysts may only look."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from deals.models import Agreement, AgreementParty, Amount, Citation
from tests import factories as f

pytestmark = pytest.mark.django_db

CITATIONS = "deals-citation-content_type-object_id"


def staff(role):
    user = User.objects.create_user(f"{role}1", password="pw-long-enough-1", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def world():
    return {
        "deal": f.deal("Tungsten project"),
        "tks": f.company("Tau-Ken Samruk", name_ru="Тау-Кен Самрук", kind="national_company"),
        "cove": f.company("Cove Capital", kind="private_investor", country="US"),
        "source": f.source(),
    }


def agreement_form(world, **overrides):
    data = {
        "deal": world["deal"].pk,
        "title": "Agreement on joint development",
        "slug": "agreement-on-joint-development",
        "kind": "framework",
        "status": "signed",
        "binding": "unknown",
        "venue": "C5+1 summit, Washington",
        "publication": "draft",
        "amounts-0-publication": "draft",
        "announced_on": "",
        "announced_on_precision": "",
        "signed_on": "2025-11-01",
        "signed_on_precision": "month",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-0-company": world["tks"].pk,
        "parties-0-role": "state_partner",
        "parties-0-stake": "25",
        "parties-1-company": world["cove"].pk,
        "parties-1-role": "investor",
        "parties-1-stake": "75",
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
        "amounts-TOTAL_FORMS": "1",
        "amounts-INITIAL_FORMS": "0",
        "amounts-0-value": "1100000000",
        "amounts-0-currency": "USD",
        "amounts-0-qualifier": "approximately",
        "amounts-0-kind": "investment_commitment",
        "amounts-0-as_of": "2025-11-01",
        "amounts-0-as_of_precision": "month",
        "amounts-0-deal": world["deal"].pk,
        "amounts-0-slug": "tungsten-usd-1-1bn",
        f"{CITATIONS}-TOTAL_FORMS": "1",
        f"{CITATIONS}-INITIAL_FORMS": "0",
        f"{CITATIONS}-0-source": world["source"].pk,
        f"{CITATIONS}-0-field": "signed_on",
        f"{CITATIONS}-0-quote": "Документ был подписан на полях саммита C5+1 в Вашингтоне.",
        f"{CITATIONS}-0-quote_kind": "verbatim",
    }
    for form in ("parties", "amounts", CITATIONS):
        data[f"{form}-MIN_NUM_FORMS"] = "0"
        data[f"{form}-MAX_NUM_FORMS"] = "1000"
    data.update(overrides)
    return data


def test_editor_adds_an_agreement_with_two_parties_an_amount_and_a_citation(client, world):
    client.force_login(staff("editor"))
    assert client.get(reverse("admin:deals_agreement_add")).status_code == 200
    response = client.post(reverse("admin:deals_agreement_add"), agreement_form(world))
    assert response.status_code == 302, response.context and response.context["errors"]
    agreement = Agreement.objects.get(slug="agreement-on-joint-development")
    assert str(agreement.signed) == "November 2025"
    parties = {(p.company.name, p.role, int(p.stake)) for p in agreement.parties.all()}
    assert parties == {("Tau-Ken Samruk", "state_partner", 25), ("Cove Capital", "investor", 75)}
    amount = Amount.objects.get(agreement=agreement)
    assert (amount.value, amount.currency, amount.qualifier) == (
        1_100_000_000,
        "USD",
        "approximately",
    )
    assert Citation.objects.get(object_id=agreement.pk).field == "signed_on"


def test_stakes_over_100_are_shown_as_a_form_error(client, world):
    client.force_login(staff("editor"))
    response = client.post(
        reverse("admin:deals_agreement_add"), agreement_form(world, **{"parties-0-stake": "40"})
    )
    assert response.status_code == 200
    body = response.content.decode().replace("&#x27;", "'")
    assert (
        "The parties' stakes in agreement “Agreement on joint development” total 115 %, "
        "more than 100 %." in body
    )
    assert not Agreement.objects.exists() and not AgreementParty.objects.exists()


def test_bad_currency_and_month_date_are_explained_on_the_form(client, world):
    client.force_login(staff("editor"))
    response = client.post(
        reverse("admin:deals_agreement_add"),
        agreement_form(world, **{"amounts-0-currency": "DOL", "signed_on": "2025-11-15"}),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "is not an ISO 4217 currency code" in body
    assert "a month-precise date falls on the 1st" in body
    assert not Agreement.objects.exists()


def test_analyst_can_read_but_not_add_or_change(client, world):
    client.force_login(staff("analyst"))
    assert client.get(reverse("admin:deals_agreement_changelist")).status_code == 200
    assert client.get(reverse("admin:deals_agreement_add")).status_code == 403
    response = client.post(reverse("admin:deals_agreement_add"), agreement_form(world))
    assert response.status_code == 403
    assert not Agreement.objects.exists()
    a = f.agreement(world["deal"], title="Existing")
    response = client.post(
        reverse("admin:deals_agreement_change", args=[a.pk]),
        agreement_form(world, title="Changed by analyst"),
    )
    assert response.status_code == 403
    a.refresh_from_db()
    assert a.title == "Existing"


@pytest.mark.parametrize("query", ["Самрұқ", "samruk", "Тау-Кен Самрук", "TAU KEN"])
def test_admin_search_finds_latin_and_cyrillic_spellings(client, world, query):
    client.force_login(staff("analyst"))
    response = client.get(reverse("admin:deals_company_changelist"), {"q": query})
    names = [c.name for c in response.context["cl"].result_list]
    assert names == ["Tau-Ken Samruk"]


def test_agreement_search_reaches_party_names_in_cyrillic(client, world):
    a = f.agreement(world["deal"], title="Founding agreement")
    f.party(a, world["tks"], role="state_partner")
    f.agreement(world["deal"], title="Unrelated")
    client.force_login(staff("analyst"))
    response = client.get(reverse("admin:deals_agreement_changelist"), {"q": "Самрук"})
    assert [x.title for x in response.context["cl"].result_list] == ["Founding agreement"]


def test_a_stake_over_100_is_a_form_error_not_a_crash(client, world):
    client.force_login(staff("editor"))
    response = client.post(
        reverse("admin:deals_agreement_add"), agreement_form(world, **{"parties-0-stake": "150"})
    )
    assert response.status_code == 200
    assert "A stake lies between 0 and 100 %." in response.content.decode()
    assert not Agreement.objects.exists()
