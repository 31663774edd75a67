"""A patient on a phone (375 px) opens the link in their reminder email, takes the visit to
their calendar and cancels it, without signing in; the link then says the visit is cancelled.
axe-core finds nothing on any of those pages."""

import re
from datetime import time, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import PageChecks
from tests.factories import make_course, make_physiotherapist, make_visit
from tests.patients.online.helpers import online_patient
from treatments import reminders
from treatments.models import ReminderSent, Visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]
LINK = re.compile(r"/patients/online/visit/[A-Za-z0-9_:-]+/")


def test_a_patient_on_a_phone_cancels_a_visit_from_the_reminders_link(live_server, phone):
    physiotherapist = make_physiotherapist(first_name="Priya", last_name="Physio")
    patient = online_patient(email="avery@example.com", legal_first_name="Avery")
    # The live server runs on the real clock: three days ahead is outside any notice.
    day = timezone.localdate() + timedelta(days=3)
    visit = make_visit(make_course(patient, physiotherapist), day, time(10))
    visit = Visit.objects.select_related("patient", "physiotherapist", "location").get(pk=visit.pk)
    assert reminders.send_visit_email(visit, ReminderSent.Kind.REMINDER)
    path = LINK.search(mail.outbox[-1].body).group(0)
    check = PageChecks(phone)

    phone.goto(live_server.url + path)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your visit")
    expect(phone.locator("main")).to_contain_text("IMS treatment with Priya Physio")
    expect(phone.get_by_role("heading", name="Move this visit")).to_be_visible()
    check("the visit")

    with phone.expect_download() as download:
        phone.get_by_role("link", name="Add to my calendar").click()
    ics = Path(download.value.path()).read_text(encoding="utf-8")
    assert "BEGIN:VEVENT" in ics and "Priya Physio" in ics

    phone.get_by_label("Why are you cancelling? (optional)").fill("Away for work")
    phone.get_by_role("button", name="Yes, cancel this visit").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your visit is cancelled")
    expect(phone.locator("main")).to_contain_text(f"Your visit on {day.day} {day:%B} is cancelled.")
    check("cancelled")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED

    phone.goto(live_server.url + path)
    expect(phone.get_by_role("heading", level=1)).to_have_text("This link does not work")
    expect(phone.locator("main")).to_contain_text("This visit is cancelled")
    check("the link again")
    assert check.violations == {}
