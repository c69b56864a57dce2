"""The real seed dataset: complete, cited verbatim, and loaded idempotently."""

import copy
import datetime as dt
import io
from decimal import Decimal

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command

from deals.models import Agreement, AgreementParty, Amount, Citation, Deal, Source
from deals.seed.loader import SeedError, load_dataset, read_dataset
from deals.seed.sections import SECTIONS
from deposits.models import Deposit, ResourceEstimate

pytestmark = pytest.mark.django_db
BN = Decimal(1_000_000_000)
CITED_MODELS = [
    "deposits.Commodity", "deposits.Region", "deposits.Deposit", "deposits.ResourceEstimate",
    "deals.Company", "deals.Ownership", "deals.Deal", "deals.Agreement", "deals.AgreementParty",
    "deals.Amount", "deals.Event",
]  # fmt: skip


def collapse(text: str) -> str:
    return " ".join(text.split())


def dataset():
    return yaml.safe_load(settings.SEED_DATASET.read_text(encoding="utf-8"))


def test_every_record_carries_a_citation(seeded):
    for label in CITED_MODELS:
        model = apps.get_model(label)
        assert model.objects.exists(), f"no {label} in the seed"
        cited = set(
            Citation.objects.filter(
                content_type=ContentType.objects.get_for_model(model)
            ).values_list("object_id", flat=True)
        )
        uncited = model.objects.exclude(pk__in=cited)
        assert not uncited.exists(), f"{label} without citation: {list(uncited)}"


def test_every_quote_is_verbatim_in_the_article_it_cites(seeded, articles_dir):
    texts = {s.pk: collapse((articles_dir / s.file).read_text(encoding="utf-8"))
             for s in Source.objects.exclude(file="")}  # fmt: skip
    assert len(texts) == 5
    missing = [(c.source.file, c.quote) for c in Citation.objects.select_related("source")
               if c.quote not in texts[c.source_id]]  # fmt: skip
    assert not missing, missing
    assert Citation.objects.count() >= 150


def test_sources_carry_publisher_date_and_language(seeded, articles_dir):
    sources = {s.file: s for s in Source.objects.exclude(file="")}
    readme = (articles_dir / "README.md").read_text()
    for file, source in sources.items():
        assert file in readme and source.published.isoformat() in readme
    assert sources["002_73492cb4be38bf89.txt"].language == "bg"
    assert sources["003_e026505a8913d255.txt"].published == dt.date(2025, 9, 3)


def test_tungsten_project_its_agreements_cost_estimate_and_commitment(seeded):
    deal = Deal.objects.get(slug="katpar-kairakty-tungsten")
    assert set(deal.deposits.values_list("name", flat=True)) == {"Severny Katpar", "Upper Kairakty"}
    kinds = {(a.kind, str(a.date)) for a in deal.agreements.all()}
    assert {("framework", "November 2025"), ("spa", "February 2026"),
            ("founding_agreement", "February 2026")} <= kinds  # fmt: skip
    estimate = Amount.objects.get(deal=deal, qualifier="approximately", kind="cost_estimate")
    commitment = Amount.objects.get(deal=deal, kind="investment_commitment")
    assert estimate.value == commitment.value == Decimal("1.1") * BN
    assert commitment.qualifier == "at_least" and str(commitment.as_of_loose) == "February 2026"
    exim = Amount.objects.get(deal=deal, kind="financing_interest")
    assert (exim.value, exim.investor.slug) == (900_000_000, "exim-bank-usa")


def test_akbulak_split_75_25_through_kazgeology(seeded):
    parties = AgreementParty.objects.filter(agreement__deal__deposits__slug="akbulak")
    stakes = {(p.company.slug, p.stake, p.held_via and p.held_via.slug) for p in parties}
    assert stakes == {("cove-kaz-capital-group", 75, None),
                      ("tau-ken-samruk", 25, "kazgeology")}  # fmt: skip


def test_realloys_altyngroup_partnership_provides_for_the_kokbulak_offtake(seeded):
    deal = Deal.objects.get(slug="realloys-altyngroup-rare-earths")
    partnership = deal.agreements.get(kind="non_binding_partnership")
    assert {p.company.slug for p in partnership.parties.all()} == {
        "realloys", "altyngroup-kazakhstan"}  # fmt: skip
    assert "kokbulak" in set(partnership.deposits.values_list("slug", flat=True))
    assert {"terbium", "dysprosium"} <= set(partnership.commodities.values_list("slug", flat=True))


