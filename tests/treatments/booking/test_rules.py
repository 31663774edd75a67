"""The booking rules (treatments/booking/rules.py), tried through the service that books.

The clock stands at Tuesday 10 March 2026, noon; MONDAY is the 16th.
"""

from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from patients.roles import PHYSIOTHERAPIST
from tests.factories import (
    IMS_TREATMENT,
    INITIAL_ASSESSMENT,
    TODAY,
    make_course,
    make_patient,
    make_physiotherapist,
    make_user,
    make_visit,
    visit_type,
)
from tests.treatments.booking.helpers import MONDAY, book
from treatments.booking import rules, services
from treatments.booking.rules import BookingRefused, allowed_alternatives, booking_warnings
from treatments.models import (
    NEEDLING_DAYS_APART,
    ClinicHours,
    DayOff,
    Visit,
    WorkingHours,
    too_close_for_needling,
)

pytestmark = pytest.mark.django_db
WITHOUT_NEEDLING = ["Initial assessment", "Re-assessment", "Follow-up without needling"]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def another_patients_course(physiotherapist):
    return make_course(make_patient(), physiotherapist)


# Once a week, for needling visits only ------------------------------------------------------


def test_it_allows_an_assessment_and_an_ims_treatment_three_days_apart(course):
    book(course, MONDAY, kind=INITIAL_ASSESSMENT)
    book(course, MONDAY + timedelta(days=3))
    assert course.visits.counting().count() == 2


@pytest.mark.parametrize("kind", WITHOUT_NEEDLING)
def test_a_visit_without_needling_may_be_the_day_before_or_after_an_ims_treatment(course, kind):
    book(course, MONDAY + timedelta(days=1))
    book(course, MONDAY, kind=kind)
    book(course, MONDAY + timedelta(days=2), kind=kind)
    assert course.visits.counting().count() == 3


def test_it_refuses_a_second_ims_treatment_six_days_after_the_first(course):
    # The earlier date offered is today: its afternoon can still be booked.
    book(course, MONDAY + timedelta(days=1))
    with pytest.raises(BookingRefused) as refused:
        book(course, MONDAY + timedelta(days=7))
    assert refused.value.messages == [
        "IMS is given at most once a week. Avery Lopez already has an IMS treatment booked on "
        "Tuesday 17 March 2026 at 10:00 (6 days apart). The nearest allowed dates are Tuesday "
        "10 March 2026 or earlier, and Tuesday 24 March 2026 or later."
    ]
    assert course.visits.count() == 1


def test_it_refuses_an_ims_treatment_six_days_before_the_next(course):
    book(course, MONDAY + timedelta(days=7))
    with pytest.raises(BookingRefused, match=r"\(6 days apart\)"):
        book(course, MONDAY + timedelta(days=1))


def test_it_allows_ims_treatments_seven_days_apart(course):
    book(course, MONDAY)
    book(course, MONDAY + timedelta(days=NEEDLING_DAYS_APART))
    book(course, MONDAY + timedelta(days=2 * NEEDLING_DAYS_APART + 1), time(17))
    assert course.visits.counting().needling().count() == 3


def test_it_refuses_two_ims_treatments_on_one_day(course):
    book(course, MONDAY, time(9))
    with pytest.raises(BookingRefused, match=r"at 09:00 \(the same day\)"):
        book(course, MONDAY, time(16))


def test_it_counts_the_ims_treatments_of_every_course_of_the_patient(course):
    neck = make_course(course.patient, make_physiotherapist(), region="Left neck")
    book(course, MONDAY)
    with pytest.raises(BookingRefused, match=r"at most once a week.*\(2 days apart\)"):
        book(neck, MONDAY + timedelta(days=2))
    book(neck, MONDAY + timedelta(days=7))


def test_the_rule_is_per_patient(course, physiotherapist):
    book(course, MONDAY)
    book(another_patients_course(physiotherapist), MONDAY + timedelta(days=1))
    assert Visit.objects.needling().count() == 2


