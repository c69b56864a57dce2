"""The seed claims no more than its quotes say (issue 13, item 1): one test per defect fixed.

Each of these failed on the dataset before the audit (deals/seed/AUDIT.md lists them).
"""

import pytest
from django.urls import reverse

from deals.models import Agreement, Amount, Company, Event, Ownership, Source
from deposits.models import Deposit, ResourceEstimate
from minerals_portal.common.search import fold

pytestmark = pytest.mark.django_db
NOV_VOLUME = "Объем инвестиций составляет порядка 1,1 млрд долларов."
THIRTY_EIGHT = "Разработки ждут около 19 т. золота и более 20 млн т руды"
EXPECTED_OFFTAKES = "ожидается подписание дополнительных офтейк-контрактов"


def collapse(text: str) -> str:
    return " ".join(text.split())


def test_the_november_1_1_bn_is_not_cove_capitals_commitment(seeded):
    november = Amount.objects.get(citations__quote=NOV_VOLUME)
    assert november.investor is None  # the sentence names no investor
    assert str(november.as_of_loose) == "November 2025"  # the agreement's month, not 7 Nov
    cove = Amount.objects.filter(investor__slug="cove-capital")
    assert [(a.qualifier, str(a.as_of_loose)) for a in cove] == [("at_least", "February 2026")]


def test_the_february_commitment_is_linked_to_the_documents_it_was_reported_with(seeded):
    february = Amount.objects.get(investor__slug="cove-capital")
    assert february.agreement.kind == "spa"
    assert february.agreement.deal.slug == "katpar-kairakty-tungsten"
    assert february.restates.citations.get().quote == NOV_VOLUME


def test_kuyrektykol_is_a_deposit_of_its_own_with_about_1_mt_of_ore(seeded, client):
    zhana = Deposit.objects.get(slug="zhana-kazakhstan")
    assert not any("уйрект" in a or "uyrekt" in a for a in zhana.aliases)
    found = Deposit.objects.filter(search_key__contains=fold("Куйректколь"))
    assert list(found.values_list("slug", flat=True)) == ["kuyrektykol"]
    estimate = ResourceEstimate.objects.get(deposit__slug="kuyrektykol")
    assert (estimate.quantity, estimate.quantity_unit) == (1_000_000, "t")
    assert (estimate.quantity_qualifier, estimate.measured) == ("approximately", "ore")
    assert not zhana.estimates.filter(quantity_unit="t").exists()
    body = client.get(reverse("deposit-detail", args=["kuyrektykol"])).content.decode()
    assert "<h1>Kuyrektykol" in body and "about 1,000,000 t" in body and "<td>ore" in body


def test_the_38_new_deposits_minerals_are_not_tied_to_zhana_kazakhstan(seeded):
    zhana = Deposit.objects.get(slug="zhana-kazakhstan")
    assert set(zhana.commodities.values_list("slug", flat=True)) == {"rare-earths"}
    assert not zhana.citations.filter(quote__startswith=THIRTY_EIGHT).exists()
    assert not zhana.estimates.filter(citations__quote__startswith=THIRTY_EIGHT).exists()
    event = Event.objects.get(citations__quote__startswith=THIRTY_EIGHT)
    assert not event.deposits.exists()


def test_blackboxstocks_does_not_own_its_merger_target(seeded, client):
    assert not Ownership.objects.filter(child__slug="realloys").exists()
    assert not Ownership.objects.filter(parent__slug="blackboxstocks").exists()
    parent = client.get(reverse("company-detail", args=["blackboxstocks"])).content.decode()
    assert "No ownership links recorded." in parent
    target = client.get(reverse("company-detail", args=["realloys"])).content.decode()
    assert "Owned by" not in target


def test_the_kokbulak_offtake_is_a_term_of_the_non_binding_partnership(seeded):
    deal_agreements = Agreement.objects.filter(deal__slug="realloys-altyngroup-rare-earths")
    assert not deal_agreements.filter(kind="offtake").exists()
    partnership = deal_agreements.get()
    assert (partnership.kind, partnership.binding) == ("non_binding_partnership", False)
    assert list(partnership.deposits.values_list("slug", flat=True)) == ["kokbulak"]
    assert partnership.citations.filter(quote__contains="первоначальный офтейк").exists()


def test_expected_heavy_rare_earth_offtakes_are_no_agreement(seeded):
    assert not Agreement.objects.filter(citations__quote__contains=EXPECTED_OFFTAKES).exists()
    event = Event.objects.get(citations__quote__contains=EXPECTED_OFFTAKES)
    assert event.kind == "announcement" and event.agreement is None
    assert event.deal.slug == "realloys-altyngroup-rare-earths"


def test_exim_showed_interest_and_signed_no_letter(seeded):
    assert not Agreement.objects.filter(kind="letter_of_interest").exists()
    exim = Amount.objects.get(investor__slug="exim-bank-usa")
    assert (exim.kind, exim.agreement, exim.value) == ("financing_interest", None, 900_000_000)


def test_the_planned_tripp_development_company_has_no_stated_country(seeded):
    company = Company.objects.get(slug="tripp-development-company")
    assert company.country != "AM"


def test_undated_estimates_are_not_dated_to_the_article_that_reports_them(seeded):
    published = {s.pk: s.published for s in Source.objects.all()}
    for estimate in ResourceEstimate.objects.prefetch_related("citations"):
        days = {published[c.source_id] for c in estimate.citations.all()}
        assert estimate.as_of not in days, estimate.slug
    assert not ResourceEstimate.objects.filter(deposit__slug="kokbulak", as_of__isnull=False)


def test_source_titles_are_the_articles_own_words(seeded, articles_dir):
    kept = Source.objects.exclude(file="")
    assert kept.count() == 5
    for source in kept:
        text = collapse((articles_dir / source.file).read_text(encoding="utf-8"))
        assert collapse(source.title) in text, source.file
    # A source with no copy kept is one an article names as its own source.
    for source in Source.objects.filter(file="").prefetch_related("related_from"):
        assert source.related_from.exists(), source.slug
