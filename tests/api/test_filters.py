"""Filters: script-tolerant search, related records, subsidiaries, dates, USD ranges, sync."""

import datetime as dt

import pytest
from django.utils import timezone

from deals.models import Agreement, Ownership
from tests import factories as f

from .conftest import assert_error, event, results, slugs

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("q", ["Самрұқ", "samruk", "SAMRUK", "Тау-Кен", "tau ken samruk", "Самрук"])
def test_search_finds_tau_ken_samruk_in_any_script(world, partner_client, q):
    assert world.tks.slug in slugs(partner_client.get("/api/v1/companies/", {"q": q}))


def test_search_needs_every_word(world, partner_client):
    assert slugs(partner_client.get("/api/v1/companies/", {"q": "samruk kazyna"})) == [
        world.skz.slug
    ]
    assert slugs(partner_client.get("/api/v1/companies/", {"q": "samruk xylophone"})) == []


def test_agreement_search_goes_through_deal_deposit_party_and_title(world, partner_client):
    for q in ["Самрұқ", "Северный Катпар", "вольфрамовый", "joint development", "cove"]:
        assert slugs(partner_client.get("/api/v1/agreements/", {"q": q})) == [
            world.agreement.slug
        ], q
    assert slugs(partner_client.get("/api/v1/agreements/", {"q": "lithium"})) == []


def test_amount_and_event_search(world, partner_client):
    assert slugs(partner_client.get("/api/v1/amounts/", {"q": "cove"})) == [world.usd.slug]
    assert slugs(partner_client.get("/api/v1/events/", {"q": "Самрук"})) == [world.summit.slug]
    assert slugs(partner_client.get("/api/v1/events/", {"q": "find"})) == [world.discovery.slug]


def test_deposit_search_and_filters(world, partner_client):
    assert slugs(partner_client.get("/api/v1/deposits/", {"q": "severnyi katpar"})) == [
        world.katpar.slug
    ]
    assert slugs(partner_client.get("/api/v1/deposits/", {"commodity": "tungsten"})) == [
        world.katpar.slug
    ]
    assert slugs(partner_client.get("/api/v1/deposits/", {"region": "karaganda"})) == [
        world.katpar.slug
    ]
    assert slugs(partner_client.get("/api/v1/deposits/", {"country": "kz"})) == [world.katpar.slug]
    assert slugs(partner_client.get("/api/v1/deposits/", {"deal": world.deal.slug})) == [
        world.katpar.slug,
        world.kairakty.slug,
    ]
    tks_deposits = slugs(partner_client.get("/api/v1/deposits/", {"company": world.tks.slug}))
    assert tks_deposits == [world.katpar.slug, world.kairakty.slug]


def test_filters_by_deposit(world, partner_client):
    katpar = {"deposit": world.katpar.slug}
    assert slugs(partner_client.get("/api/v1/deals/", katpar)) == [world.deal.slug]
    assert slugs(partner_client.get("/api/v1/agreements/", katpar)) == [world.agreement.slug]
    assert slugs(partner_client.get("/api/v1/events/", katpar)) == [world.summit.slug]
    amounts = set(slugs(partner_client.get("/api/v1/amounts/", katpar)))
    assert amounts == {world.usd.slug, world.kzt.slug, world.eur.slug}  # via the deal
    none = {"deposit": world.lithium_field.slug}
    assert slugs(partner_client.get("/api/v1/agreements/", none)) == []


def test_company_filter_with_and_without_subsidiaries(world, partner_client):
    skz = {"company": world.skz.slug}
    assert slugs(partner_client.get("/api/v1/agreements/", skz)) == []
    with_subs = {**skz, "include_subsidiaries": "true"}
    assert slugs(partner_client.get("/api/v1/agreements/", with_subs)) == [world.agreement.slug]
    assert slugs(partner_client.get("/api/v1/deals/", with_subs)) == [world.deal.slug]
    assert slugs(partner_client.get("/api/v1/events/", with_subs)) == [world.summit.slug]
    # The stake held via Cove Kazakhstan counts for Cove Kazakhstan too.
    held = {"company": world.cove_kz.slug}
    assert slugs(partner_client.get("/api/v1/agreements/", held)) == [world.agreement.slug]
    investor = {"company": world.cove.slug}
    assert slugs(partner_client.get("/api/v1/amounts/", investor)) == [world.usd.slug]