def test_an_attended_ims_treatment_counts(course):
    make_visit(course, TODAY - timedelta(days=1), status=Visit.Status.ATTENDED)
    with pytest.raises(BookingRefused, match=r"already has an IMS treatment attended on Monday"):
        book(course, TODAY + timedelta(days=2))


def test_cancelled_and_no_show_ims_treatments_do_not_count(course):
    make_visit(course, TODAY - timedelta(days=1), status=Visit.Status.NO_SHOW)
    make_visit(course, MONDAY, status=Visit.Status.CANCELLED)
    book(course, TODAY + timedelta(days=1))
    book(course, MONDAY + timedelta(days=2))
    assert course.visits.counting().count() == 2


# The dates a weekly-rule refusal offers ----------------------------------------------------


def test_a_refusal_offers_no_date_in_the_past(course):
    """Fault 1: the refusal offered "Monday 2 November 2026 or earlier", long gone."""
    book(course, TODAY + timedelta(days=2))  # Thursday 12 March
    with pytest.raises(BookingRefused) as refused:
        book(course, MONDAY)
    message = refused.value.messages[0]
    assert message.endswith("The next allowed date is Thursday 19 March 2026 or later.")
    assert "or earlier" not in message


def test_a_refusal_offers_no_date_before_the_course_began(patient, physiotherapist):
    course = make_course(patient, physiotherapist, started_on=date(2026, 4, 1))
    book(course, date(2026, 4, 2))
    with pytest.raises(BookingRefused) as refused:
        book(course, date(2026, 4, 7))
    message = refused.value.messages[0]
    assert message.endswith("The next allowed date is Thursday 9 April 2026 or later.")
    assert "March" not in message


def test_the_nearest_dates_skip_over_a_run_of_weekly_treatments():
    taken = [MONDAY + timedelta(weeks=k) for k in range(4)]
    earliest = MONDAY - timedelta(weeks=2)
    before, after = rules.nearest_allowed_dates(taken, MONDAY + timedelta(days=10), earliest)
    assert (before, after) == (MONDAY - timedelta(days=7), MONDAY + timedelta(weeks=4))


def test_the_nearest_dates_give_no_earlier_date_before_the_earliest_bookable_day():
    taken = [MONDAY + timedelta(weeks=k) for k in range(4)]
    before, after = rules.nearest_allowed_dates(taken, MONDAY + timedelta(days=10), MONDAY)
    assert (before, after) == (None, MONDAY + timedelta(weeks=4))


# No double booking, whatever the type ------------------------------------------------------


def test_a_60_minute_assessment_and_a_30_minute_treatment_that_overlap_are_refused(
    course, physiotherapist
):
    book(course, MONDAY, time(10), kind=INITIAL_ASSESSMENT)
    with pytest.raises(BookingRefused) as refused:
        book(another_patients_course(physiotherapist), MONDAY, time(10, 30))
    assert refused.value.messages == [
        "Priya Physio already has a visit on Monday 16 March 2026 from 10:00 to 11:00."
    ]
    assert refused.value.alternatives == [
        at(MONDAY, 11), at(MONDAY, 11, 15), at(MONDAY, 9, 30)
    ]  # fmt: skip
    assert Visit.objects.count() == 1


def test_an_assessment_that_runs_into_a_later_treatment_is_refused(course, physiotherapist):
    book(course, MONDAY, time(10))
    with pytest.raises(BookingRefused, match="from 10:00 to 10:30"):
        book(another_patients_course(physiotherapist), MONDAY, time(9, 30), kind=INITIAL_ASSESSMENT)


def test_back_to_back_visits_of_any_length_are_fine(course, physiotherapist):
    book(course, MONDAY, time(9), kind=INITIAL_ASSESSMENT)
    book(another_patients_course(physiotherapist), MONDAY, time(10))
    book(another_patients_course(physiotherapist), MONDAY, time(10, 30), kind="Re-assessment")
    book(another_patients_course(make_physiotherapist()), MONDAY, time(10))
    assert Visit.objects.count() == 4