def test_memorandum_logistics_deals_and_resource_figures(seeded):
    assert Agreement.objects.filter(kind="memorandum", deal__slug__contains="memorandum").exists()
    tripp = {p.stake for p in AgreementParty.objects.filter(agreement__deal__slug="tripp")}
    assert {74, 26} <= tripp
    wabtec = Amount.objects.get(deal__slug="wabtec-kazakhstan-rail")
    assert (wabtec.value, wabtec.kind) == (4 * BN, "contract_value")
    ore = ResourceEstimate.objects.get(deposit__slug="zhana-kazakhstan")
    assert (ore.quantity, ore.quantity_unit, ore.quantity_qualifier) == (20, "Mt", "more_than")
    assert (ore.grade, ore.grade_unit, ore.depth_limit_m) == (700, "g/t", 300)
    kuyrektykol = ResourceEstimate.objects.get(deposit__slug="kuyrektykol")
    assert (kuyrektykol.quantity, kuyrektykol.quantity_unit) == (1_000_000, "t")
    kokbulak = Deposit.objects.get(slug="kokbulak")
    assert kokbulak.estimates.get().quantity == 350
    assert {"terbium", "dysprosium"} <= set(kokbulak.commodities.values_list("slug", flat=True))


def test_names_in_every_script_find_the_same_records(seeded):
    from minerals_portal.common.search import fold

    cases = [
        ("Северный Катпар", "severny-katpar"),
        ("severnyi katpar", "severny-katpar"),
        ("Жаңа Қазақстан", "zhana-kazakhstan"),
    ]
    for query, slug in cases:
        assert Deposit.objects.filter(search_key__contains=fold(query)).get().slug == slug


def test_loading_twice_changes_nothing(seeded):
    counts = {label: apps.get_model(label).objects.count() for label in CITED_MODELS}
    citations = Citation.objects.count()
    report = load_dataset(dataset())
    assert sum(report.created.values()) == sum(report.updated.values()) == 0
    assert report.kept == []
    assert sum(report.unchanged.values()) == sum(len(dataset().get(s) or []) for s in SECTIONS)
    assert {label: apps.get_model(label).objects.count() for label in CITED_MODELS} == counts
    assert Citation.objects.count() == citations


def test_an_edited_file_updates_the_records_it_names(seeded):
    data = dataset()
    data["deals"][0]["summary"] = "Edited summary."
    data["agreements"][0]["parties"] = data["agreements"][0]["parties"][:1]
    report = load_dataset(data)
    assert report.updated["deals"] == 1
    assert Deal.objects.get(slug=data["deals"][0]["key"]).summary == "Edited summary."
    assert Agreement.objects.get(slug=data["agreements"][0]["key"]).parties.count() == 1


def test_a_field_cleared_after_another_change_is_written_in_the_same_load(seeded):
    data = dataset()
    amount = next(a for a in data["amounts"] if a["key"] == "katpar-investment-2026-02")
    amount.update(as_of="2026-03", agreement=None)
    assert load_dataset(data).updated["amounts"] == 1
    stored = Amount.objects.get(slug="katpar-investment-2026-02")
    assert (str(stored.as_of_loose), stored.agreement) == ("March 2026", None)
    assert sum(load_dataset(data).updated.values()) == 0


@pytest.mark.parametrize(
    "section, index, change, message",
    [
        ("agreements", 0, {"deal": "no-such-deal"}, "unknown deals key 'no-such-deal'"),
        ("amounts", 0, {"currency": "DOLLARS"}, "ISO 4217"),
        ("amounts", 0, {"as_of": "November 2025"}, "YYYY, YYYY-MM or YYYY-MM-DD"),
        ("deposits", 1, {"citations": []}, "real data needs at least one citation"),
        ("companies", 2, {"colour": "red"}, "unknown fields ['colour']"),
    ],
)
def test_a_malformed_file_is_refused_naming_the_bad_record(db, section, index, change, message):
    data = copy.deepcopy(dataset())
    data[section][index].update(change)
    key = data[section][index]["key"]
    with pytest.raises(SeedError) as exc:
        load_dataset(data)
    assert f"{section}[{index}] (key={key!r})" in str(exc.value)
    assert message in str(exc.value)
    assert not Deal.objects.exists() and not Source.objects.exists()  # all or nothing


def test_command_reports_and_refuses_with_a_clear_message(db, tmp_path):
    out = io.StringIO()
    call_command("load_seed", stdout=out)
    assert "agreements" in out.getvalue() and "created" in out.getvalue()
    bad = tmp_path / "bad.yaml"
    bad.write_text("version: 1\nsources: [{key: x}]\n")
    with pytest.raises(CommandError, match=r"sources\[0\] \(key='x'\): missing required fields"):
        call_command("load_seed", str(bad))
    bad.write_text("version: [\n")
    with pytest.raises(CommandError, match="not valid YAML"):
        call_command("load_seed", str(bad))
    assert read_dataset(settings.SEED_DATASET)["version"] == 1


def test_if_empty_leaves_a_database_with_data_alone(seeded):
    deal = Deal.objects.get(slug="katpar-kairakty-tungsten")
    deal.summary = "Corrected by an editor."
    deal.save()
    out = io.StringIO()
    call_command("load_seed", "--if-empty", stdout=out)
    assert "not loaded" in out.getvalue()
    deal.refresh_from_db()
    assert deal.summary == "Corrected by an editor."
