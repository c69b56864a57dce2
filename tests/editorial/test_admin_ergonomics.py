"""The admin as editors type into it: aliases as lines, slugs made for them, a readable list."""

import re

import pytest
from django.urls import reverse

from deals.models import Amount, Company
from deposits.models import ResourceEstimate
from tests import factories as f

from .conftest import logged_in

pytestmark = pytest.mark.django_db


def test_aliases_are_edited_one_per_line(client, world, editor):
    Company.objects.filter(pk=world.cove.pk).update(publication="draft")  # a published one:
    logged_in(client, editor)  # an editor's change would wait as a revision
    url = reverse("admin:deals_company_change", args=[world.cove.pk])
    page = client.get(url).content.decode()
    assert '<textarea name="aliases"' in page and "One name per line" in page
    data = {
        "name": "Cove Capital",
        "slug": world.cove.slug,
        "name_ru": "",
        "name_kk": "",
        "aliases": "Cove Capital LLC\n  Ков Кэпитал \n\n",
        "kind": "private_investor",
        "country": "US",
        "description": "",
        "deals-citation-content_type-object_id-TOTAL_FORMS": 0,
        "deals-citation-content_type-object_id-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Company.objects.get(pk=world.cove.pk).aliases == ["Cove Capital LLC", "Ков Кэпитал"]
    page = client.get(url).content.decode()
    assert "Cove Capital LLC\nКов Кэпитал</textarea>" in page


# Amounts and estimates carry an inline of reported figures: its empty management form.
NO_REPORTS = {
    "deals-figurereport-content_type-object_id-TOTAL_FORMS": 0,
    "deals-figurereport-content_type-object_id-INITIAL_FORMS": 0,
}


def test_a_standalone_amount_gets_its_slug_made(client, world, editor):
    logged_in(client, editor)
    data = {
        "deal": world.deal.pk,
        "slug": "",
        "value": "5000000",
        "currency": "USD",
        "qualifier": "exact",
        "kind": "investment_commitment",
        "as_of": "2025-11-01",
        "as_of_precision": "month",
        "publication": "draft",
        "deals-citation-content_type-object_id-TOTAL_FORMS": 0,
        "deals-citation-content_type-object_id-INITIAL_FORMS": 0,
        **NO_REPORTS,
    }
    response = client.post(reverse("admin:deals_amount_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    amount = Amount.objects.get(value=5_000_000)
    assert amount.slug == f"{world.deal.slug}-investment-commitment-2025-11"


def test_an_estimate_gets_its_slug_made(client, db, editor):
    deposit = f.deposit("Severny Katpar")
    logged_in(client, editor)
    url = reverse("admin:deposits_resourceestimate_add")
    assert "Left empty: made from the record" in client.get(url).content.decode()
    data = {
        "slug": "",
        "deposit": deposit.pk,
        "quantity": "12000",
        "quantity_unit": "t",
        "quantity_qualifier": "exact",
        "grade_qualifier": "exact",  # preselected on the form
        "measured": "metal",
        "category": "inferred",
        "reporting_code": "unspecified",
        "deals-citation-content_type-object_id-TOTAL_FORMS": 0,
        "deals-citation-content_type-object_id-INITIAL_FORMS": 0,
        **NO_REPORTS,
    }
    response = client.post(url, data)
    errors = re.findall(r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S)
    assert response.status_code == 302, errors
    assert ResourceEstimate.objects.get().slug == f"{deposit.slug}-metal-inferred"


def test_the_agreement_list_shows_status_and_publication(client, world, editor):
    logged_in(client, editor)
    page = client.get(reverse("admin:deals_agreement_changelist")).content.decode()
    for column in ("column-short_title", "column-status", "column-publication"):
        assert column in page
    assert "column-signed_date" in page and ">2025-11-06<" in page  # the factory's day
