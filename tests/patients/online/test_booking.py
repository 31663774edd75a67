"""The online booking service: the clinic's limits, what a patient may book, the weekly rule in
plain words, the free times offered, and moving a visit (patients/online/booking.py)."""

from datetime import date, time, timedelta

import pytest

from patients.online import booking
from patients.online.booking import OnlineBookingError, book_online, move_online
from tests.factories import (
    INITIAL_ASSESSMENT,
    TODAY,
    make_course,
    make_physiotherapist,
    make_visit,
    visit_type,
)
from tests.patients.online.helpers import (
    FOLLOW_UP,
    bookable_online,
    online_patient,
    open_online_booking,
)
from treatments.models import ClinicSettings, Visit, VisitType

pytestmark = pytest.mark.django_db
MONDAY = TODAY + timedelta(days=6)  # 16 March 2026
WEDNESDAY = TODAY + timedelta(days=8)  # 18 March
TUESDAY_AFTER = WEDNESDAY + timedelta(days=6)


@pytest.fixture
def priya(clock):
    return bookable_online(make_physiotherapist(first_name="Priya", last_name="Physio"))


@pytest.fixture
def avery(priya):
    open_online_booking()
    patient = online_patient(email="avery@example.com", legal_first_name="Avery")
    make_course(patient, priya)
    return patient


def book(patient, physiotherapist, day, at=time(10), kind="IMS treatment") -> Visit:
    return book_online(patient=patient, visit_type=visit_type(kind),
                       physiotherapist=physiotherapist, day=day, start_time=at)  # fmt: skip


def refusal(patient, physiotherapist, day, at=time(10), kind="IMS treatment") -> str:
    with pytest.raises(OnlineBookingError) as error:
        book(patient, physiotherapist, day, at, kind)
    return str(error.value)


def test_it_books_an_ims_treatment_into_the_active_course_marked_booked_online(avery, priya):
    visit = book(avery, priya, MONDAY)
    assert visit.booked_online and visit.status == Visit.Status.BOOKED
    assert visit.course == avery.courses.get()
    assert (visit.date, visit.start_time, visit.physiotherapist) == (MONDAY, time(10), priya)
    assert visit.history.latest().history_change_reason == "Booked online"


def test_it_refuses_while_online_booking_is_off(avery, priya):
    ClinicSettings.objects.filter(pk=1).update(online_booking=False)
    assert "Online booking is off" in refusal(avery, priya, MONDAY)
    assert not Visit.objects.exists()


def test_it_refuses_a_third_visit_held_online_but_not_counting_the_desks_or_past_ones(avery, priya):
    course = avery.courses.get()
    make_visit(course, TODAY - timedelta(days=7), booked_online=True, status="attended")
    make_visit(None, TODAY + timedelta(days=2), kind=FOLLOW_UP, patient=avery,
               physiotherapist=priya)  # booked by the front desk  # fmt: skip
    book(avery, priya, MONDAY)
    book(avery, priya, MONDAY + timedelta(days=7))
    message = refusal(avery, priya, MONDAY + timedelta(days=14))
    assert "You already hold 2 visits booked online" in message
    assert Visit.objects.filter(booked_online=True).count() == 3


def test_the_clinic_sets_how_many_visits_may_be_held_online(avery, priya):
    ClinicSettings.objects.filter(pk=1).update(online_booking_most_upcoming=1)
    book(avery, priya, MONDAY)
    assert "You already hold 1 visit booked online" in refusal(avery, priya, MONDAY, time(14))


def test_it_refuses_a_time_inside_the_minimum_notice(avery, priya):
    ClinicSettings.objects.filter(pk=1).update(online_booking_notice_hours=48)
    assert "at least 48 hours ahead" in refusal(avery, priya, TODAY + timedelta(days=2), time(11))
    assert book(avery, priya, TODAY + timedelta(days=2), time(12))  # exactly 48 hours


def test_it_refuses_a_day_beyond_the_weeks_ahead(avery, priya):
    assert "up to 8 weeks ahead" in refusal(avery, priya, TODAY + timedelta(weeks=8, days=1))
    assert book(avery, priya, TODAY + timedelta(weeks=8))


def test_it_refuses_a_type_the_clinic_does_not_offer_online(avery, priya):
    assert "cannot be booked online" in refusal(avery, priya, MONDAY, kind=INITIAL_ASSESSMENT)
    VisitType.objects.filter(name=FOLLOW_UP).update(is_active=False)
    assert "cannot be booked online" in refusal(avery, priya, MONDAY, kind=FOLLOW_UP)


