"""The clinic's results in a real browser: a clinic admin opens them from the header, on a
desktop and on a phone, and axe-core finds nothing to fix."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import sign_in
from tests.factories import make_clinic_admin, make_physiotherapist
from tests.treatments.outcomes.results_data import (
    NOT_AT_ALL,
    completed_course,
    course_reaching,
    make_instrument,
)

# Chart.js has drawn on the canvas.
DRAWN = "(canvas) => Boolean(window.Chart && Chart.getChart(canvas))"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


@pytest.fixture
def clinic(migrated_data):
    """Courses completed last month (the live server keeps real time) by two physiotherapists."""
    make_clinic_admin(username="casey", first_name="Casey", last_name="Admin")
    priya = make_physiotherapist(first_name="Priya", last_name="Physio")
    omar = make_physiotherapist(first_name="Omar", last_name="Other")
    ended_on = timezone.localdate() - timedelta(days=30)
    odi, ndi = make_instrument("odi"), make_instrument("ndi")
    for n, session in enumerate([2, 3, 3, 5, 6, 6, 9, 14, NOT_AT_ALL, NOT_AT_ALL, 3, 4]):
        physiotherapist, (region, instrument) = (priya, omar)[n % 2], [
            ("Right low back", odi), ("Neck", ndi), ("Left knee", odi)
        ][n % 3]  # fmt: skip
        course_reaching(session, physiotherapist, instrument, ended_on=ended_on, region=region)
    completed_course(priya, ended_on=ended_on)


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_a_clinic_admin_opens_the_results_from_the_header(
    live_server, request, clinic, screen, tmp_path
):
    page = request.getfixturevalue(screen)
    sign_in(page, live_server, "casey")  # a clinic admin starts in the Django admin
    page.goto(live_server.url)
    show_menu = page.get_by_role("button", name="Show the menu")
    if show_menu.is_visible():
        show_menu.click()
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Results").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("The clinic's results")
    for heading in ["By region", "By physiotherapist", "By measure"]:
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    everyone = page.get_by_role("row", name="All courses")
    expect(everyone.get_by_role("cell").first).to_have_text("13")
    by_physiotherapist = page.get_by_role("region", name="Table: By physiotherapist")
    expect(by_physiotherapist.get_by_role("row", name="Omar Other")).to_contain_text("fewer than 5")
    # Each breakdown's chart is drawn, its numbers in a table beside it.
    for description in ["For each region", "For each physiotherapist", "For each questionnaire"]:
        canvas = page.get_by_role("img", name=description)
        canvas.scroll_into_view_if_needed()
        expect(canvas).to_be_visible()
        assert canvas.evaluate(DRAWN)
    page.get_by_role("img", name="For each questionnaire").screenshot(
        path=tmp_path / f"results-{screen}-chart.png"
    )
    page.screenshot(path=tmp_path / f"results-{screen}.png", full_page=True)
    by_region = page.get_by_role("region", name="Table: By region")
    by_region.evaluate("(box) => { box.scrollLeft = 200; }")  # the group stays in view
    by_region.screenshot(path=tmp_path / f"results-{screen}-scrolled.png")
    # The tables scroll on their own; the page never gets wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    result = Axe().run(page)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]

    page.get_by_role("textbox", name="Completed from").fill("2026-03-10")
    page.get_by_role("textbox", name="to", exact=True).fill("2025-03-10")
    page.get_by_role("button", name="Show the results").click()
    expect(page.get_by_role("alert")).to_contain_text("must be on or before the “to” date")
    expect(page.get_by_text("Nothing is shown until the period is corrected.")).to_be_visible()
    result = Axe().run(page)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]
