"""In Chromium: an editor enters, through the admin, a lapsed agreement with a stake and a
purchase price, and a conflicting figure from a second source; the totals stay as the
method page says (made-up test data)."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group, Permission, User
from playwright.sync_api import expect

from deals.models import Agreement, Amount, Citation, Company, Deal, FigureReport, Source
from deals.roles import EDITOR, permission_codenames

pytestmark = pytest.mark.browser

PASSWORD = "pw-long-enough-1"
DEAL = "Test graphite project"
AGREEMENT = "Test graphite share purchase"


def editor(username):
    group, _ = Group.objects.get_or_create(name=EDITOR)
    for app_label, codenames in permission_codenames(EDITOR).items():
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True)
    user.groups.add(group)
    return user


def choose(page, field_id, search, option):
    page.locator(f"[aria-labelledby='select2-{field_id}-container']").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-container--open").get_by_role("option", name=option, exact=True).click()


def made_up_world():
    first = Source.objects.create(slug="test-wire-1", publisher="Test Wire", language="en",
                                  title="Graphite project gets backing",
                                  published=dt.date(2025, 3, 2))  # fmt: skip
    second = Source.objects.create(slug="test-daily-2", publisher="Test Daily", language="en",
                                   title="Graphite project cost",
                                   published=dt.date(2025, 4, 9))  # fmt: skip
    Company.objects.create(name="Graphite Buyer LLC", slug="graphite-buyer", kind="miner",
                           country="KZ")  # fmt: skip
    deal = Deal.objects.create(name=DEAL, slug="test-graphite-project", publication="draft")
    commitment = Amount.objects.create(
        deal=deal, slug="test-graphite-200m", kind="investment_commitment", value=200_000_000,
        currency="USD", as_of=dt.date(2025, 3, 1), as_of_precision="month", publication="draft",
    )  # fmt: skip
    Citation.objects.create(content_object=commitment, source=first,
                            quote="Investors committed USD 200 million.")  # fmt: skip
    return deal, commitment, first, second


def test_a_lapsed_agreement_and_a_conflicting_figure_leave_the_committed_total_alone(tab):
    deal, commitment, first, second = made_up_world()
    editor("figures-editor")
    page = tab.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill("figures-editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # 1. A signed share purchase with a 60 % stake and a USD 300 m price, then lapsed.
    page = tab.goto("/admin/deals/agreement/add/")
    choose(page, "id_deal", "graphite", DEAL)
    page.get_by_label("Title:").fill(AGREEMENT)
    page.locator("#id_kind").select_option(label="share purchase agreement")
    page.locator("#id_status").select_option(label="signed")
    page.get_by_label("Signed on:").fill("2025-03-01")
    page.locator("#id_signed_on_precision").select_option(label="month")
    choose(page, "id_parties-0-company", "Graphite", "Graphite Buyer LLC")
    page.locator("#id_parties-0-role").select_option(label="buyer")
    page.locator("#id_parties-0-stake").fill("60")
    page.locator("#id_amounts-0-value").fill("300000000")
    page.locator("#id_amounts-0-currency").fill("USD")
    page.locator("#id_amounts-0-qualifier").select_option(label="exactly")
    page.locator("#id_amounts-0-kind").select_option(label="purchase price")
    page.locator("#id_amounts-0-as_of").fill("2025-03-01")
    page.locator("#id_amounts-0-as_of_precision").select_option(label="month")
    choose(page, "id_status_changes-0-source", "Test Daily", str(second))
    page.locator("#id_status_changes-0-status").select_option(label="lapsed")
    page.locator("#id_status_changes-0-on").fill("2025-04-01")
    page.locator("#id_status_changes-0-on_precision").select_option(label="month")
    page.locator("#id_status_changes-0-quote").fill("The share purchase lapsed in April.")
    tab.shot("lapsed-agreement")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    agreement = Agreement.objects.get(title=AGREEMENT)
    assert agreement.status == "lapsed"  # the status follows its dated history
    assert agreement.parties.get().stake == 60

    # 2. A second source's different figure for the commitment, kept beside it.
    page = tab.goto(f"/admin/deals/amount/{commitment.pk}/change/")
    reports = "deals-figurereport-content_type-object_id"
    page.locator(f"#id_{reports}-0-qualifier").select_option(label="about")
    page.locator(f"#id_{reports}-0-value").fill("250000000")
    page.locator(f"#id_{reports}-0-unit").fill("USD")
    choose(page, f"id_{reports}-0-source", "Test Daily", str(second))
    page.locator(f"#id_{reports}-0-quote").fill("The project needs about USD 250 million.")
    tab.shot("conflicting-figure")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert FigureReport.objects.get().in_use is False

    # 3. The deal page: committed only the figure in use; the lapsed price apart.
    page = tab.goto(f"/deals/{deal.slug}/")
    facts = page.locator("dl.facts")
    expect(facts).to_contain_text("USD 200 m")
    expect(facts).to_contain_text("lapsed: USD 300 m")
    expect(page.locator(".also-reported")).to_contain_text("also reported: about USD 250 m")
    expect(page.locator(".status-history li")).to_contain_text("lapsed")  # dated, sourced
    tab.shot("deal-page")
    page.locator("dl.facts a.rule").first.click()
    expect(page.get_by_role("heading", name="A commitment counts once, at its latest value"))
    expect(page.locator("#lapsed")).to_be_visible()
