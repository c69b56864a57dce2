"""Every response carries a request id, and every log line written for it too."""

import io
import json
import logging
import re

import pytest

from minerals_portal.logs import ContextFilter, JsonFormatter

SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def test_an_incoming_request_id_is_echoed(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.9_B-x")
    assert response["X-Request-ID"] == "lb-7f3a.9_B-x"
    longest = "a" * 64
    assert client.get("/healthz", HTTP_X_REQUEST_ID=longest)["X-Request-ID"] == longest


def test_a_missing_request_id_is_generated_fresh_for_each_request(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert SANE.fullmatch(first) and SANE.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "hostile",
    [
        "abc\nINFO forged log line",
        "x" * 500,
        "a" * 65,
        "<script>alert(1)</script>",
        "id with spaces",
        "",
    ],
)
def test_a_malformed_request_id_is_replaced(client, hostile):
    echoed = client.get("/healthz", HTTP_X_REQUEST_ID=hostile)["X-Request-ID"]
    assert echoed != hostile
    assert SANE.fullmatch(echoed)


@pytest.fixture
def json_log():
    """What the JSON console handler would print, captured from the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)


@pytest.mark.django_db
def test_json_log_lines_carry_the_request_id(client, settings, json_log):
    settings.ACCESS_LOG = True
    client.get("/healthz", HTTP_X_REQUEST_ID="trace-1")
    client.get("/no-such-page/", HTTP_X_REQUEST_ID="trace-2")
    lines = json_log()
    access = [line for line in lines if line["logger"] == "minerals_portal.access"]
    assert [(a["request_id"], a["method"], a["path"], a["status"]) for a in access] == [
        ("trace-1", "GET", "/healthz", 200),
        ("trace-2", "GET", "/no-such-page/", 404),
    ]
    assert all(a["duration_ms"] >= 0 for a in access)
    # Django's own "Not Found" line is written after the middleware returns: same id.
    not_found = [line for line in lines if line["logger"] == "django.request"]
    assert not_found and all(line["request_id"] == "trace-2" for line in not_found)
    for line in lines:
        assert {"time", "level", "logger", "message", "request_id"} <= set(line)


def test_log_lines_outside_a_request_have_no_request_id(client, json_log):
    client.get("/healthz", HTTP_X_REQUEST_ID="finished")
    logging.getLogger("minerals_portal.test").warning("after the response\nsecond line")
    (line,) = json_log()
    assert line["request_id"] is None
    assert line["message"] == "after the response\nsecond line"  # escaped: still one line


def test_celery_task_lines_carry_the_task_id_and_the_request_that_ran_it(json_log):
    from celery import shared_task

    from minerals_portal.request_id import request_id_var

    @shared_task(name="tests.ops.log_something")
    def log_something():
        logging.getLogger("tests.ops.task").info("inside the task")

    token = request_id_var.set("web-42")
    try:
        result = log_something.apply()
        logging.getLogger("tests.ops.task").info("back in the request")
    finally:
        request_id_var.reset(token)
    inside, back = [line for line in json_log() if line["logger"] == "tests.ops.task"]
    assert inside["task_id"] == result.id
    assert inside["task"] == "tests.ops.log_something"
    assert inside["request_id"] == "web-42"
    assert back["request_id"] == "web-42" and "task_id" not in back


def test_a_queued_task_message_carries_the_request_id_to_the_worker():
    from minerals_portal.logs import on_before_task_publish
    from minerals_portal.request_id import request_id_var

    headers = {"id": "t-1", "task": "deals.tasks.refresh_derived_views"}
    token = request_id_var.set("web-43")
    try:
        on_before_task_publish(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers["request_id"] == "web-43"
