"""The parties' stakes in one agreement total at most 100 %: checked once, at commit,
one writer per agreement at a time, whatever the path."""

import threading
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.urls import reverse

from deals import services
from deals.models import AgreementParty
from deals.services.refusals import database_refusals
from deals.services.stakes import check_stake_totals
from tests import factories as f
from tests.api.conftest import make_user, token_client

pytestmark = pytest.mark.django_db


def draft_agreement(title="Joint venture on tungsten"):
    return f.agreement(f.deal(publication="draft"), title=title, publication="draft")


def stakes(agreement) -> list[Decimal]:
    return sorted(agreement.parties.values_list("stake", flat=True))


def total(agreement) -> Decimal:
    return agreement.parties.aggregate(total=Sum("stake"))["total"]


def over_message(title, percent):
    return f"The parties' stakes in agreement “{title}” total {percent} %, more than 100 %."


# --- in one transaction -------------------------------------------------------------------


def test_a_reallocation_from_60_40_to_65_35_passes_in_one_transaction():
    agreement = draft_agreement()
    first = f.party(agreement, stake=60)
    second = f.party(agreement, stake=40, role="state_partner")
    with services.unit():
        first.stake = 65  # 105 % until the next row is written
        services.save(None, first)
        second.stake = 35
        services.save(None, second)
    assert stakes(agreement) == [35, 65]


def test_70_and_40_in_one_transaction_are_refused_naming_the_agreement_and_the_total():
    agreement = draft_agreement()
    with pytest.raises(ValidationError) as refused, services.unit():
        for stake in (70, 40):
            party = AgreementParty(agreement=agreement, company=f.company(), role="investor")
            party.stake = stake
            services.save(None, party)
    assert refused.value.message_dict == {"stake": [over_message("Joint venture on tungsten", 110)]}
    assert not agreement.parties.exists()


def test_a_refused_check_leaves_the_transaction_usable_and_checks_again_later():
    agreement = draft_agreement()
    with transaction.atomic():
        f.party(agreement, stake=70)
        late = f.party(agreement, stake=40, role="partner")
        with pytest.raises(ValidationError, match="total 110 %"):
            check_stake_totals()
        late.stake = 30  # fixed within the same transaction
        late.save()
        check_stake_totals()
        with pytest.raises(ValidationError, match="total 101 %"), transaction.atomic():
            f.party(agreement, stake=1, role="operator")  # written after a check: checked again
            check_stake_totals()
    assert stakes(agreement) == [30, 70]


def test_a_party_moved_into_a_full_agreement_is_refused():
    full, other = draft_agreement("Full"), draft_agreement("Other")
    f.party(full, stake=100)
    moving = f.party(other, stake=10)
    moving.agreement = full
    with pytest.raises(ValidationError) as refused, services.unit():
        services.save(None, moving)
    assert refused.value.message_dict == {"stake": [over_message("Full", 110)]}


def test_the_api_answers_70_and_40_with_a_409_naming_the_total():
    agreement = draft_agreement()
    client = token_client(make_user("editor"))
    parties = [
        {"company": f.company().slug, "role": "investor", "stake": "70"},
        {"company": f.company().slug, "role": "partner", "stake": "40"},
    ]
    response = client.patch(
        f"/api/v1/agreements/{agreement.slug}/", {"parties": parties}, format="json"
    )
    assert response.status_code == 409, response.content  # a conflict with the stored total
    error = response.json()["error"]
    assert error["code"] == "stake_total"
    assert over_message("Joint venture on tungsten", 110) in error["message"]
    assert not agreement.parties.exists()


# --- at commit, and between concurrent writers --------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_a_total_over_100_at_commit_on_any_path():
    agreement = draft_agreement()
    f.party(agreement, stake=70)
    with pytest.raises(IntegrityError, match="total 110 %"), transaction.atomic():
        f.party(agreement, stake=40, role="partner")  # plain ORM, no service, no check
    assert total(agreement) == 70


