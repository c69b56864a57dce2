"""Webhooks against a real HTTP receiver: signed, retried after a 500, in order per record."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from deals.services import webhooks as service
from deals.webhooks.models import WebhookDelivery, WebhookEndpoint
from deals.webhooks.signing import HEADER, verify
from deals.webhooks.tasks import dispatch_webhooks
from tests import factories as f
from tests.api.conftest import make_user, token_client
from tests.api.test_changes import restore_after_flush

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """An HTTP server in a thread that answers with the statuses it is given, then 200."""

    def __init__(self):
        self.received, self.statuses = [], []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.received.append((dict(self.headers), body))
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def partner(db, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 0  # tasks run eagerly: no waiting between tries
    settings.WEBHOOK_MAX_FAILURES = 3
    restore_after_flush()
    return make_user("partner")


def register(client, url, **extra):
    response = client.post("/api/v1/webhooks/", {"url": url, **extra}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_signed_retried_after_a_500_and_in_order_per_record(partner, receiver):
    client = token_client(partner)
    endpoint = register(client, receiver.url)
    assert len(endpoint["secret"]) == 64
    deal = f.deal("Tungsten project")
    for name in ("Tungsten project II", "Tungsten project III"):
        deal.name = name
        deal.save()
        dispatch_webhooks()  # beat's work: sequence, queue and deliver
    receiver.statuses = [500]  # the next delivery fails once
    deal.name = "Tungsten project IV"
    deal.save()
    dispatch_webhooks()

    bodies = []
    for headers, body in receiver.received:
        assert verify(endpoint["secret"], body, headers[HEADER])
        assert not verify("another secret", body, headers[HEADER])
        bodies.append(json.loads(body))
    names = [b["data"]["name"] for b in bodies if b["id"] == deal.pk]
    # The failed one came again, and nothing after it overtook it.
    assert names == [
        "Tungsten project II",
        "Tungsten project III",
        "Tungsten project IV",
        "Tungsten project IV",
    ]
    positions = [b["position"] for b in bodies]
    assert positions == sorted(positions)
    log = client.get(f"/api/v1/webhooks/{endpoint['id']}/deliveries/").json()["results"]
    assert log[0]["status"] == "delivered" and log[0]["attempts"] == 2
    assert log[0]["response_status"] == 200


def test_repeated_failure_disables_the_endpoint_and_redelivery_sends_again(partner, receiver):
    client = token_client(partner)
    endpoint = register(client, receiver.url, events=["published"])
    receiver.statuses = [500, 503, 500]
    f.deal("Tungsten project")
    dispatch_webhooks()
    stored = WebhookEndpoint.objects.get(pk=endpoint["id"])
    assert not stored.active and stored.failures == 3
    assert "3 failed attempts" in stored.disabled_reason
    delivery = WebhookDelivery.objects.get(endpoint=stored)
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 3, 500)

    client.patch(f"/api/v1/webhooks/{stored.pk}/", {"active": True}, format="json")
    response = client.post(f"/api/v1/webhooks/{stored.pk}/deliveries/{delivery.pk}/redeliver/")
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "delivered"
    assert len(receiver.received) == 4
    assert WebhookEndpoint.objects.get(pk=stored.pk).failures == 0


def test_filters_and_own_endpoints_only(partner, receiver):
    client = token_client(partner)
    endpoint = register(client, receiver.url, resources=["companies"])
    f.deal("Tungsten project")
    company = f.company("Cove Capital")
    dispatch_webhooks()
    assert [json.loads(b)["id"] for _, b in receiver.received] == [company.pk]
    other = token_client(make_user("partner"))
    assert other.get(f"/api/v1/webhooks/{endpoint['id']}/").status_code == 404
    assert other.get("/api/v1/webhooks/").json()["results"] == []
    bad = client.post("/api/v1/webhooks/", {"url": "ftp://x", "events": ["nope"]}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {"url", "events"}


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS, settings.WEBHOOK_RETRY_MAX_SECONDS = 10, 60
    for attempts, ceiling in ((1, 10), (2, 20), (3, 40), (4, 60), (9, 60)):
        delays = {service.backoff_seconds(attempts) for _ in range(50)}
        assert all(0 <= d <= ceiling for d in delays) and len(delays) > 1
        assert max(delays) > ceiling / 2