def test_subsidiaries_are_followed_transitively_and_cycles_end(world, partner_client):
    grandchild = f.company("Tau-Ken Altyn")
    Ownership.objects.create(parent=world.tks, child=grandchild, relation="subsidiary")
    Ownership.objects.create(parent=grandchild, child=world.skz, relation="affiliate")  # a loop
    other = f.agreement(f.deal("Gold deal"), title="Gold offtake")
    f.party(other, grandchild, stake=5)
    response = partner_client.get(
        "/api/v1/agreements/", {"company": world.skz.slug, "include_subsidiaries": "1"}
    )
    assert set(slugs(response)) == {world.agreement.slug, other.slug}
    subsidiaries = partner_client.get("/api/v1/companies/", {"subsidiaries_of": world.skz.slug})
    assert set(slugs(subsidiaries)) == {world.tks.slug, grandchild.slug}


def test_role_and_party_country(world, partner_client):
    both = {"company": world.tks.slug, "role": "investor"}
    assert slugs(partner_client.get("/api/v1/agreements/", both)) == []
    both["role"] = "state_partner"
    assert slugs(partner_client.get("/api/v1/agreements/", both)) == [world.agreement.slug]
    us = {"party_country": "US"}
    assert slugs(partner_client.get("/api/v1/agreements/", us)) == [world.agreement.slug]
    cn = {"party_country": "CN"}
    assert slugs(partner_client.get("/api/v1/agreements/", cn)) == []


def test_kind_status_commodity_country_region(world, partner_client):
    spa = f.agreement(world.deal, title="Share purchase", kind="spa", status="binding")
    get = lambda **p: slugs(partner_client.get("/api/v1/agreements/", p))  # noqa: E731
    assert get(kind="spa") == [spa.slug]
    assert set(get(kind=["spa", "framework"])) == {spa.slug, world.agreement.slug}
    assert get(status="binding") == [spa.slug]
    assert set(get(commodity="tungsten")) == {spa.slug, world.agreement.slug}
    assert get(commodity="lithium") == []
    assert set(get(country="KZ")) == {spa.slug, world.agreement.slug}
    assert set(get(country="Kazakhstan")) == {spa.slug, world.agreement.slug}  # by name too
    assert get(country="US") == []
    assert set(get(region="karaganda")) == {spa.slug, world.agreement.slug}


def test_loose_date_ranges_are_inclusive_of_the_whole_period(world, partner_client):
    early = f.agreement(
        world.deal, title="Early memo", signed_on=dt.date(2024, 3, 15), signed_on_precision="day"
    )
    get = lambda **p: slugs(partner_client.get("/api/v1/agreements/", p))  # noqa: E731
    assert get(signed_after="2025") == [world.agreement.slug]
    assert get(signed_after="2025-11") == [world.agreement.slug]
    assert get(signed_after="2025-11-02") == []  # a November date is filed under the 1st
    assert get(signed_before="2024") == [early.slug]
    assert get(signed_before="2024-03-14") == []
    assert get(signed_before="2024-03") == [early.slug]
    assert set(get(signed_after="2024-03-15", signed_before="2025-11")) == {
        early.slug,
        world.agreement.slug,
    }
    assert get(announced_after="2000") == []  # neither has an announcement date


def test_event_date_range(world, partner_client):
    get = lambda **p: slugs(partner_client.get("/api/v1/events/", p))  # noqa: E731
    assert get(date_before="2024-12") == [world.discovery.slug]
    assert get(date_after="2025-11-06") == [world.summit.slug]
    assert get(date_after="2025-11-07") == []


def test_usd_ranges_convert_currencies_and_leave_out_amounts_without_a_rate(world, partner_client):
    get = lambda **p: set(slugs(partner_client.get("/api/v1/amounts/", p)))  # noqa: E731
    assert get(usd_min="1000000000") == {world.usd.slug}
    assert get(usd_max="200000000") == {world.kzt.slug}  # 50 bn KZT is 100 M USD
    assert get(usd_min="0") == {world.usd.slug, world.kzt.slug}  # EUR has no rate
    ranged = f.amount(world.deal, value=100, value_max=5_000_000_000, qualifier="range")
    assert get(usd_min="2000000000") == {ranged.slug}  # its upper end reaches it
    assert get(usd_max="50") == set()


