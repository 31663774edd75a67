"""Locations: where each visit is, the pages of the clinic's day filtered by location, and a
clinic with one location, where nothing about locations shows."""

from datetime import time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from icalendar import Calendar

from tests.factories import (
    TODAY,
    make_course,
    make_patient,
    make_physiotherapist,
    make_visit,
)
from tests.treatments.booking.helpers import book
from treatments import worklist
from treatments.booking import services
from treatments.models import ClinicHours, Location, Visit, WaitlistEntry, WorkingHours
from treatments.reports.queries import Period, visits_report

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
MONDAY = TODAY + timedelta(days=6)  # the clock's day is a Tuesday
TUESDAY = MONDAY + timedelta(days=1)
# Each page of the clinic's day, and the filter form's field that would name a location.
PAGES = ["treatments:day-sheet", "treatments:calendar", "treatments:due-list",
         "treatments:waitlist"]  # fmt: skip
LOCATION_FIELD = 'name="location"'


@pytest.fixture
def main():
    location = Location.objects.get()  # a fresh install's one location (migration 0017)
    location.address = "1200 Main Street\nVancouver BC"
    location.save()
    return location


@pytest.fixture
def kitsilano(main):
    location = Location.objects.create(
        name="Kitsilano", address="2100 West 4th Avenue\nVancouver BC", phone="604-555-0142"
    )
    for weekday in range(5):
        ClinicHours.objects.create(
            location=location, weekday=weekday, opens_at=time(8), closes_at=time(18)
        )
    return location


def works(physiotherapist, weekday: int, location, starts=time(8), ends=time(18)):
    return WorkingHours.objects.create(
        physiotherapist=physiotherapist, location=location, weekday=weekday,
        starts_at=starts, ends_at=ends,
    )  # fmt: skip


@pytest.fixture
def two_places(physiotherapist, main, kitsilano):
    """Priya works at the main location on Mondays and at Kitsilano on Tuesdays."""
    works(physiotherapist, 0, main)
    works(physiotherapist, 1, kitsilano)
    return physiotherapist


# Where a visit is ------------------------------------------------------------------------


def test_a_fresh_install_has_one_location_named_after_the_clinic(settings):
    assert list(Location.objects.values_list("name", flat=True)) == [settings.CLINIC_NAME]
    assert set(ClinicHours.objects.values_list("location__name", flat=True)) == {
        settings.CLINIC_NAME
    }


def test_a_visit_is_where_its_physiotherapist_works_that_day(patient, two_places, kitsilano):
    course = make_course(patient, two_places)
    assert book(course, MONDAY).location.name != "Kitsilano"
    moved = book(course, TUESDAY + timedelta(days=7))
    assert moved.location == kitsilano


def test_moving_a_visit_to_another_day_moves_it_to_that_days_location(
    patient, two_places, main, kitsilano
):
    visit = book(make_course(patient, two_places), MONDAY)
    services.move_visit(visit, day=TUESDAY, start_time=time(11))
    visit.refresh_from_db()
    assert (visit.date, visit.location) == (TUESDAY, kitsilano)


def test_a_physiotherapist_without_hours_is_booked_at_the_main_location(patient, main, kitsilano):
    someone = make_physiotherapist()
    assert book(make_course(patient, someone), MONDAY).location == main


def test_a_closed_location_offers_no_time(patient, two_places, kitsilano):
    kitsilano.is_open = False
    kitsilano.save()
    with pytest.raises(ValidationError, match="closed on Tuesday"):
        book(make_course(patient, two_places), TUESDAY)


def test_a_physiotherapist_is_at_one_place_at_a_time(physiotherapist, main, kitsilano):
    works(physiotherapist, 2, main, time(8), time(13))
    overlapping = WorkingHours(physiotherapist=physiotherapist, location=kitsilano, weekday=2,
                               starts_at=time(12), ends_at=time(17))  # fmt: skip
    with pytest.raises(ValidationError, match="one place at a time"):
        overlapping.full_clean()
    WorkingHours(physiotherapist=physiotherapist, location=kitsilano, weekday=2,
                 starts_at=time(13), ends_at=time(17)).full_clean()  # fmt: skip


@pytest.mark.postgresql
def test_the_database_keeps_a_physiotherapist_at_one_place_at_a_time(
    physiotherapist, main, kitsilano
):
    works(physiotherapist, 2, main, time(8), time(13))
    refused = pytest.raises(IntegrityError, match="working_hours_one_place_at_a_time")
    with refused, transaction.atomic():
        works(physiotherapist, 2, kitsilano, time(12), time(17))


