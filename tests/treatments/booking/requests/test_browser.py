"""On a phone (375 px): a new patient asks for a first assessment, then the front desk finds
the request from the day sheet and books it; and a new patient books a free time directly.
axe-core finds nothing on any of those pages."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.browser import OVERFLOWING, Accessibility, sign_in
from tests.factories import make_front_desk, make_physiotherapist
from tests.treatments.booking.requests.helpers import (
    let_new_patients_book,
    turn_on_online_booking,
)
from tests.treatments.booking.test_browser import next_monday
from treatments.models import AppointmentRequest, Visit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


def check(axe: Accessibility, name: str) -> None:
    axe.check(name)
    assert axe.page.evaluate(OVERFLOWING) == [], name
    assert axe.page.locator("h1").count() == 1, name


def fill_in_who_they_are(page) -> None:
    page.get_by_label("First name").fill("Jordan")
    page.get_by_label("Last name").fill("Reyes")
    page.get_by_label("Date of birth").fill("1985-06-01")
    page.get_by_label("Phone").fill("604 555 0123")
    page.get_by_label("Email").fill("jordan@example.com")
    page.get_by_label("What brings you to the clinic?").fill("Sore shoulder since the winter")


def test_a_new_patient_asks_on_a_phone_and_the_front_desk_books_the_request(live_server, phone):
    turn_on_online_booking()
    make_front_desk(username="fran")
    make_physiotherapist(username="priya", first_name="Priya", last_name="Physio")
    axe = Accessibility(phone)

    phone.goto(f"{live_server.url}/treatments/new-patient/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "New patient? Ask for a first assessment"
    )
    check(axe, "the form")
    phone.locator("main button[type=submit]").click()
    expect(phone.locator("main")).to_contain_text("Nothing was saved")
    check(axe, "the form with errors")
    fill_in_who_they_are(phone)
    phone.get_by_label("When suits you?").fill("Weekday mornings")
    phone.get_by_role("button", name="Send my request").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    check(axe, "thank you")
    assert mail.outbox[-1].to == ["jordan@example.com"]

    sign_in(phone, live_server, "fran")
    phone.goto(f"{live_server.url}/treatments/day-sheet/")
    phone.get_by_role("link", name="1 new patient request to confirm").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("New patient requests")
    check(axe, "the requests")
    phone.get_by_role("link", name="Book Jordan Reyes").click()
    check(axe, "book a request")
    phone.get_by_label("Physiotherapist").select_option(label="Priya Physio")
    phone.get_by_label("Date").fill(next_monday().isoformat())
    phone.get_by_label("Start time").fill("10:00")
    phone.get_by_role("button", name="Book this visit").click()
    expect(phone.locator("main")).to_contain_text("Jordan Reyes is booked for")
    expect(phone.locator("main")).to_contain_text("No requests are waiting.")
    check(axe, "after booking")
    assert AppointmentRequest.objects.get().status == "booked"
    assert axe.violations == {}


def test_a_new_patient_books_a_free_time_on_a_phone(live_server, phone):
    let_new_patients_book(make_physiotherapist(first_name="Priya", last_name="Physio"))
    axe = Accessibility(phone)
    phone.goto(f"{live_server.url}/treatments/new-patient/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "New patient? Book a first assessment"
    )
    check(axe, "the times")
    phone.get_by_label("Choose a time").select_option(index=1)
    fill_in_who_they_are(phone)
    phone.get_by_role("button", name="Book this time").click()
    expect(phone.locator("main")).to_contain_text("Your first assessment is booked for")
    check(axe, "booked")
    assert Visit.objects.get().booked_online
    assert axe.violations == {}