def test_a_visit_without_a_course_holds_the_physiotherapists_time(patient, physiotherapist):
    services.book_visit(
        patient=patient, physiotherapist=physiotherapist, visit_type=visit_type(INITIAL_ASSESSMENT),
        day=MONDAY, start_time=time(10),
    )  # fmt: skip
    with pytest.raises(BookingRefused, match="already has a visit"):
        book(another_patients_course(physiotherapist), MONDAY, time(10, 45))


@pytest.mark.parametrize("status", [Visit.Status.CANCELLED, Visit.Status.NO_SHOW])
def test_a_cancelled_or_missed_visit_frees_its_time(course, physiotherapist, status):
    make_visit(course, TODAY, time(14), kind=INITIAL_ASSESSMENT, status=status)
    book(another_patients_course(physiotherapist), TODAY, time(14, 30))
    assert Visit.objects.counting().count() == 1


# Hours and days off -------------------------------------------------------------------------


OPEN_ON_MONDAY = "The clinic is open 08:00-18:00 on Monday."


@pytest.mark.parametrize(
    "day,start,kind,message",
    [
        (MONDAY, time(7, 30), IMS_TREATMENT, OPEN_ON_MONDAY),
        (MONDAY, time(17, 45), IMS_TREATMENT, OPEN_ON_MONDAY),
        (MONDAY, time(17, 15), INITIAL_ASSESSMENT, OPEN_ON_MONDAY),
        (MONDAY + timedelta(days=5), time(10), IMS_TREATMENT, "The clinic is closed on Saturday."),
    ],
)
def test_a_booking_outside_the_clinics_hours_is_refused(course, day, start, kind, message):
    with pytest.raises(BookingRefused) as refused:
        book(course, day, start, kind=kind)
    assert refused.value.messages == [message]
    assert not Visit.objects.exists()


def test_a_booking_that_ends_at_closing_time_is_fine(course):
    book(course, MONDAY, time(17), kind=INITIAL_ASSESSMENT)
    assert course.visits.get().ends_at == at(MONDAY, 18)


def test_a_booking_outside_the_physiotherapists_hours_is_refused(course, physiotherapist):
    WorkingHours.objects.create(
        physiotherapist=physiotherapist, weekday=0, starts_at=time(9), ends_at=time(12)
    )
    with pytest.raises(BookingRefused, match=r"'Priya Physio works 09:00-12:00 on Monday\.'"):
        book(course, MONDAY, time(11, 15), kind=INITIAL_ASSESSMENT)
    with pytest.raises(BookingRefused, match=r"Priya Physio does not work on Tuesday\."):
        book(course, MONDAY + timedelta(days=1))
    book(course, MONDAY, time(11, 30))
    assert course.visits.count() == 1


def test_a_booking_on_a_day_off_is_refused(course, physiotherapist):
    DayOff.objects.create(physiotherapist=physiotherapist, date=MONDAY, reason="Training")
    with pytest.raises(BookingRefused, match=r"Priya Physio is off on Monday 16 March 2026\."):
        book(course, MONDAY)


def test_the_clinic_admin_can_close_a_weekday(course):
    ClinicHours.objects.filter(weekday=MONDAY.weekday()).delete()
    with pytest.raises(BookingRefused, match=r"The clinic is closed on Monday\."):
        book(course, MONDAY)


# When: ahead, and within two years ------------------------------------------------------


@pytest.mark.parametrize(
    "day,start",
    [(TODAY, time(11)), (TODAY, time(12)), (TODAY - timedelta(days=1), time(15))],
    ids=["earlier today", "this very minute", "yesterday"],
)
def test_the_service_refuses_a_booking_in_the_past(course, day, start):
    with pytest.raises(BookingRefused) as refused:
        book(course, day, start)
    assert refused.value.messages == ["This time has passed: choose a later time."]
    assert all(moment > timezone.now() for moment in refused.value.alternatives)
    assert not Visit.objects.exists()


