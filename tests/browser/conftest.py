"""Browser tests: Debian's Chromium driven by Playwright against a live server."""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
SCREENSHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module.

    Playwright's sync API runs an event loop in this thread while the browser is
    open; the ORM calls fixtures make meanwhile are still synchronous and safe, so
    Django's async guard is lifted for exactly that time (not for later tests,
    whose subprocesses would inherit it).
    """
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), (
        f"Debian's chromium is needed at {CHROMIUM} (make test installs it)"
    )
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def seeded_server(live_server, transactional_db):
    from tests.seed_copy import load_seed

    load_seed()  # as committed: the derived views refreshed
    return live_server


class Page:
    """A browser tab that records console errors and writes named screenshots."""

    def __init__(self, page, base_url, name):
        self.page, self.base_url, self.name = page, base_url, name
        self.errors: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.folder = SCREENSHOTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shots = 0

    def goto(self, path):
        self.page.goto(self.base_url + path)
        return self.page

    def shot(self, label):
        self.shots += 1
        self.page.screenshot(
            path=str(self.folder / f"{self.shots:02d}-{label}.png"), full_page=True
        )


@pytest.fixture
def open_tab(browser, seeded_server, request):
    """Open tabs in a language (the portal's language cookie) and at a width.

    Every tab is closed at the end, and the test fails on any console error.
    """
    opened = []

    def open_(lang="en", width=1280, height=900, bypass_csp=False):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="ru-RU" if lang == "ru" else "en-GB",
            accept_downloads=True,
            bypass_csp=bypass_csp,  # only to inject axe-core into pages
        )
        host = seeded_server.url.split("//", 1)[1].split(":")[0]
        context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": lang,
                              "domain": host, "path": "/"}])  # fmt: skip
        page = Page(context.new_page(), seeded_server.url, f"{request.node.name}-{lang}-{width}")
        opened.append((context, page))
        return page

    yield open_
    for context, _page in opened:
        context.close()
    errors = [e for _context, page in opened for e in page.errors]
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture
def tab(open_tab):
    return open_tab()
