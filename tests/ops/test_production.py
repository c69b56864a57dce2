"""The production settings as the containers start them (``DJANGO_ENV=production``)."""

import json

from .conftest import production_env, run_django, run_python


def test_deployment_checklist_passes_with_no_warning():
    out = run_python(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env()
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "no issues" in out.stdout


def test_production_refuses_to_start_without_allowed_hosts():
    for value in (None, "", " , "):
        out = run_django("print('started')", ALLOWED_HOSTS=value)
        assert out.returncode != 0
        assert "started" not in out.stdout
        assert "needs ALLOWED_HOSTS" in out.stderr


SERVE = """
from django.test import Client
client = Client()
for host, path, proto in [
    ("10.0.0.7:8000", "/healthz", "http"),  # the container health check
    ("portal.example.org", "/deals/", "http"),  # a browser before TLS
    ("portal.example.org", "/healthz", "https"),
]:
    r = client.get(path, HTTP_HOST=host, HTTP_X_FORWARDED_PROTO=proto,
                   HTTP_X_REQUEST_ID="probe-" + proto + path.strip("/"))
    print("RESULT", r.status_code, r.get("Location"), r["X-Request-ID"], flush=True)
"""


def test_probes_answer_over_plain_http_and_log_json_lines():
    out = run_django(SERVE)  # neither answer touches the database
    assert out.returncode == 0, out.stderr
    results = [line.split()[1:] for line in out.stdout.splitlines() if line.startswith("RESULT")]
    assert results == [
        ["200", "None", "probe-httphealthz"],
        ["301", "https://portal.example.org/deals/", "probe-httpdeals"],
        ["200", "None", "probe-httpshealthz"],
    ]
    lines = [json.loads(line) for line in out.stderr.splitlines()]  # every line is JSON
    access = [line for line in lines if line["logger"] == "minerals_portal.access"]
    assert [(a["request_id"], a["status"], a["path"]) for a in access] == [
        ("probe-httphealthz", 200, "/healthz"),
        ("probe-httpdeals", 301, "/deals/"),
        ("probe-httpshealthz", 200, "/healthz"),
    ]
    assert all(a["level"] == "INFO" and a["duration_ms"] >= 0 for a in access)


RECONNECT = """
import json
import wsgiref.util
import psycopg
from django.core.wsgi import get_wsgi_application
from django.db import connection

app = get_wsgi_application()

def call(path, **headers):
    # Through the WSGI handler as a server calls it (the test client skips connection upkeep).
    environ = {"PATH_INFO": path, "HTTP_X_FORWARDED_PROTO": "https", **headers}
    wsgiref.util.setup_testing_defaults(environ)
    statuses = []
    response = app(environ, lambda status, headers: statuses.append(status))
    try:
        body = b"".join(response)
    finally:
        response.close()
    return statuses[0], body

def database_check():
    return json.loads(call("/readyz")[1])["checks"]["database"]["ok"]

def partner_read():
    # The token look-up is this request's first query.
    status, _ = call("/api/v1/deals/", HTTP_HOST="portal.example.org",
                     HTTP_AUTHORIZATION=f"Token {KEY}")
    return status.startswith("200")

def drop_connection():
    pid = connection.connection.info.backend_pid  # kept open between requests (CONN_MAX_AGE)
    with psycopg.connect(DSN, autocommit=True) as other:  # as if PostgreSQL had restarted
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    return pid

from django.contrib.auth.models import Group, User
from minerals_portal.api.tokens import issue_token
user = User.objects.create_user("reconnect-partner")
user.groups.add(Group.objects.get(name="partner"))
KEY = issue_token(user)[1]
try:
    results = [database_check()]
    pid = drop_connection()
    results += [database_check(), connection.connection.info.backend_pid != pid]
    results.append(partner_read())
    pid = drop_connection()
    results += [partner_read(), connection.connection.info.backend_pid != pid]
finally:
    user.delete()
print(json.dumps(results))
"""


def test_a_dropped_database_connection_is_replaced_on_the_next_request(db):
    """Persistent connections are health-checked: a server restart costs no failed request."""
    from django.db import connection

    s = connection.settings_dict
    url = f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    out = run_django(f"DSN = {url!r}\n" + RECONNECT, DATABASE_URL=url)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout.splitlines()[-1]) == [True] * 6, out.stdout
