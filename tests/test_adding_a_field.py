"""A field declared once reaches every place that shows agreements.

The test adds a column to ``Agreement`` (inside the test's transaction, so it
leaves with it) and names it once in ``AgreementRepresentation``: the list and
detail answers, the schema, the CSV export, the import (template and rows), the
seed file's keys and the admin's change form all carry it with nothing else edited.
"""

import csv
import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import connection, models
from rest_framework.test import APIClient

from deals.imports.columns import columns, template_csv
from deals.imports.importer import import_file
from deals.models import Agreement
from deals.representations.agreement import AgreementRepresentation
from deals.seed.sections import declared
from minerals_portal.api.representation import Attr
from minerals_portal.api.tokens import issue_token
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def licence_number(monkeypatch):
    """``Agreement.licence_number``: the model field, its column and its one declaration."""
    field = models.CharField(
        "licence number", max_length=40, blank=True, help_text="As the ministry gives it."
    )
    field.contribute_to_class(Agreement, "licence_number")
    with connection.schema_editor() as editor:
        editor.add_field(Agreement, field)
    *before, last = AgreementRepresentation.fields
    monkeypatch.setattr(AgreementRepresentation, "fields", (*before, Attr("licence_number"), last))
    cache.clear()
    yield "licence_number"
    Agreement._meta.local_fields.remove(field)
    Agreement._meta._expire_cache()
    delattr(Agreement, "licence_number")
    cache.clear()


@pytest.fixture
def partner_client(db):
    partner = User.objects.create_user("field-partner")
    partner.groups.add(Group.objects.get(name="partner"))
    _, key = issue_token(partner)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_declared_field_shows_everywhere(licence_number, partner_client, admin_client):
    agreement = f.agreement(licence_number="ML-2025-042")

    listed = partner_client.get("/api/v1/agreements/").json()["results"]
    assert [item["licence_number"] for item in listed] == ["ML-2025-042"]
    detail = partner_client.get(f"/api/v1/agreements/{agreement.slug}/").json()
    assert detail["licence_number"] == "ML-2025-042"

    schema = partner_client.get("/api/v1/schema/?format=json").json()["components"]["schemas"]
    for component in ("AgreementList", "AgreementDetail", "AgreementWriteRequest"):
        assert "licence_number" in schema[component]["properties"], component

    response = partner_client.get("/api/v1/agreements/?format=csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["licence_number"] for row in rows] == ["ML-2025-042"]

    assert ("licence_number", "As the ministry gives it.") in columns()
    assert "licence_number" in template_csv().decode("utf-8-sig").splitlines()[0].split(",")
    assert "licence_number" in declared(AgreementRepresentation).scalars

    page = admin_client.get(f"/admin/deals/agreement/{agreement.pk}/change/")
    assert page.status_code == 200
    assert b'name="licence_number"' in page.content
    assert b'value="ML-2025-042"' in page.content


def test_a_declared_field_is_imported(licence_number, admin_user):
    deal, source = f.deal(), f.source()
    header = "deal,agreement_title,kind,status,signed,licence_number,citation_source,citation_quote"
    row = f"{deal.slug},Imported licence,licence,signed,2025-11,ML-7,{source.slug},It was licensed."
    result = import_file("rows.csv", f"{header}\n{row}\n".encode(), admin_user, commit=True)
    assert result.committed, [r.errors for r in result.rows] or result.file_error
    assert Agreement.objects.get(title="Imported licence").licence_number == "ML-7"


def test_without_the_declaration_the_field_stays_private(partner_client):
    agreement = f.agreement()
    detail = partner_client.get(f"/api/v1/agreements/{agreement.slug}/").json()
    assert "licence_number" not in detail and "licence_number" not in dict(columns())
