"""The only functions that write visits (treatments/booking/services.py), and what the Visit
model and the database refuse by themselves.

The clock stands at Tuesday 10 March 2026, noon; MONDAY is the 16th.
"""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from tests.factories import (
    IMS_TREATMENT,
    INITIAL_ASSESSMENT,
    TODAY,
    chart_visit,
    make_course,
    make_front_desk,
    make_patient,
    make_physiotherapist,
    make_visit,
    visit_type,
)
from tests.treatments.booking.helpers import MONDAY, book
from treatments.booking import rules, services
from treatments.booking.rules import BookingRefused
from treatments.models import Visit, main_location_id

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 19, 0, tzinfo=UTC)  # the clock: noon in Vancouver


def stored(visit: Visit) -> dict:
    """What the database holds of a visit: a refusal must leave all of it as it was."""
    return Visit.objects.filter(pk=visit.pk).values(
        "date", "start_time", "physiotherapist", "visit_type", "duration_minutes", "is_needling",
        "status", "cancellation_reason", "cancelled_at",
    ).get()  # fmt: skip


def last_change_reason(visit: Visit) -> str:
    return visit.history.order_by("-history_id").first().history_change_reason


def book_without_course(patient, physiotherapist, kind=INITIAL_ASSESSMENT, **fields) -> Visit:
    fields = {"day": MONDAY, "start_time": time(10), **fields}
    return services.book_visit(
        patient=patient, physiotherapist=physiotherapist, visit_type=visit_type(kind), **fields
    )


# Booking ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,minutes,needling",
    [
        (INITIAL_ASSESSMENT, 60, False),
        (IMS_TREATMENT, 30, True),
        ("Re-assessment", 45, False),
        ("Follow-up without needling", 30, False),
    ],
)
def test_it_books_a_visit_with_its_types_length_and_needling_flag(course, kind, minutes, needling):
    visit = book(course, MONDAY, time(9), kind=kind)
    visit.refresh_from_db()
    assert (visit.visit_type.name, visit.duration_minutes, visit.is_needling) == (
        kind, minutes, needling
    )  # fmt: skip
    assert visit.ends_at - visit.starts_at == timedelta(minutes=minutes)
    assert visit.status == Visit.Status.BOOKED
    assert last_change_reason(visit) == "Booked"


def test_editing_the_type_later_does_not_change_the_visits_booked(course):
    visit = book(course, MONDAY)
    ims = visit_type(IMS_TREATMENT)
    ims.length_minutes, ims.is_needling = 45, False
    ims.save()
    visit.refresh_from_db()
    assert (visit.duration_minutes, visit.is_needling) == (30, True)
    assert visit.ends_at - visit.starts_at == timedelta(minutes=30)


def test_the_time_of_a_visit_is_kept_in_the_clinics_time_zone(course):
    visit = book(course, MONDAY, time(9, 30))
    visit.refresh_from_db()
    assert visit.starts_at == datetime(2026, 3, 16, 16, 30, tzinfo=UTC)  # 09:30 in Vancouver


def test_it_books_an_assessment_before_any_course(patient, physiotherapist):
    visit = book_without_course(patient, physiotherapist)
    assert (visit.course, visit.is_needling) == (None, False)


def test_an_ims_treatment_is_booked_in_a_course(patient, physiotherapist):
    with pytest.raises(ValidationError) as refused:
        book_without_course(patient, physiotherapist, IMS_TREATMENT)
    assert refused.value.message_dict == {
        "course": [
            "An IMS treatment is part of a course: choose the patient's course, or open one first."
        ]
    }
    assert not Visit.objects.exists()


def test_it_refuses_a_course_of_another_patient(course):
    with pytest.raises(ValidationError, match="This course belongs to another patient"):
        services.book_visit(
            patient=make_patient(), course=course, physiotherapist=course.physiotherapist,
            visit_type=visit_type(), day=MONDAY, start_time=time(10),
        )  # fmt: skip
    assert not Visit.objects.exists()


# Recording a visit that has already taken place --------------------------------------------


def record(course, day, at=time(10), kind=IMS_TREATMENT, **fields) -> Visit:
    return services.record_past_visit(
        patient=course.patient, course=course, physiotherapist=course.physiotherapist,
        visit_type=visit_type(kind), day=day, start_time=at, **fields,
    )  # fmt: skip


