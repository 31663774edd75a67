"""The reports in a real browser: a clinic admin opens them from the header, on a desktop and
on a phone, reads a chart and its table, and axe-core finds nothing to fix."""

import os
from datetime import time, timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import sign_in
from tests.factories import (
    INITIAL_ASSESSMENT,
    make_clinic_admin,
    make_course,
    make_physiotherapist,
    make_visit,
)
from treatments.models import Visit, WorkingHours

# Chart.js has drawn on the canvas.
DRAWN = "(canvas) => Boolean(window.Chart && Chart.getChart(canvas))"


# Visits without needling: the weekly rule (held by PostgreSQL too) is not what is counted here.
FOLLOW_UP = "Follow-up without needling"


def visit(course, day, at=None, *, kind=FOLLOW_UP, **fields):
    return make_visit(course, day, at, kind=kind, **fields)


pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


@pytest.fixture
def clinic(migrated_data):
    """Two physiotherapists' visits over the last eight weeks (the live server keeps real time)."""
    make_clinic_admin(username="casey", first_name="Casey", last_name="Admin")
    today = timezone.localdate()
    for n, name in enumerate(["Priya", "Omar"]):
        physiotherapist = make_physiotherapist(first_name=name, last_name="Physio")
        for weekday in range(5):
            WorkingHours.objects.create(physiotherapist=physiotherapist, weekday=weekday,
                                        starts_at=time(9), ends_at=time(13))  # fmt: skip
        course = make_course(physiotherapist=physiotherapist)
        statuses = [Visit.Status.ATTENDED] * (3 + n) + [Visit.Status.NO_SHOW]
        for day in range(2, 56, 3):
            status = statuses[day % len(statuses)]
            kind = INITIAL_ASSESSMENT if day % 4 == 0 else FOLLOW_UP
            visit(course, today - timedelta(days=day), time(9), kind=kind, status=status)


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_a_clinic_admin_opens_the_reports_from_the_header(
    live_server, request, clinic, screen, tmp_path
):
    shots = Path(os.environ.get("SCREENSHOTS_DIR", tmp_path))
    page = request.getfixturevalue(screen)
    sign_in(page, live_server, "casey")
    page.goto(live_server.url)
    show_menu = page.get_by_role("button", name="Show the menu")
    if show_menu.is_visible():
        show_menu.click()
    reports = page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports")
    expect(reports).to_be_visible()  # the phone's menu has finished opening
    reports.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    page.get_by_role("link", name="Attendance", exact=True).first.click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Attendance")
    page.get_by_role("combobox", name="Count by").select_option("week")
    page.get_by_role("button", name="Show the report").click()
    canvas = page.get_by_role("img", name="For each physiotherapist, the share of visits due")
    canvas.scroll_into_view_if_needed()
    expect(canvas).to_be_visible()
    assert canvas.evaluate(DRAWN)
    figures = page.get_by_role("region", name="All the figures")
    expect(figures.get_by_role("row").filter(has_text="Whole period").first).to_contain_text(
        "Omar Physio"
    )
    page.screenshot(path=shots / f"report-attendance-{screen}.png", full_page=True)
    # The tables scroll on their own; the page never gets wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    result = Axe().run(page)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]

    page.get_by_role("link", name="Utilisation").click()
    canvas = page.get_by_role("img", name="For each physiotherapist, booked time")
    canvas.scroll_into_view_if_needed()
    assert canvas.evaluate(DRAWN)
    page.screenshot(path=shots / f"report-utilisation-{screen}.png", full_page=True)
    result = Axe().run(page)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]

    page.get_by_role("textbox", name="From").fill("2026-03-10")
    page.get_by_role("textbox", name="to", exact=True).fill("2025-03-10")
    page.get_by_role("button", name="Show the report").click()
    expect(page.get_by_role("alert")).to_contain_text("must be on or before the “to” date")
    expect(page.get_by_text("Nothing is shown until the period is corrected.")).to_be_visible()
    result = Axe().run(page)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]
