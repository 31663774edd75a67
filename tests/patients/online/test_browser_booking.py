"""A patient on a phone (375 px) opens the emailed link, books their next IMS treatment, and
is told, when they try for a second one the same week, the date it can be. axe-core finds
nothing on any of those pages."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from tests.browser import PageChecks, sign_in_as_patient
from tests.factories import make_course, make_physiotherapist, make_visit
from tests.patients.online.helpers import (
    bookable_online,
    emailed_link,
    online_patient,
    open_online_booking,
)
from treatments.models import Visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


def test_a_patient_on_a_phone_books_an_ims_treatment_and_is_told_when_the_next_can_be(
    live_server, phone
):
    open_online_booking()
    physiotherapist = bookable_online(make_physiotherapist(first_name="Priya", last_name="Physio"))
    patient = online_patient(email="avery@example.com", legal_first_name="Avery")
    course = make_course(patient, physiotherapist)
    # The live server runs on the real clock: the last IMS treatment was nine days ago.
    make_visit(course, timezone.localdate() - timedelta(days=9), status="attended")
    check = PageChecks(phone)

    def next_step(name: str) -> None:
        phone.locator("main").get_by_role("button", name="Next").click()
        check(name)

    sign_in_as_patient(phone, live_server, "avery@example.com", emailed_link=emailed_link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your visits")

    phone.locator("main").get_by_role("link", name="Book a visit").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Book a visit")
    check("kind of visit")
    phone.get_by_label("IMS treatment (30 minutes)").check()
    next_step("physiotherapist")
    expect(phone.get_by_label("Anyone: show every physiotherapist's free times")).to_be_checked()
    next_step("day")
    day_picked = phone.get_by_label("Which day?").input_value()
    next_step("time")
    time_label = phone.locator("main .form-check-label").first.inner_text()
    assert "with Priya Physio" in time_label
    next_step("confirm")
    expect(phone.locator("main")).to_contain_text("Priya Physio")
    phone.get_by_role("button", name="Book this visit").click()
    expect(phone.locator("main")).to_contain_text("is booked.")
    expect(phone.locator("main")).to_contain_text("Booked online")
    check("visits after booking")
    visit = Visit.objects.get(booked_online=True)
    assert str(visit.date) == day_picked and visit.patient == patient

    # A second one the same week: the page says the date it can be, before any day is chosen.
    phone.locator("main").get_by_role("link", name="Book a visit").click()
    phone.get_by_label("IMS treatment (30 minutes)").check()
    next_step("physiotherapist, again")
    next_step("day, again")
    can_be = date_format(visit.date + timedelta(days=7), "l j F")
    expect(phone.locator("main")).to_contain_text(
        f"Your next IMS treatment can be on {can_be} or later."
    )
    same_week = visit.date + timedelta(days=1)
    offered = phone.locator("#id_day option").evaluate_all("options => options.map(o => o.value)")
    assert str(same_week) not in offered and str(visit.date) not in offered
    # Asked for the same week all the same (an old page, a typed address): refused, with the date.
    phone.goto(
        f"{live_server.url}/patients/online/book/?visit_type={visit.visit_type_id}"
        f"&physiotherapist=any&day={same_week}"
    )
    expect(phone.locator("main")).to_contain_text(
        f"IMS is given at most once a week. Your next IMS treatment can be on {can_be} or later."
    )
    check("refused the same week")
    assert Visit.objects.filter(booked_online=True).count() == 1
    assert check.violations == {}
