"""A patient on a phone (375 px) sends the intake before the first visit, then reads the home
plan and how they are doing; axe-core finds nothing on those pages, and nothing overflows."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from patients.models import Intake
from tests.browser import PageChecks, sign_in_as_patient
from tests.factories import chart_visit, make_physiotherapist, make_visit, ready_for_needling
from tests.patients.online.helpers import emailed_link, online_patient

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


def test_a_patient_on_a_phone_sends_the_intake_and_reads_the_home_plan_and_progress(
    live_server, phone
):
    physiotherapist = make_physiotherapist(first_name="Priya", last_name="Physio")
    patient = online_patient(email="avery@example.com", legal_first_name="Avery")
    course = ready_for_needling(patient, physiotherapist)
    today = timezone.localdate()  # the live server runs on the real clock
    for weeks_ago, pain, plan in [(2, 7, "Heat for 15 minutes at night"), (1, 4, "Walk daily")]:
        visit = make_visit(course, today - timedelta(days=7 * weeks_ago + 1))
        chart_visit(visit, physiotherapist, pain=(pain, pain - 2), home_plan=plan)
    check = PageChecks(phone)

    sign_in_as_patient(phone, live_server, "avery@example.com", emailed_link=emailed_link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your visits")

    phone.goto(f"{live_server.url}/patients/online/before-your-first-visit/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Before your first visit")
    check("intake")
    phone.get_by_label("What brings you to us?").fill("My lower back hurts when I sit")
    phone.get_by_label("6 weeks to 3 months").check()
    phone.get_by_label("Searching the internet").check()
    phone.get_by_label("Do you take blood thinners or bruise easily?").check()
    phone.get_by_role("button", name="Send to the clinic").click()
    expect(phone.locator("main")).to_contain_text("Thank you. Your physiotherapist will go")
    assert Intake.objects.get().screening_answers["bleeding"] is True

    phone.goto(f"{live_server.url}/patients/online/home-plan/")
    expect(phone.locator("main")).to_contain_text("Walk daily")
    check("home plan")

    phone.goto(f"{live_server.url}/patients/online/how-you-are-doing/")
    expect(phone.locator("main")).to_contain_text("Your pain went from 7 to 4")
    phone.wait_for_function("() => window.Chart !== undefined")
    check("how you are doing")
    assert check.violations == {}
