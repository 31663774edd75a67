"""A patient answers the PSFS on a phone through the link their physiotherapist emailed, in a
real browser (Debian's Chromium), checked with axe-core on each page."""

import os
import re
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import make_course, make_patient, make_physiotherapist
from tests.treatments.outcomes.answering import measure_for
from treatments.models import MeasureResponse

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where the screenshots go: SCREENSHOT_DIR to keep them and look at them."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_patient_answers_an_emailed_psfs_baseline_on_a_phone(
    live_server, phone, shots, instruments, settings
):
    settings.SITE_URL = live_server.url
    physiotherapist = make_physiotherapist(first_name="Priya", last_name="Physio")
    patient = make_patient(legal_first_name="Marguerite", email="marguerite@example.com")
    psfs = measure_for(instruments["psfs"], make_course(patient, physiotherapist))

    # The physiotherapist emails the link from the course page.
    staff = Client()
    staff.force_login(physiotherapist)
    course = psfs.course
    staff.post(reverse("treatments:measure-email", args=[course.pk, psfs.pk]))
    [email] = mail.outbox
    [link] = re.findall(rf"{re.escape(live_server.url)}/treatments/answer/[\w-]+/", email.body)

    # The patient opens it on their phone: no sign-in, a browser of their own.
    page, axe, violations = phone, Axe(), {}

    def check(name: str) -> None:
        page.screenshot(path=shots / f"answer-{name}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, name
        result = axe.run(page)
        if result.violations_count:
            violations[name] = {
                rule["id"]: [node["html"][:200] for node in rule["nodes"]]
                for rule in result.response["violations"]
            }

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Patient-Specific Functional Scale")
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.get_by_text("Marguerite")).to_have_count(0)
    check("questionnaire")

    first = page.get_by_role("group", name="Activity 1", exact=True)
    first.get_by_label("Activity").fill("Gardening")
    first.get_by_label("How well you can do it now").fill("12")
    second = page.get_by_role("group", name="Activity 2", exact=True)
    second.get_by_label("Activity").fill("Lifting my grandchild")
    second.get_by_label("How well you can do it now").fill("4")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    expect(first.get_by_text("Give a whole number from 0 to 10.")).to_be_visible()
    expect(page.get_by_text("Name an activity you find hard to do.")).to_be_visible()
    check("mistakes")

    first.get_by_label("How well you can do it now").fill("3")
    third = page.get_by_role("group", name="Activity 3", exact=True)
    third.get_by_label("Activity").fill("Running for the bus")
    third.get_by_label("How well you can do it now").fill("2")
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    expect(page.get_by_text("You can close this page.")).to_be_visible()
    check("thanks")

    saved = MeasureResponse.objects.get(measure=psfs)
    assert (saved.occasion, saved.source, float(saved.score)) == ("baseline", "link", 3.0)
    assert saved.activities["3"] == "Running for the bus"

    # The link works once.
    page.goto(link)
    expect(page.get_by_text("This questionnaire has already been answered.")).to_be_visible()
    check("used")
    assert violations == {}