@pytest.mark.parametrize("why", ["not bookable", "left the clinic", "role taken away"])
def test_it_refuses_a_physiotherapist_patients_cannot_book_online(avery, priya, why):
    if why == "not bookable":
        priya.physiotherapist_profile.bookable_online = False
        priya.physiotherapist_profile.save()
    elif why == "left the clinic":
        priya.is_active = False
        priya.save()
    else:
        priya.groups.clear()
    assert "This physiotherapist cannot be booked online" in refusal(avery, priya, MONDAY)


def test_follow_ups_need_an_active_course(priya):
    open_online_booking(new_patients_book_directly=True)
    finished = online_patient()
    course = make_course(finished, priya)
    make_visit(course, TODAY - timedelta(days=20), status="attended")
    course.status, course.ended_on = "completed", TODAY - timedelta(days=10)
    course.save()
    assert not booking.bookable_types(finished, ClinicSettings.load(), None).exists()
    assert "cannot be booked online" in refusal(finished, priya, MONDAY, kind=FOLLOW_UP)


def test_a_new_patient_books_a_first_visit_without_needling_only_when_the_clinic_allows(priya):
    open_online_booking()
    newcomer = online_patient()
    assert "cannot be booked online" in refusal(newcomer, priya, MONDAY, kind=FOLLOW_UP)
    ClinicSettings.objects.filter(pk=1).update(new_patients_book_directly=True)
    offered = booking.bookable_types(newcomer, ClinicSettings.load(), None)
    assert [kind.name for kind in offered] == [FOLLOW_UP]
    assert "cannot be booked online" in refusal(newcomer, priya, MONDAY)  # IMS needs a course
    visit = book(newcomer, priya, MONDAY, kind=FOLLOW_UP)
    assert visit.course is None and visit.booked_online


@pytest.mark.parametrize(
    ("day", "allowed"),
    [(WEDNESDAY - timedelta(days=7), True), (WEDNESDAY - timedelta(days=6), False),
     (WEDNESDAY + timedelta(days=6), False), (WEDNESDAY + timedelta(days=7), True)],
)  # fmt: skip
def test_the_weekly_rule_holds_at_six_and_seven_days(avery, priya, day, allowed):
    make_visit(avery.courses.get(), WEDNESDAY, time(9))
    if allowed:
        assert book(avery, priya, day).date == day
    else:
        message = refusal(avery, priya, day)
        assert "IMS is given at most once a week." in message
        assert "Your next IMS treatment can be on Wednesday 25 March or later." in message
        assert not Visit.objects.filter(booked_online=True).exists()


def test_a_visit_without_needling_is_not_held_by_the_weekly_rule(avery, priya):
    make_visit(avery.courses.get(), WEDNESDAY, time(9))
    assert book(avery, priya, WEDNESDAY, time(14), kind=FOLLOW_UP).date == WEDNESDAY


def test_a_time_taken_meanwhile_is_refused_in_plain_words(avery, priya):
    other = make_course(online_patient(), priya)
    make_visit(other, MONDAY, time(10))  # booked by someone else after the times were shown
    message = refusal(avery, priya, MONDAY, time(10))
    assert message.startswith("This time has just been taken")


def test_an_ims_treatment_booked_meanwhile_is_refused_with_the_date_it_can_be(avery, priya):
    """The race: the page offered Monday, then the desk booked Tuesday for the patient."""
    times = free_times_for(avery, priya)
    assert MONDAY in times
    make_visit(avery.courses.get(), MONDAY + timedelta(days=1), time(9))
    message = refusal(avery, priya, MONDAY)
    assert "Your next IMS treatment can be on Tuesday 24 March or later." in message


def free_times_for(patient, *physiotherapists, kind="IMS treatment", ignoring=None):
    of_type = visit_type(kind)
    return booking.free_times(
        patient=patient, minutes=of_type.length_minutes, needling=of_type.is_needling,
        physiotherapists=list(physiotherapists), clinic=ClinicSettings.load(),
        course=patient.courses.first(), ignoring=ignoring,
    )  # fmt: skip


def test_free_times_keep_the_notice_the_weeks_ahead_and_the_weekly_rule(avery, priya):
    ClinicSettings.objects.filter(pk=1).update(online_booking_notice_hours=24)
    make_visit(avery.courses.get(), WEDNESDAY, time(9))
    times = free_times_for(avery, priya)
    days = list(times)
    assert days[0] == TODAY + timedelta(days=1)
    assert times[days[0]][0].start_time == time(12)  # 24 hours from noon
    assert days[-1] == TODAY + timedelta(weeks=8)
    assert WEDNESDAY - timedelta(days=7) in times and WEDNESDAY - timedelta(days=6) not in times
    assert WEDNESDAY + timedelta(days=6) not in times and WEDNESDAY + timedelta(days=7) in times
    assert all(day.weekday() < 5 for day in days)  # the clinic's hours hold
    follow_ups = free_times_for(avery, priya, kind=FOLLOW_UP)
    assert WEDNESDAY in follow_ups and time(9) not in [f.start_time for f in follow_ups[WEDNESDAY]]


