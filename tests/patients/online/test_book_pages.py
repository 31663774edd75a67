"""The pages where a signed-in patient books a visit and moves one: kind, physiotherapist,
day, time, confirm; refusals in plain words; never a 500 on bad input."""

from datetime import time, timedelta

import pytest
from django.urls import reverse

from ims_clinic.models import AuditEntry
from patients.online import booking, throttle
from tests.factories import TODAY, make_course, make_physiotherapist, make_visit, visit_type
from tests.patients.online.helpers import (
    bookable_online,
    online_patient,
    open_online_booking,
    sign_in_by_link,
)
from treatments.models import ClinicSettings, Location, Visit

pytestmark = pytest.mark.django_db
BOOK = reverse("patients:online-book")
VISITS = reverse("patients:online-visits")
MONDAY = TODAY + timedelta(days=6)  # 16 March 2026


@pytest.fixture
def priya(clock):
    return bookable_online(make_physiotherapist(first_name="Priya", last_name="Physio"))


@pytest.fixture
def avery(client, priya):
    open_online_booking()
    patient = online_patient(email="avery@example.com", legal_first_name="Avery")
    make_course(patient, priya)
    sign_in_by_link(client, patient)
    return patient


def choices(**chosen) -> dict:
    ims = {"visit_type": visit_type().pk}
    return {**ims, **{key: str(value) for key, value in chosen.items()}}


def test_a_patient_books_an_ims_treatment_step_by_step(client, avery, priya):
    page = client.get(BOOK).content.decode()
    assert page.count("<h1") == 1 and "What kind of visit?" in page and "IMS treatment" in page
    page = client.get(BOOK, choices()).content.decode()
    assert "With whom?" in page and "Priya Physio" in page and "Anyone" in page
    page = client.get(BOOK, choices(physiotherapist="any")).content.decode()
    assert "Which day?" in page and 'value="2026-03-16">Monday 16 March' in page
    page = client.get(BOOK, choices(physiotherapist="any", day=MONDAY)).content.decode()
    assert "Which time?" in page and f'value="{priya.pk}-10:00"' in page
    assert "10:00 with Priya Physio" in page
    slot = choices(physiotherapist="any", day=MONDAY, slot=f"{priya.pk}-10:00")
    page = client.get(BOOK, slot).content.decode()
    assert "Book this visit" in page and "Monday 16 March 2026" in page and "10:00" in page
    assert not Visit.objects.exists()  # the steps only ask
    response = client.post(BOOK, slot, follow=True)
    page = response.content.decode()
    assert "Your visit on Monday 16 March at 10:00 is booked." in page
    assert "Booked online" in page
    visit = Visit.objects.get()
    assert visit.booked_online and visit.physiotherapist == priya
    entry = AuditEntry.objects.get(detail="Visit booked online by the patient")
    assert (entry.record_id, entry.patient_id, entry.user_id) == (str(visit.pk), avery.pk, None)


def test_the_confirm_page_names_the_location_when_there_are_several(client, avery, priya):
    Location.objects.create(name="Kitsilano")
    slot = choices(physiotherapist=priya.pk, day=MONDAY, slot=f"{priya.pk}-10:00")
    page = client.get(BOOK, slot).content.decode()
    assert Location.objects.order_by("pk").first().name in page and "Where" in page


def test_the_weekly_rule_is_said_before_choosing_and_kept_in_the_days_offered(client, avery):
    make_visit(avery.courses.get(), TODAY - timedelta(days=1), status="attended")
    page = client.get(BOOK, choices(physiotherapist="any")).content.decode()
    assert "Your next IMS treatment can be on Monday 16 March or later." in page
    assert "2026-03-13" not in page and 'value="2026-03-16"' in page


def test_a_second_ims_treatment_in_the_same_week_is_refused_with_the_date_it_can_be(
    client, avery, priya
):
    make_visit(avery.courses.get(), MONDAY, time(9), booked_online=True)
    tuesday = MONDAY + timedelta(days=1)
    slot = choices(physiotherapist="any", day=tuesday, slot=f"{priya.pk}-10:00")
    response = client.post(BOOK, slot)
    assert response.status_code == 400
    message = "IMS is given at most once a week. Your next IMS treatment can be on Monday 23 March"
    assert message in response.content.decode()
    assert Visit.objects.count() == 1


