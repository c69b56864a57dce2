"""axe-core on every page of the URL conf, in English and Russian, at 1366 and 390 px.

The pages are enumerated from the URL conf (as the visibility matrix does): a new
page without arguments is checked at once; one with arguments fails
``test_every_page_is_checked`` until it is given an example below. No serious or
critical violation is allowed.
"""

from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from playwright.sync_api import expect

from deals.models import Company, Source

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
SIZES = [("en", 1366, 900), ("ru", 1366, 900), ("en", 390, 844), ("ru", 390, 844)]
# Not pages: probes, the language switch, and a source's kept copy (always a download).
NOT_PAGES = {"healthz", "readyz", "set_language", "source-copy"}
# Staff-only pages answer the public with the admin login, which is checked itself.
STAFF_ONLY = {"deal-history", "editorial"}
EXAMPLES = {
    "deal-detail": lambda: "/deals/katpar-kairakty-tungsten/",
    "deposit-detail": lambda: "/deposits/severny-katpar/",
    "company-detail": lambda: f"/companies/{Company.objects.order_by('name').first().slug}/",
    "source-detail": lambda: f"/sources/{Source.objects.order_by('pk').first().slug}/",
    "search": lambda: "/search/?q=katpar",
}
EXTRA = ["/admin/login/", "/api/v1/docs/"]


def _named_pages(patterns=None, prefix=""):
    """(name, has_arguments) of every named portal page (not the admin, not the API)."""
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            if str(p.pattern) in ("admin/", "api/v1/"):
                continue
            yield from _named_pages(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern) and p.name and p.name not in NOT_PAGES:
            yield p.name, bool(p.pattern.regex.groups)


def _paths() -> list[str]:
    from django.urls import reverse

    paths = []
    for name, _has_args in _named_pages():
        if name in STAFF_ONLY:
            continue
        paths.append(EXAMPLES[name]() if name in EXAMPLES else reverse(name))
    return [*paths, *EXTRA]


def test_every_page_is_checked():
    covered = {*EXAMPLES, *STAFF_ONLY}
    missing = [name for name, args in _named_pages() if args and name not in covered]
    assert not missing, f"give these pages an example URL: {missing}"


RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.filter(v => ["serious", "critical"].includes(v.impact)).map(v =>
    ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


def test_no_serious_violation_on_any_page(open_tab):
    paths = _paths()
    found = []
    for lang, width, height in SIZES:
        tab = open_tab(lang, width=width, height=height, bypass_csp=True)
        for path in paths:
            page = tab.goto(path)
            page.wait_for_load_state("networkidle")
            if path == "/map/":
                expect(page.locator("#deposit-map")).to_have_attribute("data-ready", "true")
            page.add_script_tag(path=str(AXE))
            for violation in page.evaluate(RUN_AXE):
                found.append(f"{lang} {width}px {path}: {violation}")
            if page.locator("h1").count() != 1:
                found.append(f"{lang} {width}px {path}: not exactly one level-one heading")
        tab.shot("last")
    assert not found, "\n".join(found)
