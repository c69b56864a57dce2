"""A partner's mirror, synced by the documented recipe, always equals what the API lists.

Hypothesis drives random creates, edits, renames, slug changes, publications,
withdrawals, republications, deletions and party changes, a transaction held
open on another connection across syncs, and partner syncs through the HTTP API
(token-authenticated). The recipe is the README's: read ``/api/v1/changes/``
after the last position held, upsert ``data`` or drop the record when it is
null, until a page comes back empty. After every sync with no transaction held
open, the mirror equals every list endpoint's contents, field for field; while
one is held, its uncommitted change never reaches the mirror, and positions
only grow.
"""

import itertools

import psycopg
import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.test import override_settings
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from deals.api.feed import RESOURCES
from tests import factories as f

from .conftest import make_user, token_client
from .test_changes import restore_after_flush

STATES = st.sampled_from(["draft", "published", "withdrawn"])
NAMES = st.sampled_from(["Cove Capital", "Cove Capital LLC", "Tau-Ken", "Qazaq Lithium"])
_n = itertools.count(1)


def sync(client, mirror: dict, position: int) -> tuple[int, list[int]]:
    """The README's recipe: one loop over the feed."""
    served = []
    while True:
        page = client.get("/api/v1/changes/", {"after": position, "page_size": 50})
        assert page.status_code == 200, page.content
        results = page.json()["results"]
        if not results:
            return position, served
        for entry in results:
            key = (entry["resource"], entry["id"])
            if entry["data"] is None:
                mirror.pop(key, None)
            else:
                mirror[key] = entry["data"]
            served.append(entry["position"])
        position = page.json()["last_position"]


def listed(client) -> dict:
    """Everything the list endpoints show the partner, by (resource, id)."""
    everything = {}
    for resource in RESOURCES:
        url = f"/api/v1/{resource}/?page_size=500"
        while url:
            response = client.get(url)
            assert response.status_code == 200, response.content
            body = response.json()
            everything.update({(resource, item["id"]): item for item in body["results"]})
            url = body.get("next")
    return everything


def attempt(write):
    """A write the database may refuse (a record still referred to, a stake total)."""
    try:
        with transaction.atomic():
            write()
    except (ProtectedError, IntegrityError):
        pass


class PartnerSync(RuleBasedStateMachine):
    client = None  # set by the test

    companies = Bundle("companies")
    deals = Bundle("deals")
    agreements = Bundle("agreements")
    parties = Bundle("parties")
    amounts = Bundle("amounts")

    def __init__(self):
        super().__init__()
        self.mirror, self.position, self.last_served = {}, 0, 0
        self.held, self.held_company = None, None

    # --- creating ----------------------------------------------------------------
    @rule(target=companies, name=NAMES)
    def create_company(self, name):
        return f.company(f"{name} {next(_n)}")

    @rule(target=deals, state=STATES)
    def create_deal(self, state):
        return f.deal(publication=state)

    @rule(target=agreements, deal=deals, state=STATES)
    def create_agreement(self, deal, state):
        return f.agreement(deal, publication=state)

    @rule(target=parties, agreement=agreements, company=companies, stake=st.integers(1, 20))
    def create_party(self, agreement, company, stake):
        return f.party(agreement, company, stake=stake)

    @rule(target=amounts, deal=deals, investor=companies, state=STATES, restating=st.booleans())
    def create_amount(self, deal, investor, state, restating):
        previous = deal.amounts.order_by("-id").first() if restating else None
        return f.amount(deal, investor=investor, publication=state, restates=previous)

    # --- editing -----------------------------------------------------------------
    @rule(company=companies, name=NAMES)
    def rename_company(self, company, name):
        if company.pk != self.held_company:
            company.refresh_from_db()
            company.name = f"{name} {next(_n)}"
            company.save()

    @rule(deal=deals, name=NAMES)
    def rename_deal(self, deal, name):
        deal.refresh_from_db()
        deal.name = f"{name} deal {next(_n)}"
        deal.save()

    @rule(agreement=agreements, status=st.sampled_from(["signed", "announced", "terminated"]))
    def change_agreement_status(self, agreement, status):
        agreement.refresh_from_db()
        agreement.status = status
        attempt(agreement.save)

    @rule(record=st.one_of(deals, agreements, amounts))
    def change_slug(self, record):
        record.refresh_from_db()
        record.slug = f"renamed-{next(_n)}"
        record.save()

    @rule(record=st.one_of(deals, agreements, amounts), state=STATES)
    def move_publication(self, record, state):
        """Publish, withdraw, republish, or back to draft."""
        record.refresh_from_db()
        record.publication = state
        record.save()

    @rule(party=parties, company=companies, stake=st.integers(1, 20))
    def change_party(self, party, company, stake):
        party.refresh_from_db()
        party.company, party.stake = company, stake
        attempt(party.save)

    # --- deleting ----------------------------------------------------------------
    @rule(party=consumes(parties))
    def delete_party(self, party):
        attempt(party.delete)

    @rule(amount=consumes(amounts))
    def delete_amount(self, amount):
        attempt(amount.delete)

    @rule(deal=consumes(deals))
    def delete_deal(self, deal):
        attempt(deal.delete)

    @rule(company=consumes(companies))
    def delete_company(self, company):
        if company.pk != self.held_company:
            attempt(company.delete)

    # --- a long transaction on another connection ------------------------------
    @precondition(lambda self: self.held is None)
    @rule(company=companies)
    def hold_transaction(self, company):
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        self.held = psycopg.connect(**params)
        self.held.execute("SET lock_timeout = '5s'")
        self.held_name = f"Held Back Metals {next(_n)}"
        changed = self.held.execute(
            "UPDATE deals_company SET name = %s WHERE id = %s", [self.held_name, company.pk]
        ).rowcount
        self.held_company = company.pk if changed else None

    @precondition(lambda self: self.held is not None)
    @rule()
    def release_transaction(self):
        self.held.commit()
        self.held.close()
        self.held, self.held_company = None, None

    # --- the partner -----------------------------------------------------------
    @rule()
    def partner_syncs(self):
        self.position, served = sync(self.client, self.mirror, self.position)
        assert served == sorted(served) and all(p > self.last_served for p in served)
        self.last_served = served[-1] if served else self.last_served
        if self.held is None:
            assert self.mirror == listed(self.client)
        else:
            assert self.held_name not in str(self.mirror)

    @invariant()
    def positions_only_grow(self):
        assert self.position >= self.last_served

    def teardown(self):
        """Every run ends with the held transaction committed and a full check."""
        if self.held is not None:
            self.release_transaction()
        self.partner_syncs()


@pytest.mark.django_db(transaction=True)
@override_settings(API_THROTTLE_RATE=None)
def test_a_synced_mirror_equals_what_the_partner_may_see():
    """Unthrottled: the partner's budget (600/min) ran out over many runs, whichever limiter
    counted (the cache's or the in-process fallback); hypothesis, replaying the failed run
    against a database that had grown, then reported a flaky strategy (failed CI)."""
    restore_after_flush()
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '5s'")  # a wait on the held transaction fails fast
    PartnerSync.client = token_client(make_user("partner"))
    run_state_machine_as_test(
        PartnerSync,
        settings=settings(
            max_examples=4,
            stateful_step_count=20,
            # Shrinking replays runs against a database that keeps growing: bounded out.
            phases=[Phase.explicit, Phase.generate],
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        ),
    )
