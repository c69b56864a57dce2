"""Each bad input, by each write path (admin, API, import, seed loader): the same refusal, the
path's own way of showing it (form error, 4xx JSON, row error, reported refusal), nothing written.

The expected message is what the service layer itself says for that input, so every path
is held to the one rule rather than to a copy of its wording.
"""

import copy
import json

import pytest
import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from deals import services
from deals.imports.importer import import_file
from deals.models import Agreement, AgreementParty, Revision
from deals.seed.loader import SeedError, load_dataset
from tests.editorial import conftest as editorial
from tests.editorial.conftest import change_form, logged_in, token_client
from tests.editorial.test_imports import as_csv, rows

pytestmark = pytest.mark.django_db
# The editorial suite's fixtures: a published, cited agreement and the roles.
world, editor, publisher = editorial.world, editorial.editor, editorial.publisher
citation_backstop = editorial.citation_backstop

TOO_LONG = "x" * 301
# input → (agreement field, value) or a party stake
CASES = {
    "nul_character": ("venue", "Ast\x00ana"),
    "value_too_long": ("title", TOO_LONG),
    "stake_out_of_range": ("stake", "150"),
    "stake_total_over_100": ("stake", "60"),  # the agreement's investor already holds 70
}
IMPORT_COLUMNS = {"venue": "venue", "title": "agreement_title", "stake": "party1_stake"}


def service_refusal(world, case, editor, publisher) -> str:
    """What the service layer answers for ``case``: the message every path must show."""
    field, value = CASES[case]
    actor = publisher
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    try:
        with services.unit(actor):
            if field == "stake":
                party = AgreementParty(
                    agreement=agreement, company=world.tks, role="partner", stake=value
                )
                services.save(actor, party)
            else:
                setattr(agreement, field, value)
                services.save(actor, agreement)
    except ValidationError as exc:
        return exc.messages[0]
    except PermissionDenied as exc:
        return str(exc)
    raise AssertionError(f"the services accepted {case}")


def snapshot(world):
    agreement = Agreement.objects.get(pk=world.agreement.pk)
    return (agreement.version, agreement.title, agreement.venue, agreement.parties.count())


def via_api(world, case, editor, publisher):
    field, value = CASES[case]
    client = token_client(publisher)
    if field == "stake":
        payload = {
            "agreement": world.agreement.slug,
            "company": world.tks.slug,
            "role": "partner",
            "stake": value,
        }
        response = client.post("/api/v1/parties/", payload, format="json")
    else:
        url = f"/api/v1/agreements/{world.agreement.slug}/"
        response = client.patch(url, {field: value}, format="json")
    assert 400 <= response.status_code < 500, response.content
    return json.dumps(response.json(), ensure_ascii=False)


def via_admin(client, world, case, editor, publisher):
    field, value = CASES[case]
    logged_in(client, publisher)
    if field == "stake":
        n = world.agreement.parties.count()
        changes = {
            "parties-TOTAL_FORMS": n + 1,
            f"parties-{n}-agreement": world.agreement.pk,
            f"parties-{n}-company": world.tks.pk,
            f"parties-{n}-role": "partner",
            f"parties-{n}-stake": value,
        }
    else:
        changes = {field: value}
    url = reverse("admin:deals_agreement_change", args=[world.agreement.pk])
    response = client.post(url, change_form(world.agreement, **changes))
    assert response.status_code in (200, 403), response.status_code
    return response.content.decode()


def via_import(world, case, editor, publisher):
    field, value = CASES[case]
    actor = publisher
    change = {"agreement_slug": world.agreement.slug, "agreement_title": ""}
    change.update({"party2_company": "", "party2_role": "", "party2_stake": ""})
    change.update({c: "" for c in ("amount_value", "amount_currency", "amount_kind")})
    change.update({"amount_as_of": "", "amount_qualifier": ""})
    if field == "stake":
        change.update({"party1_company": world.tks.slug, "party1_role": "partner"})
    else:
        change.update({"party1_company": "", "party1_role": "", "party1_stake": ""})
    change[IMPORT_COLUMNS[field]] = value
    data = as_csv(rows(world, n=1, changes={0: change}))
    result = import_file("m.csv", data, actor, commit=True)
    assert not result.committed
    return " ".join(message for row in result.rows for _, message in row.errors) + (
        result.file_error
    )


@pytest.mark.parametrize("path", ["api", "admin", "import"])
def test_an_editors_change_to_a_published_record_waits_as_a_revision_by_every_path(
    client, world, editor, path
):
    before = snapshot(world)
    if path == "api":
        response = token_client(editor).patch(
            f"/api/v1/agreements/{world.agreement.slug}/", {"venue": "By an editor"}, format="json"
        )
        assert response.status_code == 202, response.content
    elif path == "admin":
        logged_in(client, editor)
        url = reverse("admin:deals_agreement_change", args=[world.agreement.pk])
        response = client.post(url, change_form(world.agreement, venue="By an editor"))
        assert response.status_code == 302
    else:
        change = {"agreement_slug": world.agreement.slug, "venue": "By an editor"}
        result = import_file("m.csv", as_csv(rows(world, n=1, changes={0: change})), editor,
                             commit=True)  # fmt: skip
        assert result.committed, [r.errors for r in result.rows]
    assert snapshot(world) == before
    revision = Revision.objects.get()
    assert (revision.status, revision.path, revision.author) == ("pending", path, editor)
    [item] = [i for i in revision.changes if i["model"] == "deals.agreement"]
    assert item["fields"]["venue"] == "By an editor"


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("path", ["api", "admin", "import"])
def test_the_same_refusal_by_every_path(client, world, editor, publisher, case, path):
    expected = service_refusal(world, case, editor, publisher)
    before = snapshot(world)
    if path == "api":
        shown = via_api(world, case, editor, publisher)
    elif path == "admin":
        shown = via_admin(client, world, case, editor, publisher)
    else:
        shown = via_import(world, case, editor, publisher)
    assert expected in shown.replace("&#x27;", "'").replace("&quot;", '"')
    assert snapshot(world) == before


SEED_CASES = {
    "nul_character": ("agreements", "venue", "Ast\x00ana"),
    "value_too_long": ("agreements", "title", TOO_LONG),
    "invalid_country_code": ("deals", "host_country", "KAZ"),
    "stake_out_of_range": ("agreements", "stake", "150"),
    "unknown_company": ("agreements", "company", "no-such-company"),
}


@pytest.mark.parametrize("case", list(SEED_CASES))
def test_the_seed_loader_refuses_the_whole_file_naming_the_record(db, case):
    data = copy.deepcopy(yaml.safe_load(settings.SEED_DATASET.read_text(encoding="utf-8")))
    section, field, value = SEED_CASES[case]
    record = data[section][0]
    if field in ("stake", "company"):
        record["parties"][0][field] = value
    else:
        record[field] = value
    with pytest.raises(SeedError) as refused:
        load_dataset(data)
    assert f"{section}[0] (key={record['key']!r})" in str(refused.value)
    assert not Agreement.objects.exists()