@pytest.mark.parametrize("start", [time(12, 15), time(15)])
def test_it_records_no_visit_that_has_not_yet_started(course, start):
    with pytest.raises(ValidationError) as refused:
        record(course, TODAY, start)
    assert refused.value.messages == ["A past visit is recorded only once its time has come."]
    assert not Visit.objects.exists()


def test_it_records_a_visit_that_started_this_very_minute(course):
    assert record(course, TODAY, time(12)).status == Visit.Status.ATTENDED


@pytest.mark.parametrize(
    "status", [Visit.Status.ATTENDED, Visit.Status.NO_SHOW, Visit.Status.BOOKED]
)
def test_it_records_a_past_visit_attended_missed_or_not_marked_yet(course, status):
    visit = record(course, TODAY - timedelta(days=8), status=status)
    visit.refresh_from_db()
    assert (visit.status, visit.cancelled_at, visit.cancellation_reason) == (status, None, "")
    assert last_change_reason(visit) == "Recorded"


def test_it_records_a_past_visit_cancelled_with_its_reason_and_time(course):
    visit = record(
        course, TODAY - timedelta(days=8), status=Visit.Status.CANCELLED,
        cancellation_reason="  Snowed in  ",
    )  # fmt: skip
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
    assert visit.cancellation_reason == "Snowed in"
    assert visit.cancelled_at == visit.starts_at


def test_it_records_no_cancelled_visit_without_a_reason(course):
    with pytest.raises(ValidationError) as refused:
        record(course, TODAY - timedelta(days=8), status=Visit.Status.CANCELLED)
    assert refused.value.message_dict == {
        "cancellation_reason": ["Give the reason the visit was cancelled."]
    }


def test_a_past_visit_keeps_the_weekly_rule(course):
    record(course, TODAY - timedelta(days=8))  # Monday 2 March
    with pytest.raises(ValidationError) as refused:
        record(course, TODAY - timedelta(days=5))
    # Recording the past, the dates offered run from the course's start, not from today.
    assert refused.value.messages == [
        "IMS is given at most once a week. Avery Lopez already has an IMS treatment attended on "
        "Monday 2 March 2026 at 10:00 (3 days apart). The nearest allowed dates are Monday 23 "
        "February 2026 or earlier, and Monday 9 March 2026 or later."
    ]
    record(course, TODAY - timedelta(days=5), kind="Follow-up without needling")
    assert course.visits.count() == 2


def test_a_past_visit_keeps_the_physiotherapist_to_one_visit_at_a_time(course, physiotherapist):
    record(course, TODAY - timedelta(days=8), time(10), kind=INITIAL_ASSESSMENT)
    other = make_course(make_patient(), physiotherapist)
    with pytest.raises(ValidationError, match="from 10:00 to 11:00"):
        record(other, TODAY - timedelta(days=8), time(10, 45))
    assert Visit.objects.count() == 1


def test_a_visit_is_given_only_to_a_physiotherapist(course):
    # The role is checked with the lock on the physiotherapist's row (not again by full_clean).
    with pytest.raises(ValidationError) as refused:
        services.record_past_visit(
            patient=course.patient, course=course, physiotherapist=make_front_desk(),
            visit_type=visit_type(), day=TODAY - timedelta(days=8), start_time=time(10),
        )  # fmt: skip
    assert refused.value.message_dict == {
        "physiotherapist": ["Choose a physiotherapist: only staff with that role see patients."]
    }
    assert not Visit.objects.exists()


def test_a_past_visit_may_be_outside_todays_hours(course):
    # Hours change; what happened is recorded as it happened.
    saturday = TODAY - timedelta(days=3)
    assert record(course, saturday, time(7)).date == saturday


def test_a_past_visit_is_not_before_the_patients_birth(course):
    with pytest.raises(ValidationError, match="before the patient's date of birth"):
        record(course, course.patient.date_of_birth - timedelta(days=1))


# Which named change is allowed from which status -------------------------------------------

CHANGES = {
    **services.CHANGES,
    Visit.Change.MOVE: lambda visit, reason: services.move_visit(
        visit, day=MONDAY, start_time=time(15)
    ),
}


def test_every_named_change_has_a_service():
    assert set(CHANGES) == set(Visit.Change) == set(Visit.TRANSITIONS)