def test_free_times_run_the_same_queries_for_one_physiotherapist_or_several(
    avery, priya, django_assert_num_queries
):
    others = [bookable_online(make_physiotherapist()) for _ in range(3)]
    asked = {"patient": avery, "minutes": 30, "needling": True, "clinic": ClinicSettings.load(),
             "course": avery.courses.get()}  # fmt: skip
    with django_assert_num_queries(5):  # the weekly rule's days, and the availability's four
        booking.free_times(physiotherapists=[priya], **asked)
    with django_assert_num_queries(5):
        times = booking.free_times(physiotherapists=[priya, *others], **asked)
    assert {free.physiotherapist for free in times[MONDAY]} == {priya, *others}


def test_the_weekly_rule_in_plain_words_before_choosing(avery, priya):
    clinic, course = ClinicSettings.load(), avery.courses.get()
    ims = visit_type()
    assert booking.weekly_rule_before_choosing(avery, ims, clinic, course) is None
    make_visit(course, TODAY - timedelta(days=1), status="attended")
    words = booking.weekly_rule_before_choosing(avery, ims, clinic, course)
    assert words == "Your next IMS treatment can be on Monday 16 March or later."
    assert booking.weekly_rule_before_choosing(avery, visit_type(FOLLOW_UP), clinic, course) is None


def test_a_patient_moves_their_visit_to_a_free_time_with_the_same_physiotherapist(avery, priya):
    visit = book(avery, priya, MONDAY)
    moved = move_online(patient=avery, visit=visit, day=WEDNESDAY, start_time=time(15))
    moved.refresh_from_db()
    assert (moved.date, moved.start_time, moved.physiotherapist) == (WEDNESDAY, time(15), priya)
    assert moved.booked_online and moved.history.latest().history_change_reason == "Moved"


def test_a_needling_visit_moves_a_day_without_its_old_time_counting(avery, priya):
    visit = make_visit(avery.courses.get(), MONDAY, time(9))
    move_online(patient=avery, visit=visit, day=MONDAY + timedelta(days=1), start_time=time(9))
    assert Visit.objects.get(pk=visit.pk).date == MONDAY + timedelta(days=1)


def test_moving_keeps_the_weekly_rule_with_the_other_visits(avery, priya):
    course = avery.courses.get()
    make_visit(course, WEDNESDAY, time(9))
    visit = make_visit(course, WEDNESDAY + timedelta(days=7), time(9))
    with pytest.raises(OnlineBookingError, match="can be on Wednesday 25 March or later"):
        move_online(patient=avery, visit=visit, day=TUESDAY_AFTER, start_time=time(9))
    assert Visit.objects.get(pk=visit.pk).date == WEDNESDAY + timedelta(days=7)


def test_moving_is_refused_inside_the_cancellation_notice_and_for_another_patient(avery, priya):
    soon = make_visit(avery.courses.get(), TODAY + timedelta(days=1), time(9))  # 21 hours away
    with pytest.raises(OnlineBookingError, match="less than 24 hours away, so it cannot be moved"):
        move_online(patient=avery, visit=soon, day=MONDAY, start_time=time(9))
    blakes = make_visit(make_course(online_patient(), priya), MONDAY, time(14))
    with pytest.raises(OnlineBookingError, match="not one of your visits"):
        move_online(patient=avery, visit=blakes, day=WEDNESDAY, start_time=time(14))
    assert Visit.objects.get(pk=soon.pk).date == TODAY + timedelta(days=1)


def test_moving_is_refused_while_online_booking_is_off(avery, priya):
    visit = make_visit(avery.courses.get(), MONDAY, time(9))
    ClinicSettings.objects.filter(pk=1).update(online_booking=False)
    with pytest.raises(OnlineBookingError, match="Online booking is off"):
        move_online(patient=avery, visit=visit, day=WEDNESDAY, start_time=time(9))


def test_the_week_is_counted_in_calendar_days(avery, priya):
    assert booking.next_needling_day([date(2026, 3, 18)], from_day=date(2026, 3, 19)) == date(
        2026, 3, 25
    )