def test_the_service_books_later_today(course):
    book(course, TODAY, time(12, 15))
    assert course.visits.count() == 1


def test_the_service_refuses_a_booking_more_than_two_years_ahead(course):
    for weekday in (5, 6):  # open every day, so that only the horizon can refuse
        ClinicHours.objects.create(weekday=weekday, opens_at=time(8), closes_at=time(18))
    last_day = TODAY + rules.BOOKING_HORIZON
    book(course, last_day)
    with pytest.raises(BookingRefused) as refused:
        book(course, last_day + timedelta(days=7))
    assert refused.value.messages == ["Book within the next two years."]
    assert course.visits.get().date == last_day


def test_a_refusal_at_the_end_of_the_calendar_offers_nothing_instead_of_failing(course):
    with pytest.raises(BookingRefused, match="two years") as refused:
        book(course, date(9999, 12, 30))
    assert refused.value.alternatives == []


# What a new booking needs of its patient, course and type ----------------------------------


def test_it_refuses_to_book_for_an_archived_patient(course):
    course.patient.archive()
    with pytest.raises(ValidationError, match="This patient's record is archived"):
        book(course, MONDAY)
    assert not Visit.objects.exists()


def test_it_refuses_to_book_in_a_course_that_has_ended(course):
    course.status, course.ended_on, course.end_reason = "discontinued", TODAY, "Moved away"
    course.save()
    with pytest.raises(ValidationError, match="This course has ended"):
        book(course, MONDAY, kind=INITIAL_ASSESSMENT)
    assert not Visit.objects.exists()


def test_it_refuses_a_type_no_longer_offered(course):
    retired = visit_type("Re-assessment")
    retired.is_active = False
    retired.save()
    with pytest.raises(ValidationError) as refused:
        book(course, MONDAY, kind="Re-assessment")
    assert refused.value.messages == [
        "Re-assessment is no longer offered. Choose another visit type."
    ]
    assert not Visit.objects.exists()


# The person who treats ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["front_desk", "clinic_admin", "outsider"])
def test_the_person_who_treats_must_be_a_physiotherapist(course, request, role):
    someone = request.getfixturevalue(role)
    with pytest.raises(ValidationError) as refused:
        book(course, MONDAY, physiotherapist=someone)
    assert refused.value.message_dict == {
        "physiotherapist": ["Choose a physiotherapist: only staff with that role see patients."]
    }
    assert not Visit.objects.exists()


# Warnings about a booking the rules allow -------------------------------------------------


def test_it_warns_of_a_needling_authorization_that_will_have_expired(patient):
    lapsing = make_physiotherapist(
        first_name="Lee", last_name="Lapse", authorized_until=MONDAY - timedelta(days=1)
    )
    visit = book(make_course(patient, lapsing), MONDAY)
    assert booking_warnings(visit) == [
        "Lee Lapse's needling authorization will have expired by Monday 16 March 2026. Renew "
        "it before this IMS treatment, or it cannot be charted."
    ]


def test_it_does_not_warn_while_the_authorization_lasts_to_the_day(patient):
    lapsing = make_physiotherapist(authorized_until=MONDAY)
    assert booking_warnings(book(make_course(patient, lapsing), MONDAY)) == []


def test_it_warns_of_a_physiotherapist_with_no_needling_authorization_on_file(patient):
    unregistered = make_user(PHYSIOTHERAPIST, first_name="Una", last_name="Listed")
    visit = book(make_course(patient, unregistered), MONDAY)
    assert booking_warnings(visit) == [
        "Una Listed's needling authorization will have expired by Monday 16 March 2026. Renew "
        "it before this IMS treatment, or it cannot be charted."
    ]


@pytest.mark.parametrize("kind", WITHOUT_NEEDLING)
def test_it_does_not_warn_of_the_authorization_for_a_visit_without_needling(patient, kind):
    lapsing = make_physiotherapist(authorized_until=TODAY)
    assert booking_warnings(book(make_course(patient, lapsing), MONDAY, kind=kind)) == []


