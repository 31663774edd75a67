"""A course's questionnaires in a real browser: the physiotherapist chooses them, types a
baseline, reads the chart of each over the course, and writes the discharge summary, on a
desktop and on a phone; axe-core finds nothing to fix."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import sign_in
from tests.factories import make_course, make_physiotherapist
from tests.treatments.outcomes.helpers import measure_of, odi
from treatments.outcomes import services

DRAWN = "(canvas) => Boolean(window.Chart && Chart.getChart(canvas))"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


def no_violations(page) -> None:
    result = Axe().run(page)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]


@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_a_physiotherapist_follows_a_courses_function_from_baseline_to_discharge(
    live_server, request, screen, tmp_path
):
    page = request.getfixturevalue(screen)
    physiotherapist = make_physiotherapist(username="priya", first_name="Priya")
    course = make_course(physiotherapist=physiotherapist, region="Right low back",
                         started_on=timezone.localdate() - timedelta(days=30))  # fmt: skip
    sign_in(page, live_server, "priya")
    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    page.get_by_role("link", name="Choose questionnaires").click()
    expect(page.get_by_role("checkbox", name="Oswestry Disability Index (ODI)")).to_be_checked()
    expect(
        page.get_by_role("checkbox", name="Patient-Specific Functional Scale (PSFS)")
    ).to_be_checked()
    no_violations(page)
    page.get_by_role("button", name="Save the questionnaires").click()
    expect(page.get_by_role("status").first).to_contain_text("questionnaires are saved")
    expect(page.get_by_text("Questionnaires due: ODI baseline, PSFS baseline.")).to_be_visible()

    page.get_by_role("link", name="Type answers for PSFS").click()
    for number, (activity, score) in enumerate([("Sitting", "2"), ("Driving", "3"),
                                                ("Lifting", "4")], start=1):  # fmt: skip
        page.locator(f"input[name='{number}-name']").fill(activity)
        page.locator(f"input[name='{number}']").fill(score)
    no_violations(page)
    page.get_by_role("button", name="Save the answers").click()
    measure = measure_of(course, "odi")
    services.record_response(measure, occasion="baseline", answers=odi(60), source="typed",
                             answered_on=course.started_on)  # fmt: skip
    services.record_response(measure, occasion="reassessment", answers=odi(30), source="typed")
    page.reload()
    expect(page.get_by_text("Important change in function: ODI.")).to_be_visible()
    canvas = page.get_by_role("img", name="Line chart of the ODI score at each questionnaire")
    canvas.scroll_into_view_if_needed()
    assert canvas.evaluate(DRAWN)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.screenshot(path=tmp_path / f"course-{screen}.png", full_page=True)
    no_violations(page)

    page.get_by_role("link", name="Discharge summary").click()
    page.get_by_label("Physiotherapist's note").fill("Back at work; exercises twice a day.")
    page.get_by_role("button", name="Save the note").click()
    expect(page.get_by_role("paragraph").filter(has_text="Back at work")).to_be_visible()
    expect(page.get_by_role("row", name="Oswestry Disability Index")).to_contain_text("30")
    no_violations(page)