@pytest.mark.parametrize("change", Visit.Change.values)
@pytest.mark.parametrize("status", Visit.Status.values)
def test_each_change_is_allowed_only_from_its_status(course, status, change):
    was, becomes = Visit.TRANSITIONS[change]
    # A visit that has started, which can be marked; one ahead, which can be restored.
    day, start = (MONDAY, time(10)) if change == Visit.Change.RESTORE else (TODAY, time(9))
    visit = make_visit(course, day, start, status=status)
    before = stored(visit)
    if status != was:
        with pytest.raises(ValidationError) as refused:
            CHANGES[change](visit, "Marked by mistake")
        assert refused.value.messages == [str(rules.error_messages[change])]
        assert stored(visit) == before
        return
    CHANGES[change](visit, "Marked by mistake")
    visit.refresh_from_db()
    assert visit.status == becomes
    assert visit.allowed_changes == [c for c, (s, _) in Visit.TRANSITIONS.items() if s == becomes]


# Moving -------------------------------------------------------------------------------------


def test_moving_a_visit_rechecks_the_weekly_rule_and_a_refusal_changes_nothing(course):
    book(course, MONDAY)
    later = book(course, MONDAY + timedelta(days=14))
    before = stored(later)
    with pytest.raises(BookingRefused, match=r"\(4 days apart\)"):
        services.move_visit(later, day=MONDAY + timedelta(days=4), start_time=time(11))
    assert stored(later) == before
    services.move_visit(later, day=MONDAY + timedelta(days=7), start_time=time(11))
    later.refresh_from_db()
    assert (later.date, later.start_time) == (MONDAY + timedelta(days=7), time(11))
    assert last_change_reason(later) == "Moved"


def test_a_visit_moved_on_its_own_day_does_not_clash_with_itself(course):
    visit = book(course, MONDAY, time(10))
    services.move_visit(visit, day=MONDAY, start_time=time(10, 15))
    visit.refresh_from_db()
    assert visit.ends_at == timezone.make_aware(datetime.combine(MONDAY, time(10, 45)))


def test_a_visit_is_not_moved_into_the_past(course):
    visit = book(course, MONDAY)
    before = stored(visit)
    with pytest.raises(BookingRefused, match="This time has passed"):
        services.move_visit(visit, day=TODAY, start_time=time(9))
    assert stored(visit) == before


def test_moving_can_change_the_physiotherapist(course):
    visit = book(course, MONDAY)
    colleague = make_physiotherapist(first_name="Cole", last_name="League")
    services.move_visit(visit, day=MONDAY, start_time=time(10), physiotherapist=colleague)
    visit.refresh_from_db()
    assert visit.physiotherapist == colleague


def test_moving_to_a_busy_physiotherapist_is_refused_and_changes_nothing(course):
    visit = book(course, MONDAY)
    colleague = make_physiotherapist(first_name="Cole", last_name="League")
    book(make_course(make_patient(), colleague), MONDAY, time(9, 30), kind=INITIAL_ASSESSMENT)
    before = stored(visit)
    with pytest.raises(BookingRefused, match="Cole League already has a visit"):
        services.move_visit(visit, day=MONDAY, start_time=time(10), physiotherapist=colleague)
    assert stored(visit) == before


def test_moving_to_someone_who_is_not_a_physiotherapist_is_refused(course, front_desk):
    visit = book(course, MONDAY)
    before = stored(visit)
    with pytest.raises(ValidationError, match="Choose a physiotherapist"):
        services.move_visit(visit, day=MONDAY, start_time=time(10), physiotherapist=front_desk)
    assert stored(visit) == before


def test_moving_can_change_the_type_with_its_length_and_needling_flag(course):
    visit = book(course, MONDAY)
    services.move_visit(
        visit, day=MONDAY, start_time=time(10), visit_type=visit_type(INITIAL_ASSESSMENT)
    )
    visit.refresh_from_db()
    assert (visit.visit_type.name, visit.duration_minutes, visit.is_needling) == (
        INITIAL_ASSESSMENT, 60, False
    )  # fmt: skip
    book(course, MONDAY + timedelta(days=3))  # no longer too close to it


