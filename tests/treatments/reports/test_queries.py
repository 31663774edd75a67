"""The reports' numbers, counted by the database, and a fixed number of queries."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from tests.factories import (
    INITIAL_ASSESSMENT,
    TODAY,
    make_course,
    make_patient,
    make_physiotherapist,
    make_visit,
)
from treatments.models import DayOff, TreatmentCourse, Visit, WaitlistEntry, WorkingHours
from treatments.reports.queries import (
    MONTH,
    REPORTS,
    WEEK,
    Period,
    attendance_report,
    patients_report,
    utilisation_report,
    visits_report,
    waitlist_report,
)

# Visits without needling: the weekly rule (held by PostgreSQL too) is not what is counted here.
FOLLOW_UP = "Follow-up without needling"


def visit(course, day, at=None, *, kind=FOLLOW_UP, **fields):
    return make_visit(course, day, at, kind=kind, **fields)


pytestmark = pytest.mark.django_db
# Monday 2 to Sunday 8 March 2026: the week before the clock's day.
MONDAY = date(2026, 3, 2)
LAST_WEEK = Period(MONDAY, MONDAY + timedelta(days=6), WEEK)


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def rows_for(report, first: str) -> list[list]:
    return [row for row in report.rows if row[0] == first]


def test_a_month_and_a_week_cover_every_week_or_month_the_period_touches():
    period = Period(date(2026, 1, 30), date(2026, 3, 2), MONTH)
    assert period.starts() == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)]
    assert period.labels() == ["Jan 2026", "Feb 2026", "Mar 2026"]
    weeks = Period(date(2026, 3, 4), date(2026, 3, 10), WEEK)
    assert weeks.starts() == [date(2026, 3, 2), date(2026, 3, 9)]
    assert weeks.label(date(2026, 3, 2)) == "Week of 2 Mar 2026"


def test_the_weekdays_of_a_week_are_only_those_inside_the_period():
    period = Period(date(2026, 3, 4), date(2026, 3, 10), WEEK)
    assert period.weekday_counts(date(2026, 3, 2)) == {0: 0, 1: 0, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1}
    assert period.weekday_counts(date(2026, 3, 9)) == {0: 1, 1: 1, 2: 0, 3: 0, 4: 0, 5: 0, 6: 0}


def test_visits_are_counted_per_physiotherapist_week_and_visit_type():
    lee = make_physiotherapist(first_name="Lee", last_name="Chan")
    course = make_course(physiotherapist=lee)
    visit(course, MONDAY, status=Visit.Status.ATTENDED)
    visit(course, MONDAY + timedelta(days=1), kind=INITIAL_ASSESSMENT,
               status=Visit.Status.ATTENDED)  # fmt: skip
    visit(course, MONDAY + timedelta(days=2), kind=INITIAL_ASSESSMENT)
    visit(course, MONDAY + timedelta(days=3), status=Visit.Status.NO_SHOW)
    visit(course, MONDAY + timedelta(days=7))  # the next week
    report = visits_report(LAST_WEEK)
    assert report.rows == [
        ["Week of 2 Mar 2026", "Lee Chan", "Follow-up without needling", 1],
        ["Week of 2 Mar 2026", "Lee Chan", "Initial assessment", 2],
    ]
    assert report.charts[0].data()["series"] == [
        {"label": "Lee Chan", "values": [3], "dashed": False}
    ]


def test_attendance_counts_late_cancellations_apart_from_earlier_ones():
    lee = make_physiotherapist(first_name="Lee", last_name="Chan")
    course = make_course(physiotherapist=lee)
    for offset in range(3):
        visit(course, MONDAY + timedelta(days=offset), status=Visit.Status.ATTENDED)
    visit(course, MONDAY + timedelta(days=3), status=Visit.Status.NO_SHOW)
    day = MONDAY + timedelta(days=4)
    # Cancelled 23 hours ahead: late. 25 hours ahead: not.
    visit(course, day, time(10), status=Visit.Status.CANCELLED, cancelled_at=at(day, 10)
               - timedelta(hours=23))  # fmt: skip
    visit(course, day, time(14), status=Visit.Status.CANCELLED, cancelled_at=at(day, 14)
               - timedelta(hours=25))  # fmt: skip
    late, early = Visit.objects.filter(status=Visit.Status.CANCELLED).order_by("start_time")
    assert late.is_late_cancellation and not early.is_late_cancellation
    (whole,) = rows_for(attendance_report(LAST_WEEK), "Whole period")
    # all, attended, no-shows, late, earlier, booked, then rates over the 5 visits due.
    assert whole == ["Whole period", "Lee Chan", 6, 3, 1, 1, 1, 0, "60%", "20%", "20%"]


def test_new_patients_and_courses_started_and_completed_are_counted_in_their_week():
    patient = make_patient()
    Patient = type(patient)
    Patient.objects.filter(pk=patient.pk).update(created_at=at(MONDAY, 9))
    make_patient()  # made today, the week after
    make_course(patient, started_on=MONDAY)
    make_course(patient, started_on=MONDAY - timedelta(days=30),
                ended_on=MONDAY + timedelta(days=1),
                status=TreatmentCourse.Status.COMPLETED)  # fmt: skip
    report = patients_report(LAST_WEEK)
    assert report.rows == [["Week of 2 Mar 2026", 1, 1, 1]]


def test_visits_booked_from_the_waitlist_are_counted_with_their_share():
    course = make_course()
    booked = visit(course, MONDAY, status=Visit.Status.ATTENDED)
    visit(course, MONDAY + timedelta(days=1), status=Visit.Status.ATTENDED)
    entry = WaitlistEntry.objects.create(patient=course.patient)
    WaitlistEntry.objects.filter(pk=entry.pk).update(
        added_at=at(MONDAY - timedelta(days=3), 9), booked_visit=booked,
        resolved_at=at(MONDAY - timedelta(days=1), 9),
    )  # fmt: skip
    WaitlistEntry.objects.create(patient=make_patient())  # added today, the week after
    month = Period(date(2026, 2, 1), date(2026, 3, 8), MONTH)
    assert waitlist_report(month).rows == [
        ["Feb 2026", 1, 0, 0, ""],
        ["Mar 2026", 0, 1, 1, "50%"],
    ]


def test_utilisation_is_booked_time_over_working_hours_less_days_off():
    lee = make_physiotherapist(first_name="Lee", last_name="Chan")
    # Mondays 9-12 and 13-17 (7 hours), Wednesdays 9-13 (4 hours): 11 hours a week.
    for weekday, start, end in [(0, 9, 12), (0, 13, 17), (2, 9, 13)]:
        WorkingHours.objects.create(
            physiotherapist=lee, weekday=weekday, starts_at=time(start), ends_at=time(end)
        )
    DayOff.objects.create(physiotherapist=lee, date=MONDAY + timedelta(days=7))
    course = make_course(physiotherapist=lee)
    visit(course, MONDAY, time(9), duration_minutes=60, status=Visit.Status.ATTENDED)
    visit(course, MONDAY + timedelta(days=2), time(9), duration_minutes=90)
    visit(course, MONDAY + timedelta(days=2), time(11), status=Visit.Status.CANCELLED)
    two_weeks = Period(MONDAY, MONDAY + timedelta(days=13), WEEK)
    report = utilisation_report(two_weeks)
    # The second week loses its Monday (7 hours) to the day off.
    assert report.rows == [
        ["Whole period", "Lee Chan", "2.5", "15", "16.7%"],
        ["Week of 2 Mar 2026", "Lee Chan", "2.5", "11", "22.7%"],
        ["Week of 9 Mar 2026", "Lee Chan", "0", "4", "0%"],
    ]


def test_a_physiotherapist_without_working_hours_has_no_utilisation_rate():
    course = make_course(physiotherapist=make_physiotherapist(first_name="Lee", last_name="Chan"))
    visit(course, MONDAY)
    (whole,) = rows_for(utilisation_report(LAST_WEEK), "Whole period")
    assert whole == ["Whole period", "Lee Chan", "0.5", "0", ""]


def clinic(physiotherapists: int, visits_each: int) -> None:
    """A clinic of this size over the last week, with hours, days off and a waitlist."""
    for _n in range(physiotherapists):
        physiotherapist = make_physiotherapist()
        WorkingHours.objects.create(physiotherapist=physiotherapist, weekday=0,
                                    starts_at=time(8), ends_at=time(18))  # fmt: skip
        DayOff.objects.create(physiotherapist=physiotherapist, date=MONDAY)
        course = make_course(physiotherapist=physiotherapist)
        WaitlistEntry.objects.create(patient=course.patient)
        for n in range(visits_each):
            visit(course, MONDAY + timedelta(days=n % 7), kind=INITIAL_ASSESSMENT,
                       status=[Visit.Status.ATTENDED, Visit.Status.NO_SHOW][n % 2])  # fmt: skip


QUERIES = {"visits": 1, "attendance": 2, "patients": 3, "waitlist": 2, "utilisation": 4}


@pytest.mark.parametrize("slug", list(REPORTS))
@pytest.mark.parametrize("size", [(1, 1), (4, 9)])
def test_each_report_runs_the_same_queries_whatever_the_clinics_size(
    slug, size, django_assert_num_queries
):
    clinic(*size)
    for by in (WEEK, MONTH):
        with django_assert_num_queries(QUERIES[slug]):
            report = REPORTS[slug](Period(MONDAY - timedelta(days=40), TODAY, by))
        assert report.rows
