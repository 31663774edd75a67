"""The waitlist: adding and removing patients, and who could take a cancelled visit's slot.
Also what a cancelled or missed visit's page shows."""

import re
from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    TODAY,
    make_course,
    make_patient,
    make_physiotherapist,
    make_visit,
    visit_type,
)
from tests.treatments.helpers import page_text
from treatments.models import WaitlistEntry
from treatments.worklist import add_to_waitlist, waitlist_candidates

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
WAITLIST = reverse("treatments:waitlist")
ADD = reverse("treatments:waitlist-add")
NEXT_WEEK = TODAY + timedelta(days=7)


def resolve_url(entry) -> str:
    return reverse("treatments:waitlist-resolve", args=[entry.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def waiting(patient=None, **fields) -> WaitlistEntry:
    return WaitlistEntry.objects.create(patient=patient or make_patient(), **fields)


def cancelled_visit(course, day=NEXT_WEEK, at=time(10, 0)):
    return make_visit(course, day, at=at, status="cancelled", cancellation_reason="Flu")


# The list -------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_lists_the_patients_waiting_to_staff_who_book(client, request, physiotherapist, person):
    entry = waiting(make_patient(legal_first_name="Wanda"), note="Mornings only")
    make_course(entry.patient, physiotherapist)
    waiting(make_patient(legal_first_name="Gone"), resolved_at=timezone.now())
    client.force_login(request.getfixturevalue(person))
    response = client.get(WAITLIST)
    assert response.status_code == 200
    html = page_text(response)
    assert html.count("<h1") == 1
    assert f'<a href="{entry.patient.get_absolute_url()}">{entry.patient}</a>' in html
    assert "Mornings only" in html and entry.patient.phone in html
    assert "10 Mar 2026, 12:00" in html
    assert f'action="{resolve_url(entry)}"' in html
    assert "Gone" not in html
    assert "No active course" not in html


def test_it_marks_waiting_patients_who_cannot_be_booked_yet(client, front_desk):
    waiting(make_patient(legal_first_name="Courseless"))
    archived = waiting(make_patient(legal_first_name="Archie"))
    archived.patient.archive()
    client.force_login(front_desk)
    html = client.get(WAITLIST).content.decode()
    assert "No active course" in html
    assert "Archived" in html


def test_it_says_when_no_one_is_waiting(client, front_desk):
    client.force_login(front_desk)
    assert "No one is waiting." in client.get(WAITLIST).content.decode()


@pytest.mark.parametrize("entries", [2, 12])
def test_the_waitlist_takes_the_same_queries_however_many_wait(
    client, front_desk, django_assert_num_queries, entries
):
    for _ in range(entries):
        waiting()
    client.force_login(front_desk)
    # session, user (with roles and two-step device); the open locations; the entries with their
    # patients
    with django_assert_num_queries(4):
        client.get(WAITLIST)


# Adding ---------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_finds_a_patient_by_name_and_adds_them(client, request, person):
    patient = make_patient(legal_first_name="Wendy", legal_last_name="Waiting")
    make_patient(legal_first_name="Other")
    client.force_login(request.getfixturevalue(person))
    found = client.get(ADD, {"q": "wendy"})
    assert found.status_code == 200
    assert found.context["matches"] == [patient]
    assert f'value="{patient.pk}"' in found.content.decode()
    assert found.context["form"]["patient"].value() == patient.pk  # the only one found
    data = {"q": "wendy", "patient": patient.pk, "note": "  Mornings only  "}
    response = client.post(ADD, data, follow=True)
    assert response.redirect_chain == [(WAITLIST, 302)]
    entry = WaitlistEntry.objects.get()
    assert (entry.patient, entry.note, entry.resolved_at) == (patient, "Mornings only", None)
    assert messages_of(response) == [f"{patient} is on the waitlist."]


def test_it_offers_the_patient_named_in_the_address(client, front_desk):
    patient = make_patient()
    client.force_login(front_desk)
    html = client.get(ADD, {"patient": patient.pk}).content.decode()
    assert f'value="{patient.pk}"' in html and "checked" in html


def test_it_says_which_patients_found_are_already_waiting(client, front_desk):
    entry = waiting(make_patient(legal_first_name="Wendy"))
    client.force_login(front_desk)
    html = client.get(ADD, {"q": "Wendy"}).content.decode()
    assert f"{entry.patient}" in html and "already on the waitlist" in html


def test_it_refuses_to_add_a_patient_who_is_already_waiting(client, front_desk):
    entry = waiting(note="First")
    client.force_login(front_desk)
    response = client.post(ADD, {"patient": entry.patient.pk, "note": "Second"})
    assert response.status_code == 200
    assert "This patient is already on the waitlist." in response.content.decode()
    assert list(WaitlistEntry.objects.values_list("note", flat=True)) == ["First"]


def test_a_patient_taken_off_the_waitlist_can_be_added_again(client, front_desk):
    entry = waiting(resolved_at=timezone.now())
    client.force_login(front_desk)
    client.post(ADD, {"patient": entry.patient.pk})
    assert WaitlistEntry.objects.waiting().get().patient == entry.patient
    assert WaitlistEntry.objects.count() == 2


@pytest.mark.parametrize(
    "patient,note,message",
    [
        ("", "", "Choose the patient to add."),
        ("999999", "", "That patient is not on file or their record is archived."),
        ("abc", "", "That patient is not on file or their record is archived."),
        ("9" * 10_000, "", "That patient is not on file or their record is archived."),
        ("<script>alert(1)</script>", "", "That patient is not on file"),
        ("archived", "", "That patient is not on file or their record is archived."),
        ("ok", "x" * 201, "Keep the note to 200 characters or fewer."),
        ("ok", "x" * 100_000, "Keep the note to 200 characters or fewer."),
    ],
)
def test_it_explains_bad_input_and_adds_no_one(client, front_desk, patient, note, message):
    ok, archived = make_patient(), make_patient()
    archived.archive()
    patient = {"ok": ok.pk, "archived": archived.pk}.get(patient, patient)
    client.force_login(front_desk)
    response = client.post(ADD, {"patient": patient, "note": note})
    assert response.status_code == 200
    html = page_text(response)
    assert "Nothing was saved." in html and message in html
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_it_keeps_the_patients_found_when_the_choice_is_missing(client, front_desk):
    patient = make_patient(legal_first_name="Wendy")
    client.force_login(front_desk)
    response = client.post(ADD, {"q": "Wendy", "patient": "", "note": "Mornings"})
    html = page_text(response)
    assert "Choose the patient to add." in html
    assert f'value="{patient.pk}"' in html and "Mornings" in html
    assert not WaitlistEntry.objects.exists()


def test_it_explains_a_search_that_is_too_long_or_finds_no_one(client, front_desk):
    client.force_login(front_desk)
    long = client.get(ADD, {"q": "x" * 101})
    assert long.status_code == 400
    assert "Please search with 100 characters or fewer." in long.content.decode()
    hostile = client.get(ADD, {"q": "<script>alert(1)</script>"}).content.decode()
    assert "No active patient matches <strong>&lt;script&gt;" in hostile
    assert "<script>alert(1)</script>" not in hostile


def test_it_shows_a_hostile_note_as_text(client, front_desk):
    patient = make_patient()
    client.force_login(front_desk)
    client.post(ADD, {"patient": patient.pk, "note": "<script>alert(1)</script>"})
    html = client.get(WAITLIST).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_the_service_refuses_an_archived_patient():
    patient = make_patient()
    patient.archive()
    with pytest.raises(ValidationError, match="archived"):
        add_to_waitlist(patient=patient)
    assert not WaitlistEntry.objects.exists()


# Removing -------------------------------------------------------------------------------


def test_it_takes_a_patient_off_the_waitlist_and_keeps_the_entry(client, front_desk):
    entry = waiting()
    client.force_login(front_desk)
    response = client.post(resolve_url(entry), follow=True)
    assert response.redirect_chain == [(WAITLIST, 302)]
    assert messages_of(response) == [f"{entry.patient} is off the waitlist."]
    entry.refresh_from_db()
    assert entry.resolved_at is not None
    assert "No one is waiting." in response.content.decode()


def test_it_says_when_the_patient_was_already_off_the_waitlist(client, front_desk):
    entry = waiting(resolved_at=timezone.now())
    client.force_login(front_desk)
    response = client.post(resolve_url(entry), follow=True)
    assert messages_of(response) == [f"{entry.patient} was already off the waitlist."]
    resolved_at = entry.resolved_at
    entry.refresh_from_db()
    assert entry.resolved_at == resolved_at


def test_removing_is_posted_only(client, front_desk):
    entry = waiting()
    client.force_login(front_desk)
    assert client.get(resolve_url(entry)).status_code == 405
    entry.refresh_from_db()
    assert entry.resolved_at is None


def test_removing_an_entry_that_does_not_exist_gives_404(client, front_desk):
    client.force_login(front_desk)
    for pk in [999_999, 10**30]:
        target = reverse("treatments:waitlist-resolve", args=[pk])
        assert client.post(target).status_code == 404


# Who may use the waitlist ---------------------------------------------------------------

PAGES = [("waitlist", "get"), ("waitlist-add", "get"), ("waitlist-add", "post")]


@pytest.mark.parametrize("name,method", [*PAGES, ("waitlist-resolve", "post")])
def test_the_waitlist_sends_visitors_to_sign_in(client, name, method):
    entry = waiting()
    target = reverse(f"treatments:{name}", args=[entry.pk] if name == "waitlist-resolve" else [])
    data = {"patient": entry.patient.pk} if method == "post" else {}
    response = getattr(client, method)(target, data)
    assert response["Location"] == f"/accounts/login/?next={target}"


@pytest.mark.parametrize("name,method", [*PAGES, ("waitlist-resolve", "post")])
@pytest.mark.parametrize("person", ["clinic_admin", "outsider"])
def test_the_waitlist_is_refused_to_staff_who_do_not_book(client, request, person, name, method):
    entry = waiting()
    other = make_patient()
    target = reverse(f"treatments:{name}", args=[entry.pk] if name == "waitlist-resolve" else [])
    client.force_login(request.getfixturevalue(person))
    assert getattr(client, method)(target, {"patient": other.pk}).status_code == 403
    assert list(WaitlistEntry.objects.values_list("pk", "resolved_at")) == [(entry.pk, None)]


# Who could take a freed slot ------------------------------------------------------------


def test_it_offers_waiting_patients_free_that_week(physiotherapist):
    slot = cancelled_visit(make_course(physiotherapist=physiotherapist))
    free = waiting(make_course(physiotherapist=physiotherapist).patient)
    a_week_before = waiting(make_course(physiotherapist=physiotherapist).patient)
    make_visit(
        a_week_before.patient.courses.get(), NEXT_WEEK - timedelta(days=7), status="attended"
    )
    a_week_after = waiting(make_course(physiotherapist=physiotherapist).patient)
    make_visit(a_week_after.patient.courses.get(), NEXT_WEEK + timedelta(days=7))
    cancelled_nearby = waiting(make_course(physiotherapist=physiotherapist).patient)
    cancelled_visit(cancelled_nearby.patient.courses.get(), NEXT_WEEK + timedelta(days=1))
    assert waitlist_candidates(slot) == [free, a_week_before, a_week_after, cancelled_nearby]


def test_it_leaves_out_waiting_patients_who_could_not_take_the_slot(physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    slot = cancelled_visit(course)
    waiting(course.patient)  # gave the slot up
    booked_near = waiting(make_course(physiotherapist=physiotherapist).patient)
    make_visit(booked_near.patient.courses.get(), NEXT_WEEK + timedelta(days=6))
    attended_near = waiting(make_course(physiotherapist=physiotherapist).patient)
    make_visit(
        attended_near.patient.courses.get(), NEXT_WEEK - timedelta(days=6), status="attended"
    )
    waiting(make_patient())  # no course
    waiting(
        make_course(physiotherapist=physiotherapist, status="completed", ended_on=TODAY).patient
    )
    archived = waiting(make_course(physiotherapist=physiotherapist).patient)
    archived.patient.archive()
    waiting(make_course(physiotherapist=physiotherapist).patient, resolved_at=timezone.now())
    assert waitlist_candidates(slot) == []


def test_it_books_a_candidate_in_their_latest_active_course(physiotherapist):
    slot = cancelled_visit(make_course(physiotherapist=physiotherapist))
    patient = make_patient()
    make_course(patient, physiotherapist, status="completed", ended_on=TODAY)
    make_course(patient, physiotherapist, started_on=TODAY - timedelta(days=30))
    latest = make_course(patient, physiotherapist, started_on=TODAY - timedelta(days=10))
    waiting(patient)
    [candidate] = waitlist_candidates(slot)
    assert candidate.course_pk == latest.pk


def test_it_offers_a_missed_visits_week_but_not_one_still_booked_or_attended(physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    free = waiting(make_course(physiotherapist=physiotherapist).patient)
    assert waitlist_candidates(make_visit(course, TODAY, status="no_show")) == [free]
    assert waitlist_candidates(make_visit(course, TODAY + timedelta(days=14))) == []
    attended = make_visit(course, TODAY - timedelta(days=14), status="attended")
    assert waitlist_candidates(attended) == []


@pytest.mark.parametrize("entries", [1, 6])
def test_finding_candidates_takes_one_query_however_many_wait(
    physiotherapist, django_assert_num_queries, entries
):
    slot = cancelled_visit(make_course(physiotherapist=physiotherapist))
    for _ in range(entries):
        waiting(make_course(physiotherapist=physiotherapist).patient)
    with django_assert_num_queries(1):
        assert len(waitlist_candidates(slot)) == entries


# The cancelled visit's page -----------------------------------------------------------


def visit_page(client, visit):
    return client.get(reverse("treatments:visit-detail", args=[visit.pk]))


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_a_cancelled_visits_page_lists_who_could_take_the_slot(
    client, request, physiotherapist, person
):
    slot = cancelled_visit(make_course(physiotherapist=physiotherapist))
    course = make_course(physiotherapist=physiotherapist)
    waiting(course.patient, note="Any morning")
    client.force_login(request.getfixturevalue(person))
    html = page_text(visit_page(client, slot))
    assert "Who on the waitlist could take this slot" in html
    assert f'<a href="{course.patient.get_absolute_url()}">{course.patient}</a>' in html
    assert "Any morning" in html
    assert f"{reverse('treatments:book')}?course={course.pk}&date={slot.date}" in html


def test_booking_a_candidate_starts_from_the_freed_slot(client, physiotherapist, front_desk):
    slot = cancelled_visit(make_course(physiotherapist=physiotherapist), at=time(14, 30))
    course = make_course(physiotherapist=make_physiotherapist(username="other"))
    waiting(course.patient)
    client.force_login(front_desk)
    html = visit_page(client, slot).content.decode()
    link = re.search(rf'href="([^"]*/book/\?course={course.pk}&[^"]*)"', html)
    form = client.get(link.group(1).replace("&amp;", "&")).context["form"]
    assert form["date"].value() == slot.date
    assert form["start_time"].value() == time(14, 30)
    assert (
        form["physiotherapist"].value() == physiotherapist.pk
    )  # the freed slot's, not the course's


@pytest.mark.parametrize(
    "query",
    ["date=yesterday&time=25:99&physiotherapist=abc", "date=2020-01-01&time=10:00",
     "physiotherapist=999999999999999999999", "date=" + "9" * 5000, "physiotherapist=<script>"],
)  # fmt: skip
def test_a_bad_offered_slot_in_the_link_is_explained_and_left_out(
    client, physiotherapist, front_desk, query
):
    course = make_course(physiotherapist=physiotherapist)
    client.force_login(front_desk)
    response = client.get(f"{reverse('treatments:book')}?course={course.pk}&{query}")
    assert response.status_code == 400
    assert "The time from the link cannot be booked as it is." in page_text(response)
    form = response.context["form"]
    assert form["date"].value() is None and form["physiotherapist"].value() == physiotherapist.pk
    assert "<script>" not in response.content.decode()


def test_a_cancelled_visits_page_says_when_no_one_can_take_the_slot(client, physiotherapist):
    slot = cancelled_visit(make_course(physiotherapist=physiotherapist))
    client.force_login(physiotherapist)
    assert "No one on the waitlist can take it" in page_text(visit_page(client, slot))


def test_a_slot_that_has_passed_is_not_offered(client, physiotherapist):
    slot = cancelled_visit(make_course(physiotherapist=physiotherapist), day=TODAY, at=time(9, 0))
    waiting(make_course(physiotherapist=physiotherapist).patient)
    client.force_login(physiotherapist)
    response = visit_page(client, slot)
    assert "The slot has passed." in response.content.decode()
    assert "waitlist_candidates" not in response.context


@pytest.mark.parametrize("status", ["booked", "attended", "no_show"])
def test_other_visits_pages_do_not_list_the_waitlist(client, physiotherapist, status):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, status=status)
    waiting(make_course(physiotherapist=physiotherapist).patient)
    client.force_login(physiotherapist)
    assert "Who on the waitlist" not in page_text(visit_page(client, visit))


@pytest.mark.parametrize("entries", [1, 5])
def test_a_cancelled_visits_page_takes_the_same_queries_however_many_wait(
    client, physiotherapist, front_desk, django_assert_num_queries, entries
):
    slot = cancelled_visit(make_course(physiotherapist=physiotherapist))
    for _ in range(entries):
        waiting(make_course(physiotherapist=physiotherapist).patient)
    client.force_login(front_desk)
    # session, user (with roles and two-step device); the visit; whether there are several
    # locations; the candidates; the audit entry
    with django_assert_num_queries(6):
        response = visit_page(client, slot)
    assert len(response.context["waitlist_candidates"]) == entries


@pytest.mark.parametrize("hours_before,late", [(23, True), (25, False)])
def test_it_marks_a_cancellation_less_than_a_day_before_as_late(
    client, physiotherapist, front_desk, hours_before, late
):
    # The clock is at noon on Tuesday: 23 hours on is 11:00 on Wednesday, 25 hours 13:00.
    starts = time(12 + hours_before - 24, 0)
    visit = make_visit(
        make_course(physiotherapist=physiotherapist), TODAY + timedelta(days=1), at=starts
    )
    client.force_login(front_desk)
    cancel = reverse("treatments:visit-cancel", args=[visit.pk])
    response = client.post(cancel, {"cancellation_reason": "Car broke down"}, follow=True)
    visit.refresh_from_db()
    assert visit.is_late_cancellation is late
    assert ("Late cancellation" in response.content.decode()) is late


@pytest.mark.parametrize("status,shown", [("cancelled", "Cancelled"), ("no_show", "No-show")])
def test_cancelled_and_missed_visits_stay_on_the_record(client, physiotherapist, status, shown):
    reason = "Flu" if status == "cancelled" else ""
    visit = make_visit(
        make_course(physiotherapist=physiotherapist),
        TODAY,
        status=status,
        cancellation_reason=reason,
    )
    client.force_login(physiotherapist)
    detail = visit_page(client, visit)
    assert detail.status_code == 200
    assert shown in detail.content.decode()
    patient_page = client.get(visit.patient.get_absolute_url()).content.decode()
    assert reverse("treatments:visit-detail", args=[visit.pk]) in patient_page
    assert f"<td>{shown}</td>" in patient_page


def test_booking_a_candidate_takes_them_off_the_waitlist_with_the_visit_they_got(
    client, physiotherapist, front_desk
):
    slot = cancelled_visit(make_course(physiotherapist=physiotherapist), at=time(14, 30))
    course = make_course(physiotherapist=make_physiotherapist(username="other"))
    entry = waiting(course.patient)
    client.force_login(front_desk)
    html = visit_page(client, slot).content.decode()
    link = re.search(rf'href="([^"]*/book/\?course={course.pk}&[^"]*)"', html)
    form = client.get(link.group(1).replace("&amp;", "&")).context["form"]
    assert form["waitlist_entry"].value() == entry.pk
    data = {name: form[name].value() for name in ("date", "physiotherapist", "waitlist_entry")}
    data |= {"patient": f"{course.patient.pk}-{course.pk}", "start_time": "14:30",
             "visit_type": str(form["visit_type"].value()), "weeks": "1"}  # fmt: skip
    assert client.post(reverse("treatments:book"), data).status_code == 302
    entry.refresh_from_db()
    assert entry.booked_visit.patient == course.patient
    assert entry.resolved_at == timezone.now()
    assert not WaitlistEntry.objects.waiting().exists()


def test_booking_with_another_patients_waitlist_entry_leaves_it_waiting(
    client, physiotherapist, front_desk
):
    course = make_course(physiotherapist=physiotherapist)
    other = waiting(make_patient())
    client.force_login(front_desk)
    data = {"patient": f"{course.patient.pk}-{course.pk}", "physiotherapist": physiotherapist.pk,
            "date": NEXT_WEEK.isoformat(), "start_time": "10:00", "weeks": "1",
            "visit_type": visit_type().pk, "waitlist_entry": other.pk}  # fmt: skip
    assert client.post(reverse("treatments:book"), data).status_code == 302
    other.refresh_from_db()
    assert (other.booked_visit, other.resolved_at) == (None, None)