def test_moving_to_a_needling_type_rechecks_the_weekly_rule(course):
    visit = book(course, MONDAY, kind=INITIAL_ASSESSMENT)
    book(course, MONDAY + timedelta(days=3))
    before = stored(visit)
    with pytest.raises(BookingRefused, match="at most once a week"):
        services.move_visit(visit, day=MONDAY, start_time=time(10), visit_type=visit_type())
    assert stored(visit) == before


def test_moving_a_visit_without_a_course_to_a_needling_type_is_refused(patient, physiotherapist):
    visit = book_without_course(patient, physiotherapist)
    before = stored(visit)
    with pytest.raises(ValidationError, match="An IMS treatment is part of a course"):
        services.move_visit(visit, day=MONDAY, start_time=time(10), visit_type=visit_type())
    assert stored(visit) == before


def test_moving_to_a_type_no_longer_offered_is_refused_but_a_retired_type_keeps_its_visits(
    course,
):
    visit = book(course, MONDAY, kind="Re-assessment")
    retired = visit_type("Re-assessment")
    retired.is_active = False
    retired.save()
    services.move_visit(visit, day=MONDAY, start_time=time(11), visit_type=retired)
    other = book(course, MONDAY + timedelta(days=1), kind=INITIAL_ASSESSMENT)
    with pytest.raises(ValidationError, match="Re-assessment is no longer offered"):
        services.move_visit(other, day=MONDAY, start_time=time(14), visit_type=retired)
    assert stored(visit)["start_time"] == time(11)


# Cancelling and restoring ------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["", "   "])
def test_cancelling_needs_a_reason(course, reason):
    visit = book(course, MONDAY)
    before = stored(visit)
    with pytest.raises(ValidationError) as refused:
        services.cancel_visit(visit, reason=reason)
    assert refused.value.message_dict == {
        "cancellation_reason": ["Give the reason the visit was cancelled."]
    }
    assert stored(visit) == before


def test_cancelling_keeps_the_visit_with_its_reason_and_time(course):
    visit = book(course, MONDAY)
    services.cancel_visit(visit, reason="  Patient asked  ")
    visit.refresh_from_db()
    assert (visit.status, visit.cancellation_reason, visit.cancelled_at) == (
        Visit.Status.CANCELLED, "Patient asked", NOW
    )  # fmt: skip
    assert last_change_reason(visit) == "Cancelled"


@pytest.mark.parametrize(
    "day,start,late",
    [
        (TODAY + timedelta(days=1), time(10), True),  # 22 hours ahead
        (TODAY + timedelta(days=1), time(12, 15), False),  # 24 hours and a quarter ahead
        (MONDAY, time(10), False),
    ],
)
def test_a_cancellation_less_than_24_hours_ahead_is_late(course, day, start, late):
    visit = book(course, day, start)
    assert visit.cancelling_now_is_late is late
    services.cancel_visit(visit, reason="Car broke down")
    visit.refresh_from_db()
    assert visit.is_late_cancellation is late


def test_restoring_clears_the_cancellation(course):
    visit = book(course, MONDAY)
    services.cancel_visit(visit, reason="Flu")
    services.restore_visit(visit)
    visit.refresh_from_db()
    assert (visit.status, visit.cancellation_reason, visit.cancelled_at) == ("booked", "", None)
    assert last_change_reason(visit) == "Restored"


def test_restoring_rechecks_the_weekly_rule(course):
    first = book(course, MONDAY)
    services.cancel_visit(first, reason="Car broke down")
    book(course, MONDAY + timedelta(days=3))
    before = stored(first)
    with pytest.raises(BookingRefused, match=r"\(3 days apart\)"):
        services.restore_visit(first)
    assert stored(first) == before


def test_restoring_rechecks_the_physiotherapists_time(course, physiotherapist):
    first = book(course, MONDAY)
    services.cancel_visit(first, reason="Car broke down")
    book(make_course(make_patient(), physiotherapist), MONDAY, time(9, 30), kind="Re-assessment")
    with pytest.raises(BookingRefused, match="from 09:30 to 10:15"):
        services.restore_visit(first)


def test_a_visit_whose_time_has_passed_is_not_restored(course):
    visit = make_visit(course, TODAY, time(9), status=Visit.Status.CANCELLED)
    before = stored(visit)
    with pytest.raises(BookingRefused, match="This time has passed"):
        services.restore_visit(visit)
    assert stored(visit) == before