def test_usd_conversion_uses_the_latest_rate_on_or_before_as_of(world, partner_client):
    from deals.models import ExchangeRate

    ExchangeRate.objects.create(currency="KZT", on=dt.date(2025, 12, 1), usd_per_unit="1")
    # The December rate is after the amount's November date, so 0.002 still applies.
    assert slugs(partner_client.get("/api/v1/amounts/", {"usd_max": "100000000"})) == [
        world.kzt.slug
    ]


def test_updated_since_returns_only_later_changes(world, partner_client):
    moment = timezone.now()
    Agreement.objects.filter(pk=world.agreement.pk).update(updated_at=moment - dt.timedelta(1))
    assert (
        slugs(partner_client.get("/api/v1/agreements/", {"updated_since": moment.isoformat()}))
        == []
    )
    world.agreement.save()
    assert slugs(
        partner_client.get("/api/v1/agreements/", {"updated_since": moment.isoformat()})
    ) == [world.agreement.slug]


def test_a_party_change_brings_its_agreement_into_updated_since(world, partner_client):
    moment = timezone.now()
    Agreement.objects.filter(pk=world.agreement.pk).update(updated_at=moment - dt.timedelta(1))
    world.tks_party.stake = 25
    world.tks_party.save()
    since = {"updated_since": moment.isoformat()}
    assert slugs(partner_client.get("/api/v1/agreements/", since)) == [world.agreement.slug]


def test_source_filters(world, partner_client):
    other = f.source(publisher="Reuters", title="Tungsten talks", language="en")
    get = lambda **p: slugs(partner_client.get("/api/v1/sources/", p))  # noqa: E731
    assert get(language="en") == [other.slug]
    assert get(publisher="kazinform") == [world.source.slug]
    assert get(q="tungsten talks") == [other.slug]
    assert set(get(published_after="2025-11")) == {world.source.slug, other.slug}
    assert get(published_before="2025-10") == []


def test_event_company_filter_through_its_agreement(world, partner_client):
    later = event(world.deal, title="Follow-up meeting", agreement=world.agreement)
    response = partner_client.get("/api/v1/events/", {"company": world.cove_kz.slug})
    assert set(slugs(response)) == {world.summit.slug, later.slug}


@pytest.mark.parametrize(
    "params,field",
    [
        ({"kind": "mining_rights"}, "kind"),
        ({"status": "maybe"}, "status"),
        ({"deposit": "atlantis"}, "deposit"),
        ({"company": "nobody"}, "company"),
        ({"signed_after": "2025-13"}, "signed_after"),
        ({"signed_before": "last year"}, "signed_before"),
        ({"include_subsidiaries": "perhaps"}, "include_subsidiaries"),
        ({"country": "Atlantis"}, "country"),
        ({"updated_since": "yesterday"}, "updated_since"),
        ({"binding": "2"}, "binding"),
    ],
)
def test_bad_filter_values_are_400_naming_the_parameter(world, partner_client, params, field):
    error = assert_error(partner_client.get("/api/v1/agreements/", params), 400)
    assert list(error["fields"]) == [field] == list(error["codes"])
    assert error["message"].startswith(f"{field}: ")


@pytest.mark.parametrize("value", ["abc", "-5", "1e400", "NaN", "Infinity"])
def test_bad_usd_bounds_are_400(world, partner_client, value):
    error = assert_error(partner_client.get("/api/v1/amounts/", {"usd_min": value}), 400)
    assert "usd_min" in error["fields"]


def test_results_are_not_duplicated_by_many_valued_matches(world, partner_client):
    # Both parties, the deal, the deposit and a title word match; still one row.
    response = partner_client.get("/api/v1/agreements/", {"q": "a"})
    assert slugs(response).count(world.agreement.slug) == 1
    deals = partner_client.get("/api/v1/deals/", {"commodity": "tungsten"})
    assert slugs(deals) == [world.deal.slug]
    assert results(partner_client.get("/api/v1/deals/", {"region": "karaganda"}))