# The times offered instead ----------------------------------------------------------------


def wanted(course, day: date, start: time, kind: str = IMS_TREATMENT) -> Visit:
    """A visit as the booking page would ask for it, not saved."""
    of_type = visit_type(kind)
    return Visit(
        patient=course.patient, course=course, physiotherapist=course.physiotherapist,
        visit_type=of_type, is_needling=of_type.is_needling,
        duration_minutes=of_type.length_minutes, date=day, start_time=start,
    )  # fmt: skip


def test_the_times_offered_keep_every_rule(course, physiotherapist):
    wednesday = MONDAY + timedelta(days=2)
    book(course, wednesday)
    # A week later Priya has Wednesday off, and Thursday from 08:00 to 09:00 is taken.
    DayOff.objects.create(physiotherapist=physiotherapist, date=wednesday + timedelta(days=7))
    thursday = wednesday + timedelta(days=8)
    book(another_patients_course(physiotherapist), thursday, time(8), kind=INITIAL_ASSESSMENT)
    with pytest.raises(BookingRefused, match="at most once a week") as refused:
        book(course, wednesday + timedelta(days=2))
    # Friday's nearest times are too close to Wednesday's IMS treatment, the 11th is too far.
    offered = refused.value.alternatives
    assert offered == [at(thursday, 9), at(thursday, 9, 15), at(thursday, 9, 30)]
    assert not any(too_close_for_needling(moment.date(), wednesday) for moment in offered)


def test_the_times_offered_for_a_visit_without_needling_ignore_the_weekly_rule(
    course, physiotherapist
):
    book(course, MONDAY)
    book(another_patients_course(physiotherapist), MONDAY + timedelta(days=1), time(10))
    assert allowed_alternatives(wanted(course, MONDAY + timedelta(days=1), time(10)), count=1) == [
        at(MONDAY + timedelta(days=7), 8)
    ]
    follow_up = wanted(course, MONDAY + timedelta(days=1), time(10), "Follow-up without needling")
    assert allowed_alternatives(follow_up, count=2) == [
        at(MONDAY + timedelta(days=1), 9, 30), at(MONDAY + timedelta(days=1), 10, 30)
    ]  # fmt: skip


def test_the_times_offered_start_from_now(course):
    assert allowed_alternatives(wanted(course, TODAY, time(11))) == [
        at(TODAY, 12, 15), at(TODAY, 12, 30), at(TODAY, 12, 45)
    ]  # fmt: skip


def test_the_times_offered_start_from_the_course_start(patient, physiotherapist):
    course = make_course(patient, physiotherapist, started_on=MONDAY + timedelta(days=8))
    offered = allowed_alternatives(wanted(course, MONDAY + timedelta(days=7), time(10)))
    first_day = course.started_on
    assert offered == [at(first_day, 8), at(first_day, 8, 15), at(first_day, 8, 30)]


def test_a_visit_in_a_course_is_not_booked_before_the_course_starts(patient, physiotherapist):
    course = make_course(patient, physiotherapist, started_on=MONDAY + timedelta(days=8))
    with pytest.raises(BookingRefused, match="This course starts on Tuesday 24 March 2026") as no:
        book(course, MONDAY + timedelta(days=7), time(10))
    assert no.value.alternatives[0].date() == course.started_on
    assert not course.visits.exists()


def test_a_moved_visits_own_time_counts_as_free(course, physiotherapist):
    visit = book(course, MONDAY, time(10))
    book(another_patients_course(physiotherapist), MONDAY, time(10, 30), kind=INITIAL_ASSESSMENT)
    with pytest.raises(BookingRefused, match="from 10:30 to 11:30") as refused:
        services.move_visit(visit, day=MONDAY, start_time=time(10, 15))
    assert refused.value.alternatives[0] == at(MONDAY, 10)