def test_the_last_open_location_cannot_be_closed(main):
    main.is_open = False
    with pytest.raises(ValidationError, match="at least one open location"):
        main.full_clean()


# The pages with one location, and with several -----------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_with_one_location_the_pages_say_nothing_about_locations(client, front_desk, page):
    client.force_login(front_desk)
    response = client.get(reverse(page))
    assert response.status_code == 200
    assert LOCATION_FIELD not in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_with_several_locations_each_page_offers_them(
    client, front_desk, physiotherapist, kitsilano, page
):
    client.force_login(front_desk)
    page_text = client.get(reverse(page)).content.decode()
    assert LOCATION_FIELD in page_text and "Kitsilano" in page_text


def test_the_day_sheet_shows_the_chosen_locations_physiotherapists_and_visits(
    client, front_desk, patient, two_places, main, kitsilano
):
    other = make_physiotherapist(first_name="Omar", last_name="Other")
    works(other, 1, main)
    monday = make_visit(make_course(patient, two_places), MONDAY, location=main)
    client.force_login(front_desk)
    at_kits = client.get(reverse("treatments:day-sheet"),
                         {"date": TUESDAY, "location": kitsilano.pk}).content.decode()  # fmt: skip
    assert "Priya Physio" in at_kits and "Omar Other" not in at_kits
    at_main = client.get(reverse("treatments:day-sheet"),
                         {"date": MONDAY, "location": main.pk}).content.decode()  # fmt: skip
    assert "Omar Other" in at_main and monday.get_absolute_url() in at_main


def test_the_chosen_location_is_kept_from_page_to_page(client, front_desk, kitsilano):
    client.force_login(front_desk)
    client.get(reverse("treatments:day-sheet"), {"location": kitsilano.pk})
    response = client.get(reverse("treatments:waitlist"))
    assert response.context["locations"].chosen == kitsilano
    client.get(reverse("treatments:waitlist"), {"location": ""})  # every location again
    assert client.get(reverse("treatments:due-list")).context["locations"].chosen is None


@pytest.mark.parametrize("value", ["999999", "abc", "1 OR 1=1", "<script>", "9" * 400])
def test_a_location_that_is_not_the_clinics_shows_every_location_and_says_so(
    client, front_desk, kitsilano, value
):
    client.force_login(front_desk)
    for page in PAGES:
        response = client.get(reverse(page), {"location": value})
        assert response.status_code == 200
        assert response.context["locations"].chosen is None
        assert "not one of the clinic" in response.content.decode()


def test_a_patient_cannot_open_the_filtered_pages(client, patient, kitsilano):
    for page in PAGES:
        response = client.get(reverse(page), {"location": kitsilano.pk})
        assert response.status_code == 302  # to the staff sign-in


# The worklists and the reports -----------------------------------------------------------


def test_the_due_list_keeps_to_the_location_of_the_last_visit(patient, two_places, kitsilano):
    course = make_course(patient, two_places)
    make_visit(course, TODAY - timedelta(days=8), status=Visit.Status.ATTENDED, location=kitsilano)
    assert [row.patient for row in worklist.due_for_booking(TODAY, location_id=kitsilano.pk)] == [
        patient
    ]
    assert worklist.due_for_booking(TODAY, location_id=Location.objects.first().pk) == []


def test_the_waitlist_keeps_to_the_location_wished_for_or_any(main, kitsilano):
    anywhere = worklist.add_to_waitlist(patient=make_patient())
    at_kits = worklist.add_to_waitlist(patient=make_patient(), location=kitsilano)
    at_main = worklist.add_to_waitlist(patient=make_patient(), location=main)
    shown = set(worklist.waiting_list(location_id=kitsilano.pk))
    assert shown == {anywhere, at_kits}
    assert set(worklist.waiting_list()) == {anywhere, at_kits, at_main}


def test_the_front_desk_adds_a_patient_to_the_waitlist_for_a_location(
    client, front_desk, patient, kitsilano
):
    client.force_login(front_desk)
    url = reverse("treatments:waitlist-add")
    refused = client.post(url, {"patient": patient.pk, "location": "999999"})
    assert "Choose one of the clinic" in refused.content.decode()
    assert not WaitlistEntry.objects.exists()
    client.post(url, {"patient": patient.pk, "location": kitsilano.pk})
    assert WaitlistEntry.objects.get().location == kitsilano


