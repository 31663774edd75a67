"""A patient reading the education pages in a real browser (Debian's Chromium)."""

import io
import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect
from pypdf import PdfReader

from content.models import Page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


def test_a_patient_finds_aftercare_searches_for_water_and_prints_it(live_server, phone):
    page = phone
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Welcome to"))

    page.get_by_role("link", name="Learn about IMS").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("About IMS"))

    page.get_by_role("main").get_by_role("link", name="Aftercare: what to do").click()
    expect(page).to_have_url(f"{live_server.url}/ims/aftercare/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Aftercare: what to do")
    expect(page.get_by_text("Drink more water")).to_be_visible()

    page.get_by_label("Search the IMS pages").fill("water")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text(re.compile(r"\d+ pages? mentions? water"))).to_be_visible()
    results = page.get_by_role("main").get_by_role("listitem")
    expect(results.get_by_role("link", name="Aftercare: what to do")).to_be_visible()

    results.get_by_role("link", name="Aftercare: what to do").click()
    pdf = PdfReader(io.BytesIO(page.pdf(format="Letter")))
    text = pdf.pages[0].extract_text()
    assert len(pdf.pages) == 1, "the aftercare handout prints on one page"
    assert "Aftercare: what to do" in text
    assert "Drink more water" in text
    assert "Staff sign in" not in text, "the menu is left off the printout"
    assert "Search the IMS pages" not in text
    assert [url for url in requested if not url.startswith(live_server.url)] == []


def test_the_menu_opens_on_a_phone(live_server, phone):
    phone.goto(live_server.url)
    menu_link = phone.get_by_role("navigation", name="Main").get_by_role("link", name="Aftercare")
    expect(menu_link).to_be_hidden()
    phone.get_by_role("button", name="Show the menu").click()
    expect(menu_link).to_be_visible()
    # Nothing is wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_skip_link_moves_to_the_main_content(live_server, desktop):
    desktop.goto(f"{live_server.url}/ims/")
    desktop.keyboard.press("Tab")
    skip = desktop.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    desktop.keyboard.press("Enter")
    expect(desktop).to_have_url(re.compile("#main$"))


def test_every_public_page_passes_axe_with_no_violations(live_server, phone, desktop):
    paths = [
        "/",
        "/ims/",
        "/ims/search/",
        "/ims/search/?q=water",
        "/ims/search/?q=zebra",
        "/ims/search/?q=" + "x" * 200,
        "/ims/no-such-page/",
        "/accounts/login/",
    ]
    paths += [page.get_absolute_url() for page in Page.objects.published()]
    axe = Axe()
    violations = {}
    for browser_page in (phone, desktop):
        for path in paths:
            browser_page.goto(live_server.url + path)
            assert browser_page.locator("h1").count() == 1, f"{path} has one h1"
            result = axe.run(browser_page)
            if result.violations_count:
                violations[f"{path} at {browser_page.viewport_size['width']}px"] = [
                    v["id"] for v in result.response["violations"]
                ]
    assert violations == {}
