"""Derived views refreshed by a real Celery worker on the real Redis broker."""

import time
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse

from deals.models import CommittedByDeposit, DealPipeline, RefreshState
from deals.tasks import catch_up_refresh
from tests import factories as f
from tests.deals.test_admin import agreement_form

from .conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def queued_messages(redis_client) -> int:
    return redis_client.llen("celery")


def empty_queue(redis_client) -> None:
    """Forget refreshes queued while the fixtures were written."""
    redis_client.flushdb()
    RefreshState.objects.update(queued_at=None)


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "", "pw-long-enough-1"))
    return client


@pytest.fixture
def world():
    deal = f.deal("Tungsten project")
    katpar = f.deposit("Severny Katpar")
    deal.deposits.add(katpar)
    return {
        "deal": deal,
        "katpar": katpar,
        "tks": f.company("Tau-Ken Samruk"),
        "cove": f.company("Cove Capital", country="US"),
        "source": f.source(),
    }


def published_form(world):
    # A published amount cites its source too (the editorial workflow's rule).
    amount = {
        "amounts-0-publication": "published",
        "amounts-0-citation_source": world["source"].pk,
        "amounts-0-citation_quote": "Инвестиции составят 1,1 млрд долларов.",
    }
    return agreement_form(world, publication="published", **amount)


def test_admin_write_reaches_the_views_through_a_real_worker(worker, admin_client, world):
    response = admin_client.post(reverse("admin:deals_agreement_add"), published_form(world))
    assert response.status_code == 302
    row = wait_for(lambda: CommittedByDeposit.objects.filter(deposit=world["katpar"]).first())
    assert row is not None, worker.log.read_text()
    assert row.committed_usd == Decimal("1100000000")
    assert DealPipeline.objects.get(agreement_kind="framework").agreement_count == 1
    state = RefreshState.objects.get()
    assert state.refreshed_version == state.write_version and state.queued_at is None


def test_no_task_is_queued_when_the_transaction_rolls_back(real_broker, world):
    empty_queue(real_broker)
    before = RefreshState.objects.get().write_version
    with pytest.raises(RuntimeError), transaction.atomic():
        f.amount(world["deal"], value=42)
        raise RuntimeError("editor cancelled")
    assert queued_messages(real_broker) == 0
    assert RefreshState.objects.get().write_version == before
    f.amount(world["deal"], value=43)  # the same write, committed, does queue one
    assert queued_messages(real_broker) == 1


def test_a_new_draft_queues_nothing_and_publishing_it_queues_one(real_broker, world):
    empty_queue(real_broker)
    draft = f.amount(world["deal"], value=44, publication="draft")
    assert queued_messages(real_broker) == 0, "the views hold published records only"
    draft.delete()
    assert queued_messages(real_broker) == 0
    published = f.amount(world["deal"], value=45, publication="draft")
    published.publication = "published"
    published.save()
    assert queued_messages(real_broker) == 1


def test_a_burst_of_200_writes_queues_at_most_a_few_refreshes(real_broker, world):
    empty_queue(real_broker)
    before = RefreshState.objects.get().write_version
    for i in range(200):
        f.amount(world["deal"], value=1000 + i)  # 200 separate transactions
    assert RefreshState.objects.get().write_version - before >= 200
    assert 1 <= queued_messages(real_broker) <= 2


def test_broker_down_write_succeeds_fast_and_backlog_refreshes_after_recovery(
    dead_broker, admin_client, world, tmp_path, redis_queue, broker_url
):
    started = time.monotonic()
    response = admin_client.post(reverse("admin:deals_agreement_add"), published_form(world))
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 2.0, f"write took {elapsed:.2f} s with the broker down"
    state = RefreshState.objects.get()
    assert state.pending and state.last_enqueue_error
    assert not CommittedByDeposit.objects.exists()

    # The broker returns; beat's catch-up task (run here as beat would) re-enqueues.
    from .conftest import Worker, point_celery_at

    point_celery_at(broker_url)
    assert catch_up_refresh() is True
    w = Worker(tmp_path / "worker.log", broker_url).start()
    try:
        row = wait_for(lambda: CommittedByDeposit.objects.filter(deposit=world["katpar"]).first())
        assert row is not None, w.log.read_text()
        assert row.committed_usd == Decimal("1100000000")
        assert not RefreshState.objects.get().pending
    finally:
        w.stop()


def test_writes_overlapping_a_refresh_are_followed_by_exactly_one_more(
    real_broker, world, monkeypatch
):
    import threading

    from django.db import connection

    import deals.tasks

    real_refresh_all = deals.tasks.refresh_all

    def refresh_with_concurrent_writes():
        def editor():
            for value in (7, 8, 9):
                f.amount(world["deal"], value=value)  # committed while the refresh runs
            connection.close()

        thread = threading.Thread(target=editor)
        thread.start()
        thread.join()
        return real_refresh_all()

    monkeypatch.setattr(deals.tasks, "refresh_all", refresh_with_concurrent_writes)
    empty_queue(real_broker)
    deals.tasks.refresh_now()
    assert queued_messages(real_broker) == 1
    assert RefreshState.objects.get().pending
