"""Production security headers on HTML pages, JSON answers and the API schema."""

import pytest


def csp_directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_hardened(response):
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts and "preload" in hsts
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    csp = csp_directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in csp["script-src"]
    assert all(v == "'self'" or v.startswith("'nonce-") for v in csp["script-src"])
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'self'"]


@pytest.mark.django_db
def test_home_page_is_served_with_every_security_header(client, as_production):
    response = client.get("/", **as_production)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert_hardened(response)


@pytest.mark.django_db
def test_json_answers_carry_the_same_headers(client, as_production):
    response = client.get("/healthz", **as_production)
    assert response.json() == {"status": "ok"}
    assert_hardened(response)
    schema = client.get("/api/v1/schema/", **as_production)
    assert schema.status_code == 200
    assert_hardened(schema)


@pytest.mark.django_db
def test_plain_http_is_redirected_to_https_except_the_probes(client, as_production):
    plain = {**as_production, "HTTP_X_FORWARDED_PROTO": "http"}
    response = client.get("/deals/", **plain)
    assert response.status_code == 301
    assert response["Location"] == "https://portal.example.org/deals/"
    assert client.get("/healthz", **plain).status_code == 200
    assert client.get("/readyz", **plain).status_code in {200, 503}


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_only(client, as_production):
    response = client.get("/admin/login/", **as_production)
    assert response.status_code == 200
    assert response.cookies["csrftoken"]["secure"] is True


def test_csp_applies_in_development_too(client):
    """Pages are built under the same policy they are served with in production."""
    response = client.get("/healthz")
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert csp_directives(response)["script-src"] == ["'self'"]


def test_an_inline_script_runs_only_with_the_pages_nonce(rf):
    """Templates get ``CSP_NONCE``; using it puts the same nonce in the header."""
    from csp.middleware import CSPMiddleware
    from django.http import HttpResponse
    from django.template import engines

    template = engines["django"].from_string('<script nonce="{{ CSP_NONCE }}">go()</script>')
    request = rf.get("/")

    def view(request):
        return HttpResponse(template.render(request=request))

    response = CSPMiddleware(view)(request)
    nonce = response.content.decode().split('nonce="')[1].split('"')[0]
    assert len(nonce) >= 16
    assert csp_directives(response)["script-src"] == ["'self'", f"'nonce-{nonce}'"]
