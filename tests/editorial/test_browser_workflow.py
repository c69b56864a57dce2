"""In Chromium: an editor enters a deal, an admin publishes it, the analyst timeline shows it."""

import re

import pytest
from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import expect

from deals.models import Agreement, Amount, Deal, Source
from deals.roles import EDITOR, permission_codenames

pytestmark = pytest.mark.browser

PASSWORD = "pw-long-enough-1"
DEAL = "Lithium brine pilot"
AGREEMENT = "Memorandum on the Lithium brine pilot"


def editor_group():
    """The migration-made group (re-made if an earlier live-server test flushed the tables)."""
    group, _ = Group.objects.get_or_create(name=EDITOR)
    for app_label, codenames in permission_codenames(EDITOR).items():
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        group.permissions.add(*permissions)
    return group


def log_in(tab, username):
    page = tab.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Data entry")).to_be_visible()
    return page


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Logged out")).to_be_visible()


def choose(page, field_id, search, option):
    """Pick ``option`` in the admin's autocomplete (select2) widget for ``field_id``."""
    page.locator(f"[aria-labelledby='select2-{field_id}-container']").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-container--open").get_by_role("option", name=option, exact=True).click()


def run_action(tab, changelist, record, action):
    page = tab.goto(f"{changelist}?q={record.split()[0]}")
    page.get_by_role("checkbox", name=f"Select this object for an action - {record}").check()
    page.locator("select[name='action']").select_option(label=action)
    page.get_by_role("button", name="Go").click()


def test_editor_enters_a_cited_deal_submits_it_and_an_admin_publishes_it(tab, live_server):
    editor = User.objects.create_user("editor-browser", password=PASSWORD, is_staff=True)
    editor.groups.add(editor_group())
    User.objects.create_superuser("admin-browser", "", PASSWORD)
    source = Source.objects.get(slug="trend-2026-02-23")

    # 1. The editor adds the deal, citing the article.
    page = log_in(tab, "editor-browser")
    page = tab.goto("/admin/deals/deal/add/")
    page.get_by_label("Name:", exact=True).fill(DEAL)
    choose(page, "id_deals-citation-content_type-object_id-0-source", "Trend", str(source))
    page.locator("#id_deals-citation-content_type-object_id-0-quote").fill(
        "Стороны обсудили пилотный проект по литию."
    )
    expect(page.get_by_label("Publication:")).to_have_value("draft")
    tab.shot("deal-form")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # 2. …then the agreement: two parties, an amount with a qualifier and its citation.
    page = tab.goto("/admin/deals/agreement/add/")
    choose(page, "id_deal", "Lithium", DEAL)
    page.get_by_label("Title:").fill(AGREEMENT)
    page.locator("#id_kind").select_option(label="memorandum")
    page.locator("#id_status").select_option(label="signed")
    page.get_by_label("Signed on:").fill("2026-07-01")
    page.locator("#id_signed_on_precision").select_option(label="month")
    choose(page, "id_parties-0-company", "Tau-Ken", "Tau-Ken Samruk")
    page.locator("#id_parties-0-role").select_option(label="state partner")
    page.locator("#id_parties-0-stake").fill("51")
    choose(page, "id_parties-1-company", "Cove", "Cove Capital")
    page.locator("#id_parties-1-role").select_option(label="investor")
    page.locator("#id_parties-1-stake").fill("49")
    page.locator("#id_amounts-0-value").fill("250000000")
    page.locator("#id_amounts-0-currency").fill("USD")
    page.locator("#id_amounts-0-qualifier").select_option(label="up to")
    page.locator("#id_amounts-0-kind").select_option(label="investment commitment")
    page.locator("#id_amounts-0-as_of").fill("2026-07-01")
    page.locator("#id_amounts-0-as_of_precision").select_option(label="month")
    page.locator("#id_amounts-0-citation_source").select_option(value=str(source.pk))
    page.locator("#id_amounts-0-citation_quote").fill("Инвестиции составят до 250 млн долларов.")
    citations = "deals-citation-content_type-object_id"
    choose(page, f"id_{citations}-0-source", "Trend", str(source))
    page.locator(f"#id_{citations}-0-field").fill("signed_on")
    page.locator(f"#id_{citations}-0-quote").fill("Меморандум подписан в июле 2026 года.")
    tab.shot("agreement-form")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    agreement = Agreement.objects.get(title=AGREEMENT)
    amount = Amount.objects.get(agreement=agreement)
    assert (amount.qualifier, amount.deal.name, amount.publication) == ("up_to", DEAL, "draft")

    # 3. The editor submits the deal (with its agreement and amount) for review.
    run_action(tab, "/admin/deals/deal/", DEAL, "Submit for review")
    expect(page.locator(".messagelist")).to_contain_text(f"Submitted for review: deal “{DEAL}”")
    expect(page.locator("select[name='action'] option", has_text="Publish")).to_have_count(0)
    tab.shot("submitted")
    log_out(page)

    # Nobody outside sees it yet.
    page = tab.goto("/?date_after=2026-07")
    expect(page.get_by_text(AGREEMENT)).to_have_count(0)

    # 4. An admin publishes it.
    page = log_in(tab, "admin-browser")
    page = tab.goto("/editorial/")
    expect(page.locator("#in-review")).to_contain_text(AGREEMENT)
    run_action(tab, "/admin/deals/deal/", DEAL, "Publish (with what is in review under it)")
    expect(page.locator(".messagelist")).to_contain_text(f"Published: deal “{DEAL}”")
    tab.shot("published")
    assert set(Deal.objects.filter(name=DEAL).values_list("publication", flat=True)) == {
        "published"
    }
    log_out(page)

    # 5. The analyst timeline shows it.
    page = tab.goto("/?date_after=2026-07")
    expect(page.get_by_role("heading", name="July 2026")).to_be_visible()
    expect(page.get_by_text(AGREEMENT)).to_be_visible()
    expect(page.locator("main")).to_contain_text(re.compile(r"Tau-Ken Samruk"))
    tab.shot("timeline")