def test_a_refusal_at_save_is_shown_in_plain_words_with_the_date(client, avery, priya, monkeypatch):
    """The race: the times were offered, then the desk booked the patient's IMS treatment for
    the next day before the patient pressed "Book this visit"."""
    offered = booking.free_times
    shown = offered(patient=avery, minutes=30, needling=True, physiotherapists=[priya],
                    clinic=ClinicSettings.load(), course=avery.courses.get())  # fmt: skip
    monkeypatch.setattr(booking, "free_times", lambda **kwargs: shown)
    make_visit(avery.courses.get(), MONDAY + timedelta(days=1), time(9))
    slot = choices(physiotherapist="any", day=MONDAY, slot=f"{priya.pk}-10:00")
    response = client.post(BOOK, slot)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Your next IMS treatment can be on Tuesday 24 March or later." in page
    assert not Visit.objects.filter(booked_online=True).exists()


def test_booking_off_says_to_call(client, avery):
    ClinicSettings.objects.filter(pk=1).update(online_booking=False)
    avery.turn_on_online_access()
    page = client.get(BOOK).content.decode()
    assert "Online booking is off: please call" in page
    response = client.post(BOOK, choices(physiotherapist="any", day=MONDAY, slot="1-10:00"))
    assert response.status_code == 400 and not Visit.objects.exists()


def test_the_limit_of_visits_held_online_is_said_before_choosing(client, avery, priya):
    course = avery.courses.get()
    make_visit(course, MONDAY, time(9), booked_online=True)
    make_visit(course, MONDAY + timedelta(days=7), time(9), booked_online=True)
    page = client.get(BOOK).content.decode()
    assert "You already hold 2 visits booked online" in page
    assert "What kind of visit?" not in page


@pytest.mark.parametrize(
    "params",
    [{"visit_type": "abc"}, {"visit_type": "99999999999999999999999"}, {"visit_type": "-1"},
     {"physiotherapist": "'; DROP TABLE x;--"}, {"physiotherapist": "99999999"},
     {"physiotherapist": "any", "day": "2026-02-30"},
     {"physiotherapist": "any", "day": "x" * 5000},
     {"physiotherapist": "any", "day": "9999-12-31"},
     {"physiotherapist": "any", "day": "0001-01-01"},
     {"physiotherapist": "any", "day": "2026-03-16", "slot": "1-25:00"},
     {"physiotherapist": "any", "day": "2026-03-16", "slot": "999999999999-10:00"},
     {"physiotherapist": "any", "day": "2026-03-16", "slot": "<script>"},
     {"physiotherapist": "any", "day": "2026-03-14"}],  # a Saturday: closed
)  # fmt: skip
def test_bad_hostile_or_huge_choices_are_refused_with_a_message_never_a_500(client, avery, params):
    data = {"visit_type": visit_type().pk, **params}
    assert client.get(BOOK, data).status_code == 400
    assert client.post(BOOK, data).status_code == 400
    assert not Visit.objects.exists()


def test_another_patients_type_the_clinic_does_not_offer_is_refused(client, avery, priya):
    data = choices(physiotherapist="any", day=MONDAY, slot=f"{priya.pk}-10:00")
    data["visit_type"] = visit_type("Initial assessment").pk
    assert client.post(BOOK, data).status_code == 400
    assert not Visit.objects.exists()


def test_bookings_faster_than_a_person_makes_them_are_refused(client, avery, priya, monkeypatch):
    monkeypatch.setattr(throttle, "BOOKINGS_PER_PATIENT", 1)
    data = choices(physiotherapist="any", day=MONDAY, slot=f"{priya.pk}-10:00")
    assert client.post(BOOK, data).status_code == 302
    data = choices(physiotherapist="any", day=MONDAY + timedelta(days=7), slot=f"{priya.pk}-10:00")
    response = client.post(BOOK, data)
    assert response.status_code == 429
    assert "Please wait 10 minutes" in response.content.decode()
    assert Visit.objects.count() == 1