def test_cancel_upcoming_cancels_each_visit(course):
    visits = [book(course, MONDAY + timedelta(weeks=n)) for n in range(3)]
    services.cancel_upcoming(visits, reason="Course ended")
    assert set(course.visits.values_list("status", "cancellation_reason")) == {
        ("cancelled", "Course ended")
    }


def test_cancel_upcoming_cancels_all_or_none(course):
    visits = [book(course, MONDAY + timedelta(weeks=n)) for n in range(3)]
    services.cancel_visit(visits[2], reason="Away that week")
    with pytest.raises(ValidationError, match="Only a booked visit can be cancelled"):
        services.cancel_upcoming(visits, reason="Course ended")
    assert list(course.visits.values_list("status", flat=True)) == [
        "booked", "booked", "cancelled"
    ]  # fmt: skip


def test_cancel_upcoming_needs_a_reason(course):
    visits = [book(course, MONDAY + timedelta(weeks=n)) for n in range(2)]
    with pytest.raises(ValidationError, match="Give the reason"):
        services.cancel_upcoming(visits, reason=" ")
    assert not course.visits.filter(status="cancelled").exists()


# Attended and no-show, and undoing them -----------------------------------------------------

NOT_STARTED = {"status": ["A visit is marked attended or missed only once it has started."]}


@pytest.mark.parametrize("mark", [services.mark_attended, services.mark_no_show])
@pytest.mark.parametrize("start", [time(12, 15), time(17)])
def test_a_visit_is_not_marked_before_its_start_time(course, mark, start):
    """Fault 4: marking attended was accepted before the visit's start time."""
    visit = make_visit(course, TODAY, start)
    before = stored(visit)
    with pytest.raises(ValidationError) as refused:
        mark(visit)
    assert refused.value.message_dict == NOT_STARTED
    assert stored(visit) == before


@pytest.mark.parametrize("mark", [services.mark_attended, services.mark_no_show])
@pytest.mark.parametrize("start", [time(12), time(9)])
def test_a_visit_is_marked_from_its_start_time_on(course, mark, start):
    visit = mark(make_visit(course, TODAY, start))
    visit.refresh_from_db()
    assert visit.status in (Visit.Status.ATTENDED, Visit.Status.NO_SHOW)


def test_marking_attended_records_who_saw_the_patient(course, front_desk):
    visit = make_visit(course, TODAY, time(9))
    with pytest.raises(ValidationError, match="Choose a physiotherapist"):
        services.mark_attended(visit, physiotherapist=front_desk)
    visit.refresh_from_db()
    assert (visit.status, visit.physiotherapist) == ("booked", course.physiotherapist)
    colleague = make_physiotherapist()
    services.mark_attended(visit, physiotherapist=colleague)
    visit.refresh_from_db()
    assert (visit.status, visit.physiotherapist) == ("attended", colleague)
    assert last_change_reason(visit) == "Marked attended"


def test_a_no_show_frees_the_week_for_another_ims_treatment(course):
    services.mark_no_show(make_visit(course, TODAY, time(9)))
    book(course, TODAY + timedelta(days=2))
    assert course.visits.counting().count() == 1


def test_undoing_attended_keeps_the_reason_in_the_history(course):
    visit = services.mark_attended(make_visit(course, TODAY, time(9)))
    services.undo_attended(visit, reason="  Wrong patient marked  ")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BOOKED
    assert last_change_reason(visit) == "Attended undone: Wrong patient marked"


@pytest.mark.parametrize("undo", [services.undo_attended, services.undo_no_show])
def test_undoing_needs_a_reason(course, undo):
    status = "attended" if undo is services.undo_attended else "no_show"
    visit = make_visit(course, TODAY, time(9), status=status)
    before = stored(visit)
    with pytest.raises(ValidationError) as refused:
        undo(visit, reason="  ")
    assert refused.value.message_dict == {
        "reason": ["Say why: the reason is kept in the visit's history."]
    }
    assert stored(visit) == before


def test_a_charted_visit_stays_attended(course):
    visit = make_visit(course, TODAY, time(9), status=Visit.Status.ATTENDED)
    chart_visit(visit, course.physiotherapist)
    with pytest.raises(ValidationError) as refused:
        services.undo_attended(visit, reason="Marked by mistake")
    assert refused.value.messages == [
        "This visit is charted, so it stays attended. Amend the chart if it is wrong."
    ]
    assert stored(visit)["status"] == Visit.Status.ATTENDED


