"""A physiotherapist charts a visit in a real browser and sees the course move on."""

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser import sign_in, started_hours_ago
from tests.factories import make_patient, make_visit, ready_for_needling

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


def fill_site(page, number: int, muscle: str, side: str, site: str, segment: str, response: str):
    group = page.get_by_role("group", name=f"Site {number}", exact=True)
    group.get_by_label("Muscle").fill(muscle)
    group.get_by_label("Side").select_option(label=side)
    group.locator("select[name$='site_type']").select_option(label=site)
    group.get_by_label("Spinal segment").select_option(segment)
    group.get_by_label("Response").select_option(label=response)


def test_a_physiotherapist_charts_two_needled_sites_and_sees_the_course_progress(
    live_server, desktop
):
    page, axe, violations = desktop, Axe(), {}

    def check_accessibility():
        result = axe.run(page)
        if result.violations_count:
            violations[page.url] = [v["id"] for v in result.response["violations"]]

    patient = make_patient(legal_first_name="Marguerite", legal_last_name="Okafor")
    course = ready_for_needling(patient)
    course.physiotherapist.username = "priya"
    course.physiotherapist.save()
    make_visit(course, *started_hours_ago())  # today's visit has started

    sign_in(page, live_server, "priya")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your day")
    check_accessibility()

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Patients").click()
    page.get_by_label("Find a patient").fill("Okafor")
    page.get_by_role("main").get_by_role("button", name="Search").click()
    check_accessibility()
    page.get_by_role("link", name="Marguerite Okafor").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marguerite Okafor")
    check_accessibility()

    page.get_by_role("link", name="Right low back").click()
    expect(page.get_by_text("IMS treatment 0 of an expected 2-3")).to_be_visible()
    page.goto(f"{live_server.url}{course.visits.get().get_absolute_url()}")
    page.get_by_role("link", name="Chart this visit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chart the visit")
    check_accessibility()

    page.get_by_label("Consent confirmed this visit").check()
    page.get_by_label("Patient position").select_option(label="Lying face down")
    fill_site(page, 1, "Gluteus medius", "Right", "At the pain site", "L5", "Grasp (cramp)")
    fill_site(page, 2, "Multifidus", "Both", "Paraspinal", "L4", "Local twitch")
    page.get_by_label("Pain before (0-10)").fill("7")
    page.get_by_label("Pain after (0-10)").fill("3")
    page.get_by_label("Treatment note").fill("Tight band in right gluteus medius; strong grasp.")
    page.get_by_role("button", name="Save and sign").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Visit of")
    expect(page.get_by_role("cell", name="Gluteus medius", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="Multifidus", exact=True)).to_be_visible()

    page.goto(f"{live_server.url}{course.get_absolute_url()}")
    expect(page.get_by_text("IMS treatment 1 of an expected 2-3")).to_be_visible()
    visits = page.get_by_role("region", name="Table of attended visits")
    row = visits.get_by_role("row").filter(has=page.get_by_role("rowheader", name="1"))
    expect(row).to_contain_text(re.compile(r"7.*3.*2", re.S))
    expect(page.get_by_role("img", name=re.compile("Pain", re.I))).to_be_visible()
    numbers = page.get_by_role("region", name=re.compile("The numbers of the chart"))
    row = numbers.get_by_role("row").filter(has=page.get_by_role("rowheader", name="1"))
    expect(row).to_have_text(re.compile(r"1\s*7\s*3"))
    check_accessibility()
    assert violations == {}