def test_the_reports_count_the_chosen_locations_visits(patient, two_places, main, kitsilano):
    course = make_course(patient, two_places)
    make_visit(course, MONDAY, location=main)
    make_visit(course, TUESDAY + timedelta(days=7), location=kitsilano)
    period = Period(MONDAY, MONDAY + timedelta(days=30))
    assert visits_report(Period(**vars(period) | {"location_id": kitsilano.pk})).rows != (
        visits_report(period).rows
    )
    total = sum(int(row[-1]) for row in visits_report(period).rows if str(row[-1]).isdigit())
    at_kits = visits_report(Period(**vars(period) | {"location_id": kitsilano.pk}))
    assert sum(int(row[-1]) for row in at_kits.rows if str(row[-1]).isdigit()) < total


# What the patient is told ------------------------------------------------------------------


def test_the_reminder_gives_the_locations_address_and_phone(patient, two_places, kitsilano):
    visit = make_visit(make_course(patient, two_places), TODAY + timedelta(days=1),
                       time(13), location=kitsilano)  # fmt: skip
    call_command("send_reminders", stdout=open("/dev/null", "w"))  # noqa: SIM115
    [message] = mail.outbox
    assert "at Kitsilano\n  2100 West 4th Avenue\n  Vancouver BC" in message.body
    assert "604-555-0142" in message.body
    assert visit.patient.email in message.to


def test_the_calendar_file_gives_the_locations_address(client, physiotherapist, kitsilano):
    visit = make_visit(make_course(make_patient(), physiotherapist), TODAY + timedelta(days=7),
                       time(10), location=kitsilano)  # fmt: skip
    client.force_login(physiotherapist)
    response = client.get(reverse("treatments:visit-ics", args=[visit.pk]))
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["LOCATION"]) == "Kitsilano, 2100 West 4th Avenue, Vancouver BC"


# The admin ---------------------------------------------------------------------------------


def test_the_clinic_admin_adds_a_location_and_never_deletes_one(client, clinic_admin, main):
    client.force_login(clinic_admin)
    response = client.post(
        reverse("admin:treatments_location_add"),
        {"name": "Burnaby", "address": "1 Kingsway", "phone": "", "is_open": "on",
         "opening_hours-TOTAL_FORMS": "1", "opening_hours-INITIAL_FORMS": "0",
         "opening_hours-0-weekday": "0", "opening_hours-0-opens_at": "09:00",
         "opening_hours-0-closes_at": "17:00"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Location.objects.get(name="Burnaby").opening_hours.get().opens_at == time(9)
    deleting = client.get(reverse("admin:treatments_location_delete", args=[main.pk]))
    assert deleting.status_code == 403


def test_the_admin_refuses_closing_the_last_open_location(client, clinic_admin, main):
    client.force_login(clinic_admin)
    response = client.post(
        reverse("admin:treatments_location_change", args=[main.pk]),
        {"name": main.name, "address": "x", "phone": "",
         "opening_hours-TOTAL_FORMS": "0", "opening_hours-INITIAL_FORMS": "0"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "at least one open location" in response.content.decode()
    main.refresh_from_db()
    assert main.is_open


def test_the_visit_page_names_the_location_only_when_there_are_several(
    client, front_desk, patient, physiotherapist, main
):
    visit = make_visit(make_course(patient, physiotherapist), MONDAY)
    client.force_login(front_desk)
    assert "Location" not in client.get(visit.get_absolute_url()).content.decode()
    Location.objects.create(name="Kitsilano", address="2100 West 4th Avenue")
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Location" in page and main.name in page


def test_a_calendar_link_shows_its_physiotherapist_whatever_the_location_chosen(
    client, front_desk, two_places, kitsilano
):
    elsewhere = make_physiotherapist(first_name="Omar", last_name="Other")
    works(elsewhere, 0, Location.objects.exclude(pk=kitsilano.pk).get())
    client.force_login(front_desk)
    client.get(reverse("treatments:day-sheet"), {"location": kitsilano.pk})
    response = client.get(reverse("treatments:calendar"), {"physiotherapist": elsewhere.pk})
    assert response.status_code == 200
    assert response.context["physiotherapist"] == elsewhere
    listed = client.get(reverse("treatments:calendar")).context["physiotherapists"]
    assert listed == [two_places]
