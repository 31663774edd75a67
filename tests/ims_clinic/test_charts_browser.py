"""A chart in a real browser (Debian's Chromium): Chart.js draws it from the page's own files
under the Content Security Policy, with its table beside it on a desktop and below it on a
phone, and axe-core finds nothing to fix."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import sign_in
from tests.factories import chart_visit, make_physiotherapist, make_visit, ready_for_needling

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]

# Playwright's init scripts run outside the page's policy, so this listener is always there.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} blocked ` +
                `${event.blockedURI || "inline"}`);
});
"""

# How many of the canvas's pixels are painted (not transparent), and whether Chart.js owns it.
PAINTED = """(canvas) => {
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] > 0) painted++; }
  return { painted, chart: Boolean(window.Chart && Chart.getChart(canvas)) };
}"""


def keep(problems: list[str], message) -> None:
    """Errors and warnings on the console, but for the favicon the site does not have."""
    if message.type in ("error", "warning") and "favicon" not in message.location["url"]:
        problems.append(f"{message.text} ({message.location['url']})")


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where the screenshots go: SCREENSHOT_DIR to keep them and look at them."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def course():
    """A course with four weekly IMS treatments, three charted, the last one today."""
    course = ready_for_needling(physiotherapist=make_physiotherapist(username="priya"))
    today = timezone.localdate()  # the live server runs on the real clock
    for weeks_ago, pain in zip([3, 2, 1, 0], [(7, 5), (6, 3), (4, 2), None], strict=True):
        visit = make_visit(course, today - timedelta(weeks=weeks_ago), status="attended")
        if pain:
            chart_visit(visit, course.physiotherapist, pain=pain)
    return course


@pytest.mark.parametrize(("name", "width"), [("desktop", 1280), ("phone", 375)])
def test_the_course_page_draws_the_pain_chart_with_its_table_and_nothing_refused(
    live_server, request, course, shots, name, width
):
    page = request.getfixturevalue(name)
    page.emulate_media(reduced_motion="reduce")  # no animation: the chart is whole at once
    problems = []
    page.add_init_script(REPORT_VIOLATIONS)
    sign_in(page, live_server, "priya")
    page.on("console", lambda message: keep(problems, message))
    page.on("pageerror", lambda error: problems.append(str(error)))

    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    canvas = page.get_by_role("img", name="Line chart of pain from 0 (none) to 10 (worst)")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    assert box["width"] > 250 and box["height"] > 200
    drawn = canvas.evaluate(PAINTED)
    assert drawn["chart"] and drawn["painted"] > 1000
    table = page.get_by_role("region", name="The numbers of the chart: Pain before")
    expect(table).to_be_visible()
    expect(table.get_by_role("row")).to_have_count(1 + 4 + 2)  # header, visits, reference lines
    table_box = table.bounding_box()
    if width == 1280:
        assert table_box["x"] > box["x"] + box["width"]  # beside the chart
    else:
        assert table_box["y"] > box["y"] + box["height"]  # below it
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.screenshot(path=shots / f"course-chart-{name}.png", full_page=True)

    result = Axe().run(page)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]
    assert problems == []


def test_the_chart_prints_at_the_pages_width_with_its_table_below(
    live_server, desktop, course, shots
):
    page = desktop
    page.emulate_media(reduced_motion="reduce")
    sign_in(page, live_server, "priya")
    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    expect(page.locator("canvas")).to_be_visible()
    # An A4 page less its margins is about 680 CSS pixels wide.
    page.set_viewport_size({"width": 680, "height": 960})
    page.emulate_media(media="print", reduced_motion="reduce")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    canvas = page.locator("canvas")
    expect(canvas).to_be_visible()
    box = canvas.bounding_box()
    assert 600 < box["width"] <= 680
    assert canvas.evaluate(PAINTED)["painted"] > 1000
    table = page.locator(".chart-table")
    expect(table.get_by_role("cell", name="not charted").first).to_be_visible()
    assert table.bounding_box()["y"] > box["y"] + box["height"]
    page.screenshot(path=shots / "course-chart-print.png", full_page=True)
