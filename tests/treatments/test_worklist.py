"""The list of patients due, or overdue, for their weekly visit."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import TODAY, make_course, make_patient, make_physiotherapist, make_visit
from tests.treatments.helpers import page_text
from treatments.worklist import due_for_booking

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
DUE_LIST = reverse("treatments:due-list")


def days_ago(n: int):
    return TODAY - timedelta(days=n)


def last_seen(days: int, physiotherapist=None, **patient_fields):
    """An active course whose patient attended a visit `days` ago."""
    course = make_course(make_patient(**patient_fields), physiotherapist)
    make_visit(course, days_ago(days), status="attended")
    return course


def due_names() -> list[tuple[str, int]]:
    return [(row.patient.legal_first_name, row.days_since) for row in due_for_booking()]


# Who is due -----------------------------------------------------------------------------


def test_it_lists_patients_seen_seven_days_ago_or_more_longest_waiting_first(physiotherapist):
    for name, days in [("Six", 6), ("Seven", 7), ("Ten", 10), ("Eleven", 11), ("Forty", 40)]:
        last_seen(days, physiotherapist, legal_first_name=name)
    assert due_names() == [("Forty", 40), ("Eleven", 11), ("Ten", 10), ("Seven", 7)]
    assert [row.is_overdue for row in due_for_booking()] == [True, True, False, False]


def test_it_leaves_out_patients_with_a_visit_booked_from_today_on(physiotherapist):
    booked_ahead = last_seen(14, physiotherapist, legal_first_name="Ahead")
    make_visit(booked_ahead, TODAY + timedelta(days=2))
    booked_today = last_seen(14, physiotherapist, legal_first_name="Today")
    make_visit(booked_today, TODAY)  # at 10:00, before the clock's noon: still booked
    last_seen(14, physiotherapist, legal_first_name="Due")
    assert due_names() == [("Due", 14)]


def test_it_counts_visits_that_were_cancelled_missed_or_left_unmarked_as_no_booking(
    physiotherapist,
):
    cancelled = last_seen(14, physiotherapist, legal_first_name="Cancelled")
    make_visit(cancelled, TODAY + timedelta(days=1), status="cancelled", cancellation_reason="Flu")
    missed = last_seen(14, physiotherapist, legal_first_name="Missed")
    make_visit(missed, days_ago(2), status="no_show")
    unmarked = last_seen(14, physiotherapist, legal_first_name="Unmarked")
    make_visit(unmarked, days_ago(1))  # booked yesterday, never marked attended
    assert sorted(due_names()) == [("Cancelled", 14), ("Missed", 14), ("Unmarked", 14)]


def test_it_leaves_out_archived_patients_ended_courses_and_courses_never_attended(physiotherapist):
    archived = last_seen(14, physiotherapist)
    archived.patient.archive()
    ended = last_seen(14, physiotherapist)
    ended.status, ended.ended_on = "completed", TODAY
    ended.save()
    make_course(physiotherapist=physiotherapist)  # active, nothing attended yet
    never = make_course(physiotherapist=physiotherapist)
    make_visit(never, days_ago(14))  # booked, never marked
    assert due_for_booking() == []


def test_it_looks_across_all_the_patients_courses(physiotherapist):
    """The weekly rule is the patient's: a visit in another course counts."""
    course = last_seen(20, physiotherapist, legal_first_name="Recent")
    other = make_course(course.patient, physiotherapist, status="completed", ended_on=TODAY)
    make_visit(other, days_ago(3), status="attended")
    booked_elsewhere = last_seen(20, physiotherapist, legal_first_name="Elsewhere")
    old = make_course(booked_elsewhere.patient, physiotherapist, status="completed", ended_on=TODAY)
    make_visit(old, TODAY + timedelta(days=1))
    assert due_for_booking() == []


def test_it_lists_a_patient_once_with_each_active_course_to_book_in(physiotherapist):
    first = last_seen(12, physiotherapist)
    second = make_course(first.patient, make_physiotherapist(), region="Left shoulder")
    [row] = due_for_booking()
    assert row.patient == first.patient
    assert {course.pk for course in row.courses} == {first.pk, second.pk}
    assert row.last_visit.course == first


# The page -------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_shows_the_due_and_overdue_patients_to_staff_who_book(
    client, request, physiotherapist, person
):
    overdue = last_seen(12, physiotherapist, legal_first_name="Olive", legal_last_name="Overdue")
    due = last_seen(8, physiotherapist, legal_first_name="Dora", legal_last_name="Due")
    client.force_login(request.getfixturevalue(person))
    response = client.get(DUE_LIST)
    assert response.status_code == 200
    assert [row.patient for row in response.context["overdue"]] == [overdue.patient]
    assert [row.patient for row in response.context["due"]] == [due.patient]
    html = page_text(response)
    assert html.count("<h1") == 1
    for course, date_text in [(overdue, "Thu 26 Feb 2026"), (due, "Mon 2 Mar 2026")]:
        patient = course.patient
        assert f'<a href="{patient.get_absolute_url()}">{patient}</a>' in html
        assert patient.phone in html
        assert f"{date_text} with Priya Physio" in html
        assert f"{reverse('treatments:book')}?course={course.pk}" in html
    assert "Right low back" not in html  # the course's region is clinical
    assert html.index("Olive Overdue") < html.index("Dora Due")


def test_it_says_when_no_one_is_due(client, front_desk):
    client.force_login(front_desk)
    html = client.get(DUE_LIST).content.decode()
    assert "No patient is overdue." in html
    assert "No patient is due." in html


def test_it_escapes_what_staff_typed(client, physiotherapist, front_desk):
    last_seen(9, physiotherapist, legal_first_name="<script>alert(1)</script>")
    client.force_login(front_desk)
    html = client.get(DUE_LIST).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("patients", [3, 30])
def test_the_due_list_takes_the_same_queries_however_many_are_due(
    client, physiotherapist, front_desk, django_assert_num_queries, patients
):
    others = [physiotherapist, make_physiotherapist()]
    for n in range(patients):
        course = last_seen(7 + n % 8, others[n % 2])
        if n % 3 == 0:
            make_course(course.patient, physiotherapist, region="Neck")  # a second active course
    client.force_login(front_desk)
    # session, user (with roles and two-step device); the open locations; the courses; their
    # patients' last visits
    with django_assert_num_queries(5):
        response = client.get(DUE_LIST)
    assert len(response.context["due"]) + len(response.context["overdue"]) == patients


def test_the_due_list_sends_visitors_to_sign_in(client):
    assert client.get(DUE_LIST)["Location"] == f"/accounts/login/?next={DUE_LIST}"


@pytest.mark.parametrize("person", ["clinic_admin", "outsider"])
def test_the_due_list_is_refused_to_staff_who_do_not_book(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(DUE_LIST).status_code == 403