def add_60_percent_each(agreement, write):
    """Two connections each add a 60 % party to ``agreement`` at the same time."""
    barrier = threading.Barrier(2, timeout=20)

    def add(company):
        try:
            write(agreement, company, barrier)
            return "committed"
        except ValidationError as exc:
            return exc.message_dict
        finally:
            connection.close()  # this thread's own connection

    companies = [f.company(), f.company()]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(add, companies))


def bare_rows(agreement, company, barrier):
    """The path the old trigger lost: both rows written (no signals, no touching of the
    agreement) before either transaction commits; each sum then sees 60 %."""
    with database_refusals(), transaction.atomic():
        AgreementParty.objects.bulk_create(
            [AgreementParty(agreement=agreement, company=company, role="investor", stake=60)]
        )
        barrier.wait()


def through_the_services(agreement, company, barrier):
    """Two service writes started together, as two API requests would be."""
    with services.unit():
        barrier.wait()
        party = AgreementParty(agreement=agreement, company=company, role="investor", stake=60)
        services.save(None, party)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("write", [bare_rows, through_the_services])
def test_two_concurrent_60_percent_parties_exactly_one_commits(write):
    agreement = draft_agreement()
    outcomes = add_60_percent_each(agreement, write)
    assert sorted(outcomes, key=str) == [
        "committed",
        {"stake": [over_message("Joint venture on tungsten", 120)]},
    ]
    assert stakes(agreement) == [60]


# --- the admin: one save of the agreement with its parties --------------------------------


def admin_change_form(agreement, parties, **overrides):
    citations = "deals-citation-content_type-object_id"
    data = {
        "deal": agreement.deal_id,
        "title": agreement.title,
        "slug": agreement.slug,
        "kind": agreement.kind,
        "status": agreement.status,
        "binding": "unknown",
        "venue": "",
        "publication": agreement.publication,
        "version": agreement.version,
        "announced_on": "",
        "announced_on_precision": "",
        "signed_on": agreement.signed_on.isoformat(),
        "signed_on_precision": agreement.signed_on_precision,
        "parties-TOTAL_FORMS": str(len(parties)),
        "parties-INITIAL_FORMS": str(sum(1 for p in parties if p.pk)),
        "status_changes-TOTAL_FORMS": "0",
        "status_changes-INITIAL_FORMS": "0",
        "amounts-TOTAL_FORMS": "0",
        "amounts-INITIAL_FORMS": "0",
        f"{citations}-TOTAL_FORMS": "0",
        f"{citations}-INITIAL_FORMS": "0",
    }
    for index, party in enumerate(parties):
        prefix = f"parties-{index}-"
        data.update(
            {
                f"{prefix}id": party.pk or "",
                f"{prefix}agreement": agreement.pk,
                f"{prefix}company": party.company_id,
                f"{prefix}role": party.role,
                f"{prefix}stake": str(party.stake),
                f"{prefix}held_via": "",
            }
        )
    for form in ("parties", "amounts", citations):
        data[f"{form}-MIN_NUM_FORMS"] = "0"
        data[f"{form}-MAX_NUM_FORMS"] = "1000"
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("chief", password="pw-long-enough-1"))
    return client


@pytest.mark.django_db(transaction=True)
def test_one_admin_save_reallocates_60_40_to_65_35(admin_client):
    agreement = draft_agreement()
    first = f.party(agreement, stake=60)
    second = f.party(agreement, stake=40, role="state_partner")
    first.stake, second.stake = 65, 35
    url = reverse("admin:deals_agreement_change", args=[agreement.pk])
    response = admin_client.post(url, admin_change_form(agreement, [first, second]))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stakes(agreement) == [35, 65]


@pytest.mark.django_db(transaction=True)
def test_an_admin_save_of_70_and_40_is_a_form_error_keeping_what_was_typed(admin_client):
    agreement = draft_agreement()
    parties = [
        AgreementParty(company=f.company(), role="investor", stake=70),
        AgreementParty(company=f.company(), role="partner", stake=40),
    ]
    url = reverse("admin:deals_agreement_change", args=[agreement.pk])
    response = admin_client.post(url, admin_change_form(agreement, parties))
    assert response.status_code == 200
    page = response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert over_message("Joint venture on tungsten", 110) in page
    assert 'name="parties-1-stake" value="40"' in page
    assert not agreement.parties.exists()
