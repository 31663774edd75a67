"""A patient on a phone (375 px): asks for a link, opens it from the email, sees their visits,
downloads a calendar file, cancels a visit and signs out; axe-core finds nothing on any of
those pages."""

import re
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import PageChecks
from tests.factories import make_course, make_physiotherapist, make_visit
from tests.patients.online.helpers import LINK, online_patient

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


def test_a_patient_on_a_phone_signs_in_by_link_and_takes_a_visit_to_their_calendar(
    live_server, phone
):
    physiotherapist = make_physiotherapist(first_name="Priya", last_name="Physio")
    patient = online_patient(email="avery@example.com", legal_first_name="Avery")
    course = make_course(patient, physiotherapist)
    # The live server runs on the real clock.
    day = timezone.localdate() + timedelta(days=3)
    make_visit(course, day, time(10))
    make_visit(course, day + timedelta(days=7), time(11))
    make_visit(course, timezone.localdate() - timedelta(days=7), status="attended")
    check = PageChecks(phone)

    phone.goto(f"{live_server.url}/patients/online/")
    check("sign in")
    phone.get_by_label("Your email").fill("avery@example.com")
    phone.locator("main button[type=submit]").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Check your email")
    check("link sent")

    path = LINK.search(mail.outbox[-1].body).group(0)
    phone.goto(live_server.url + path)
    check("open the link")
    phone.get_by_role("button", name="Sign in and see my visits").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your visits")
    expect(phone.locator("main")).to_contain_text("IMS treatment with Priya Physio")
    check("visits")

    with phone.expect_download() as download:
        phone.get_by_role("link", name=re.compile("Add to my calendar")).first.click()
    ics = Path(download.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in ics and "Priya Physio" in ics

    later = day + timedelta(days=7)
    phone.get_by_role("link", name=f"Cancel this visit ({later.day} {later:%B})").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Cancel a visit")
    check("cancel a visit")
    phone.get_by_label("Why are you cancelling? (optional)").fill("Away for work")
    phone.locator("main button[type=submit]").click()
    expect(phone.locator("main")).to_contain_text("is cancelled.")
    check("visits after cancelling")

    phone.locator("main").get_by_role("button", name="Sign out").click()
    expect(phone.locator("main")).to_contain_text("You are signed out.")
    assert check.violations == {}