def test_undoing_a_no_show_keeps_the_reason_in_the_history(course):
    visit = services.mark_no_show(make_visit(course, TODAY, time(9)))
    services.undo_no_show(visit, reason="They came late")
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BOOKED
    assert last_change_reason(visit) == "No-show undone: They came late"


def test_undoing_a_no_show_rechecks_the_weekly_rule(course):
    visit = services.mark_no_show(make_visit(course, TODAY, time(9)))
    book(course, TODAY + timedelta(days=2))
    before = stored(visit)
    with pytest.raises(ValidationError) as refused:
        services.undo_no_show(visit, reason="They came late")
    assert (
        "already has an IMS treatment booked on Thursday 12 March 2026" in refused.value.messages[0]
    )
    assert stored(visit) == before


def test_undoing_a_no_show_rechecks_the_physiotherapists_time(course, physiotherapist):
    visit = services.mark_no_show(make_visit(course, TODAY, time(9)))
    make_visit(make_course(make_patient(), physiotherapist), TODAY, time(9, 15),
               kind=INITIAL_ASSESSMENT, status="attended")  # fmt: skip
    with pytest.raises(ValidationError, match="from 09:15 to 10:15"):
        services.undo_no_show(visit, reason="They came late")


# What the model and the database refuse by themselves -------------------------------------


def test_the_model_refuses_a_visit_cancelled_without_a_cancellation_time(course):
    visit = make_visit(course, MONDAY)
    visit.status, visit.cancellation_reason = Visit.Status.CANCELLED, "Flu"
    with pytest.raises(ValidationError) as refused:
        visit.full_clean()
    assert refused.value.message_dict == {
        "status": ["A visit is cancelled by cancelling it, which records the time."]
    }


def test_the_model_refuses_a_cancelled_visit_without_a_reason(course):
    visit = make_visit(course, MONDAY)
    visit.status, visit.cancelled_at = Visit.Status.CANCELLED, NOW
    with pytest.raises(ValidationError) as refused:
        visit.full_clean()
    assert refused.value.message_dict == {
        "cancellation_reason": ["Give the reason the visit was cancelled."]
    }


@pytest.mark.parametrize("status", [Visit.Status.ATTENDED, Visit.Status.NO_SHOW])
def test_the_model_refuses_a_visit_attended_or_missed_in_the_future(course, status):
    visit = make_visit(course, MONDAY)
    visit.status = status
    with pytest.raises(ValidationError) as refused:
        visit.full_clean()
    assert refused.value.message_dict == NOT_STARTED


def test_the_model_refuses_an_ims_treatment_without_a_course(patient, physiotherapist):
    visit = Visit(
        patient=patient, physiotherapist=physiotherapist, visit_type=visit_type(),
        is_needling=True, date=MONDAY, start_time=time(10),
    )  # fmt: skip
    with pytest.raises(ValidationError, match="An IMS treatment is part of a course"):
        visit.full_clean()


def visit_row(of, **fields) -> dict:
    """An IMS treatment in the course `of`, as a row written without the services."""
    return {
        "patient": of.patient, "course": of, "physiotherapist": of.physiotherapist,
        "visit_type": visit_type(), "is_needling": True, "date": MONDAY, "start_time": time(10),
        "location_id": main_location_id(), **fields,
    }  # fmt: skip


@pytest.mark.parametrize(
    "fields",
    [
        {"status": "cancelled"},
        {"status": "cancelled", "cancellation_reason": "Flu"},
        {"status": "cancelled", "cancelled_at": NOW},
        {"status": "booked", "cancellation_reason": "Flu", "cancelled_at": NOW},
    ],
    ids=["no reason or time", "no time", "no reason", "not cancelled"],
)
def test_the_database_refuses_a_cancellation_without_its_reason_and_time(course, fields):
    refused = pytest.raises(IntegrityError, match="visit_cancelled_with_reason_and_time")
    with refused, transaction.atomic():
        Visit.objects.create(**visit_row(course, **fields))
    assert not Visit.objects.exists()


