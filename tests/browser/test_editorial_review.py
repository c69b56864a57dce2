"""In Chromium: revisions of published records (approved, rejected with a reason), the
stale-inline conflict between two editors' pages, and undoing a whole save."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from deals.models import Agreement, AgreementParty, Revision
from tests.browser.conftest import Page
from tests.editorial.test_browser_workflow import PASSWORD, editor_group, log_in

pytestmark = pytest.mark.browser


def published_agreement() -> Agreement:
    """A published agreement from the seed with a party whose stake is known."""
    return (
        Agreement.objects.filter(publication="published", parties__stake__isnull=False)
        .order_by("pk")
        .first()
    )


def accounts():
    editor = User.objects.create_user("editor-review", password=PASSWORD, is_staff=True)
    editor.groups.add(editor_group())
    User.objects.create_superuser("publisher-review", "", PASSWORD)


def second_tab(browser, seeded_server, name) -> Page:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    return Page(context.new_page(), seeded_server.url, name)


def change_page(tab, agreement):
    return tab.goto(f"/admin/deals/agreement/{agreement.pk}/change/")


def test_a_revision_is_reviewed_approved_and_another_rejected_with_a_reason(
    tab, browser, seeded_server
):
    accounts()
    agreement = published_agreement()
    published_venue = agreement.venue
    editor = tab
    log_in(editor, "editor-review")
    page = change_page(editor, agreement)
    page.locator("#id_venue").fill("Astana International Financial Centre")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("Sent for review")
    editor.shot("sent-for-review")
    assert Agreement.objects.get(pk=agreement.pk).venue == published_venue

    publisher = second_tab(browser, seeded_server, "publisher-review")
    log_in(publisher, "publisher-review")
    page = publisher.goto("/editorial/")
    page.locator("#reviews").get_by_role("link", name=agreement.title).click()
    diff = page.locator(".history-diff")
    expect(diff).to_contain_text("Astana International Financial Centre")
    expect(diff.locator("del")).to_contain_text(published_venue or "—")
    publisher.shot("diff")
    page.get_by_role("button", name="Approve and publish").click()
    expect(page.locator(".messagelist")).to_contain_text("approved and published")
    expect(page.locator(".revision-status")).to_contain_text("approved")
    assert Agreement.objects.get(pk=agreement.pk).venue == "Astana International Financial Centre"

    page = change_page(editor, agreement)
    page.locator("#id_title").fill(agreement.title + " (renamed)")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("Sent for review")
    second = Revision.objects.filter(status="pending").get()

    page = publisher.goto(f"/admin/deals/revision/{second.pk}/change/")
    page.get_by_role("button", name="Reject").click()  # no reason: the browser asks for one
    assert page.locator("#id_reason").evaluate("e => e.validity.valueMissing")
    assert Revision.objects.get(pk=second.pk).status == "pending"
    page.get_by_label("Reason:").fill("The article keeps the original title; cite a renaming.")
    page.get_by_role("button", name="Reject").click()
    expect(page.locator(".messagelist")).to_contain_text("rejected")
    publisher.page.context.close()

    page = editor.goto("/editorial/")
    mine = page.locator("#my-revisions")
    expect(mine).to_contain_text("rejected")
    expect(mine).to_contain_text("The article keeps the original title; cite a renaming.")
    editor.shot("rejected-seen-by-editor")
    assert Agreement.objects.get(pk=agreement.pk).title == agreement.title


def test_a_stale_inline_row_is_a_conflict_beside_the_row(tab, browser, seeded_server):
    accounts()
    agreement = published_agreement()
    party = agreement.parties.exclude(stake=None).order_by("pk").first()
    index = list(agreement.parties.order_by("pk").values_list("pk", flat=True)).index(party.pk)
    stake = f"#id_parties-{index}-stake"
    first, second = tab, second_tab(browser, seeded_server, "second-publisher")
    User.objects.create_superuser("publisher-two", "", PASSWORD)
    log_in(first, "publisher-review")
    log_in(second, "publisher-two")
    mine, theirs = change_page(first, agreement), change_page(second, agreement)
    original = mine.locator(stake).input_value()

    theirs.locator(stake).fill("1")
    theirs.get_by_role("button", name="Save and continue editing").click()
    expect(theirs.locator(".messagelist")).to_contain_text("was changed successfully")

    mine.locator(f"#id_parties-{index}-role").select_option(value="partner")
    mine.get_by_role("button", name="Save and continue editing").click()
    error = mine.locator(f"#parties-{index}").locator("xpath=preceding-sibling::tr[1]")
    expect(error).to_contain_text("Someone else saved this agreement party")
    expect(error).to_contain_text(f"stake (%): now “1”, yours “{original.rstrip('0').rstrip('.')}”")
    first.shot("inline-conflict")
    stored = AgreementParty.objects.get(pk=party.pk)
    assert (str(stored.stake).rstrip("0").rstrip("."), stored.role) == ("1", party.role)
    second.page.context.close()


def test_undo_a_whole_save(tab):
    accounts()
    agreement = published_agreement()
    party = agreement.parties.exclude(stake=None).order_by("pk").first()
    index = list(agreement.parties.order_by("pk").values_list("pk", flat=True)).index(party.pk)
    log_in(tab, "publisher-review")
    page = change_page(tab, agreement)
    page.locator("#id_title").fill("A title changed by mistake")
    page.locator(f"#id_parties-{index}-stake").fill("2")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page = tab.goto(f"/admin/deals/agreement/{agreement.pk}/history/")
    expect(page.locator(".history-entry").first).to_contain_text("UTC+05:00")
    page.get_by_role("link", name="Undo this whole save").first.click()
    expect(page.locator("#content-main")).to_contain_text("A title changed by mistake")
    tab.shot("undo-confirm")
    page.get_by_role("button", name="Yes, undo this save").click()
    expect(page.locator(".messagelist")).to_contain_text("Undone: the 2 changes of that save.")
    tab.shot("undone")
    assert Agreement.objects.get(pk=agreement.pk).title == agreement.title
    assert AgreementParty.objects.get(pk=party.pk).stake == party.stake