@pytest.mark.parametrize("step", ["types", "days", "times"])
def test_each_step_runs_a_fixed_number_of_queries(
    client, avery, priya, step, django_assert_num_queries
):
    for _ in range(3):
        bookable_online(make_physiotherapist())
    params = {"types": {}, "days": choices(physiotherapist="any"),
              "times": choices(physiotherapist="any", day=MONDAY)}[step]  # fmt: skip
    counts = {"types": 8, "days": 14, "times": 14}
    with django_assert_num_queries(counts[step]):
        assert client.get(BOOK, params).status_code == 200


def move_url(visit) -> str:
    return reverse("patients:online-visit-move", args=[visit.pk])


def test_a_patient_moves_a_visit_from_their_visits_page(client, avery, priya):
    visit = make_visit(avery.courses.get(), MONDAY, time(9))
    page = client.get(VISITS).content.decode()
    assert "Move this visit" in page and "To move a visit, please call" not in page
    page = client.get(move_url(visit)).content.decode()
    assert page.count("<h1") == 1 and "Which day?" in page
    page = client.get(move_url(visit), {"day": "2026-03-17"}).content.decode()
    assert 'value="09:00"' in page
    new_time = {"day": "2026-03-17", "start_time": "11:00"}
    page = client.get(move_url(visit), new_time).content.decode()
    assert "Move this visit to Tuesday 17 March 2026 at 11:00?" in page
    response = client.post(move_url(visit), new_time, follow=True)
    assert "Your visit is moved to Tuesday 17 March at 11:00." in response.content.decode()
    visit.refresh_from_db()
    assert (visit.date, visit.start_time) == (MONDAY + timedelta(days=1), time(11))
    moved = AuditEntry.objects.get(detail__startswith="Visit moved online by the patient")
    assert moved.detail.endswith("from 2026-03-16 09:00")


def test_a_visit_inside_the_notice_cannot_be_moved(client, avery):
    visit = make_visit(avery.courses.get(), TODAY + timedelta(days=1), time(9))
    page = client.get(VISITS).content.decode()
    assert "Move this visit" not in page
    assert "cannot be moved online" in client.get(move_url(visit)).content.decode()
    response = client.post(move_url(visit), {"day": "2026-03-17", "start_time": "11:00"})
    assert response.status_code == 400
    assert Visit.objects.get(pk=visit.pk).date == TODAY + timedelta(days=1)


def test_another_patients_visit_cannot_be_moved(client, avery, priya):
    blakes = make_visit(make_course(online_patient(), priya), MONDAY, time(14))
    assert client.get(move_url(blakes)).status_code == 404
    new_time = {"day": "2026-03-17", "start_time": "11:00"}
    assert client.post(move_url(blakes), new_time).status_code == 404
    assert Visit.objects.get(pk=blakes.pk).date == MONDAY
    assert client.get("/patients/online/visits/99999999999/move/").status_code == 404


@pytest.mark.parametrize(
    "params",
    [{"day": "nope"}, {"day": "2026-03-14"}, {"day": "2026-03-17", "start_time": "25:00"},
     {"day": "2026-03-17", "start_time": "07:00"}, {"day": "9" * 3000},
     {"day": "2026-03-17", "start_time": "x" * 3000}],
)  # fmt: skip
def test_bad_move_choices_are_refused_never_a_500(client, avery, params):
    visit = make_visit(avery.courses.get(), MONDAY, time(9))
    assert client.get(move_url(visit), params).status_code == 400
    assert client.post(move_url(visit), params).status_code == 400
    assert Visit.objects.get(pk=visit.pk).start_time == time(9)


def test_staff_are_refused_the_patient_booking_pages(client, priya):
    client.force_login(priya)
    assert client.get(BOOK)["Location"].split("?")[0] == reverse("patients:online-sign-in")


@pytest.mark.parametrize("visits", [1, 4])
def test_the_visits_and_move_pages_run_a_fixed_number_of_queries(
    client, avery, priya, visits, django_assert_num_queries
):
    course = avery.courses.get()
    for week in range(visits):
        make_visit(course, MONDAY + timedelta(weeks=week), time(9), booked_online=week < 2)
    visit = course.visits.first()
    # as tests/patients/online/test_visits.py, with the course's questionnaires (no answers)
    with django_assert_num_queries(10):
        page = client.get(VISITS).content.decode()
    assert page.count("Move this visit") == visits
    with django_assert_num_queries(10):
        assert client.get(move_url(visit), {"day": "2026-03-16"}).status_code == 200
