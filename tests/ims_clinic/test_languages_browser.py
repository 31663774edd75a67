"""A reader on a phone (375 px) switches the site to Punjabi and back with the switcher at the
foot of the page, without script; axe-core finds nothing in either language."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser import OVERFLOWING

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


def assert_clean(page, axe: Axe, name: str) -> None:
    result = axe.run(page)
    assert result.violations_count == 0, (name, result.generate_report())
    assert page.evaluate(OVERFLOWING) == [], name


@pytest.mark.parametrize("script", [True, False], ids=["with script", "without script"])
def test_a_reader_on_a_phone_switches_to_punjabi_and_back(live_server, browser, script):
    context = browser.new_context(
        viewport={"width": 375, "height": 740}, device_scale_factor=2, java_script_enabled=script
    )
    page, axe = context.new_page(), Axe()
    page.goto(f"{live_server.url}/ims/aftercare/")
    expect(page.locator("html")).to_have_attribute("lang", "en-ca")
    if script:  # axe-core runs as a script in the page
        assert_clean(page, axe, "English")

    page.get_by_label("Language").select_option("pa")
    page.get_by_role("button", name="Change language").click()
    expect(page).to_have_url(f"{live_server.url}/ims/aftercare/")
    expect(page.locator("html")).to_have_attribute("lang", "pa")
    # The switcher itself now speaks Punjabi.
    expect(page.get_by_label("ਭਾਸ਼ਾ")).to_have_value("pa")
    if script:
        assert_clean(page, axe, "Punjabi")

    page.get_by_label("ਭਾਸ਼ਾ").select_option("en-ca")
    page.get_by_role("button", name="ਭਾਸ਼ਾ ਬਦਲੋ").click()
    expect(page.locator("html")).to_have_attribute("lang", "en-ca")
    context.close()
