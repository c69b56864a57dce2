"""A re-run of the seed loader never overrides what editors and publishers decided."""

import copy
import io
from decimal import Decimal

import pytest
import yaml
from django.conf import settings
from django.core.management import call_command

from deals.models import (
    Agreement,
    AgreementParty,
    Amount,
    Citation,
    Company,
    Deal,
    Publication,
    SeedRecord,
    Source,
)
from deals.seed.loader import load_dataset

pytestmark = pytest.mark.django_db

DEAL = "katpar-kairakty-tungsten"
AGREEMENT = "katpar-2025-11-agreement"
AMOUNT = "katpar-investment-2025-11"


def dataset():
    return yaml.safe_load(settings.SEED_DATASET.read_text(encoding="utf-8"))


def load_seed(*args) -> str:
    out = io.StringIO()
    call_command("load_seed", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def edited(seeded):
    """The seeded data after a publisher withdrew a deal and an editor changed records."""
    Deal.objects.filter(slug=DEAL).update(publication=Publication.WITHDRAWN)
    agreement = Agreement.objects.get(slug=AGREEMENT)
    agreement.title = "Framework agreement on Katpar tungsten (edited)"
    agreement.save()
    source = Source.objects.first()
    Citation.objects.create(content_object=agreement, source=source, quote="Added by an editor.")
    added = AgreementParty.objects.create(
        agreement=agreement, company=Company.objects.get(slug="kazgeology"), role="partner"
    )
    amount = Amount.objects.get(slug=AMOUNT)
    amount.value = Decimal("1200000000")
    amount.save()
    return added


def test_a_rerun_keeps_every_editorial_decision_and_reports_it(edited):
    output = load_seed()
    assert Deal.objects.get(slug=DEAL).publication == Publication.WITHDRAWN
    agreement = Agreement.objects.get(slug=AGREEMENT)
    assert agreement.title == "Framework agreement on Katpar tungsten (edited)"
    assert agreement.parties.filter(pk=edited.pk).exists()
    assert Citation.objects.filter(object_id=agreement.pk, quote="Added by an editor.").exists()
    assert Amount.objects.get(slug=AMOUNT).value == Decimal("1200000000")
    assert f"deals '{DEAL}': withdrawn since it was seeded (was published)" in output
    assert f"agreements '{AGREEMENT}': changed since it was seeded: citations, parties, title" in (
        output
    )
    assert f"amounts '{AMOUNT}': changed since it was seeded: value" in output
    assert "kept as editors left them: 3 newly reported, 0 reported before" in output


def test_the_second_run_is_a_no_op_and_reports_nothing_new(edited):
    load_seed()
    written = list(SeedRecord.objects.order_by("pk").values_list("written", "kept"))
    deal_version = Deal.objects.get(slug=DEAL).version
    output = load_seed()
    assert "Left as editors left them" not in output
    assert "kept as editors left them: 0 newly reported, 3 reported before" in output
    assert " 0 updated" in output and " 1 updated" not in output
    assert list(SeedRecord.objects.order_by("pk").values_list("written", "kept")) == written
    assert Deal.objects.get(slug=DEAL).version == deal_version
    assert f"deals '{DEAL}': withdrawn" in load_seed("-v", "2")  # still listed on request


def test_records_still_as_seeded_follow_the_file_while_edited_ones_stay(edited):
    data = copy.deepcopy(dataset())
    for record in data["agreements"]:
        if record["key"] in (AGREEMENT, "katpar-2026-02-spa"):
            record["venue"] = "Changed in the file"
    report = load_dataset(data)
    assert Agreement.objects.get(slug="katpar-2026-02-spa").venue == "Changed in the file"
    assert Agreement.objects.get(slug=AGREEMENT).venue != "Changed in the file"
    assert report.updated == {"agreements": 1}


def test_an_edit_undone_makes_the_record_follow_the_file_again(edited):
    load_seed()
    Deal.objects.filter(slug=DEAL).update(publication=Publication.PUBLISHED)
    output = load_seed()
    assert f"deals '{DEAL}'" not in output
    assert not SeedRecord.objects.get(section="deals", key=DEAL).kept


def test_a_record_deleted_since_seeded_is_not_recreated(seeded):
    event = dataset()["events"][0]["key"]
    from deals.models import Event

    Event.objects.filter(slug=event).delete()
    output = load_seed()
    assert not Event.objects.filter(slug=event).exists()
    assert f"events '{event}': deleted since it was seeded: not re-created" in output


def test_a_record_that_predates_tracking_and_differs_is_left(seeded):
    SeedRecord.objects.filter(section="deals", key=DEAL).delete()
    Deal.objects.filter(slug=DEAL).update(summary="Corrected before seeds were tracked.")
    output = load_seed()
    assert Deal.objects.get(slug=DEAL).summary == "Corrected before seeds were tracked."
    assert f"deals '{DEAL}': not written by the seed loader" in output
    assert "Left as editors left them" not in load_seed()


def test_a_record_that_predates_tracking_and_matches_is_adopted(seeded):
    SeedRecord.objects.filter(section="deals", key=DEAL).delete()
    output = load_seed()
    assert f"deals '{DEAL}'" not in output
    assert SeedRecord.objects.get(section="deals", key=DEAL).written["publication"] == "published"