@pytest.mark.parametrize("minutes", [0, 4, 241])
def test_a_visit_lasts_from_5_to_240_minutes(course, minutes):
    visit = make_visit(course, MONDAY)
    visit.duration_minutes = minutes
    with pytest.raises(ValidationError) as refused:
        visit.full_clean()
    assert "A visit lasts from 5 to 240 minutes." in refused.value.message_dict["duration_minutes"]
    refused = pytest.raises(IntegrityError, match="visit_duration_5_to_240_minutes")
    with refused, transaction.atomic():
        Visit.objects.create(**visit_row(course, duration_minutes=minutes, date=TODAY))


def test_the_database_refuses_an_ims_treatment_without_a_course(course):
    refused = pytest.raises(IntegrityError, match="visit_needling_in_a_course")
    with refused, transaction.atomic():
        Visit.objects.create(**visit_row(course, course=None))
    Visit.objects.create(**visit_row(course, course=None, is_needling=False))
    assert Visit.objects.count() == 1


def test_an_integrity_error_that_is_not_a_race_is_not_passed_off_as_one(course, monkeypatch):
    monkeypatch.setattr(Visit, "clean", lambda visit: None)  # as if the model's check were lost
    with pytest.raises(IntegrityError, match="visit_cancelled_with_reason_and_time"):
        record(course, TODAY - timedelta(days=8), status=Visit.Status.CANCELLED)
    assert not Visit.objects.exists()


@pytest.mark.postgresql
def test_a_lost_race_for_the_patients_week_is_a_clear_error(course, monkeypatch):
    book(course, MONDAY)
    # As if a second booking had been checked before the first was saved.
    monkeypatch.setattr(rules, "check_once_a_week", lambda visit, earliest=None: None)
    with pytest.raises(ValidationError) as refused:
        book(course, MONDAY + timedelta(days=2))
    assert refused.value.messages == [
        "Another visit for this patient was saved at the same moment. Try again."
    ]
    assert course.visits.count() == 1


@pytest.mark.postgresql
def test_a_lost_race_for_the_physiotherapists_time_is_a_clear_error(course, monkeypatch):
    book(course, MONDAY)
    monkeypatch.setattr(rules, "check_no_double_booking", lambda visit: None)
    with pytest.raises(ValidationError) as refused:
        book(make_course(make_patient(), course.physiotherapist), MONDAY, time(10, 15))
    assert refused.value.messages == [
        "Another visit for this physiotherapist was saved at the same moment. Try again."
    ]
    assert Visit.objects.count() == 1


def test_a_change_is_checked_against_the_status_stored_at_the_moment_of_saving(course):
    visit = make_visit(course, TODAY, time(9))
    loaded_earlier = Visit.objects.get(pk=visit.pk)
    services.mark_attended(visit)
    chart_visit(visit, course.physiotherapist)
    with pytest.raises(ValidationError, match="Only a booked visit can be cancelled"):
        services.cancel_visit(loaded_earlier, reason="Cancelled on a page opened before")
    assert stored(visit)["status"] == Visit.Status.ATTENDED


# Checking in ----------------------------------------------------------------------------


def test_checking_in_keeps_the_time_and_the_visit_booked(course):
    visit = make_visit(course, TODAY, time(14))
    services.check_in(visit)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BOOKED
    assert visit.checked_in_at == timezone.now()
    assert visit.history.first().history_change_reason == "Checked in"


def test_a_visit_checked_in_is_not_cancelled_or_marked_a_no_show(course):
    visit = services.check_in(make_visit(course, TODAY, time(11)))
    for change in (
        lambda: services.mark_no_show(visit),
        lambda: services.cancel_visit(visit, reason="Left"),
    ):
        with pytest.raises(ValidationError, match="The patient has checked in for this visit"):
            change()
        visit.refresh_from_db()
        assert visit.status == Visit.Status.BOOKED


def test_the_database_holds_a_checked_in_visit_to_booked_or_attended(course):
    visit = services.check_in(make_visit(course, TODAY, time(11)))
    refused = pytest.raises(IntegrityError, match="visit_checked_in_only_if_booked_or_attended")
    with refused, transaction.atomic():
        Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.NO_SHOW)
    services.mark_attended(visit)  # attended, it stays checked in
    visit.refresh_from_db()
    assert visit.checked_in_at is not None
