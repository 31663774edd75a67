"""The changes to a visit, from its page: move, cancel, restore, mark attended, mark a no-show
(after a confirmation), and undo attended or no-show with a reason; and which of them the visit
page offers."""

import re
from datetime import time, timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    INITIAL_ASSESSMENT,
    TODAY,
    chart_visit,
    make_course,
    make_front_desk,
    make_physiotherapist,
    make_visit,
    visit_type,
)
from tests.treatments.helpers import page_text
from treatments.models import Visit, VisitType

pytestmark = pytest.mark.django_db
NEXT_WEEK = TODAY + timedelta(days=7)  # Tuesday 17 March 2026; the clock says 10 March, noon
HUGE = "9" * 10_000
HOSTILE = ["abc", "-1", HUGE, "<script>alert(1)</script>", "1.5", "\x00"]
NOTHING_SAVED = "Nothing was saved. Please correct what is marked below."
NOT_STARTED = "A visit is marked attended or missed only once it has started."
RE_ASSESSMENT = "Re-assessment"
FOLLOW_UP = "Follow-up without needling"


def url(name: str, visit: Visit) -> str:
    return reverse(f"treatments:{name}", args=[visit.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def booked(physiotherapist, day=NEXT_WEEK, at=time(10), **fields) -> Visit:
    return make_visit(make_course(physiotherapist=physiotherapist), day, at, **fields)


def unchanged(visit: Visit) -> bool:
    """The visit in the database is as it was arranged."""
    keep = ["date", "start_time", "status", "physiotherapist_id", "visit_type_id",
            "duration_minutes", "cancellation_reason", "cancelled_at"]  # fmt: skip
    saved = Visit.objects.get(pk=visit.pk)
    return all(getattr(saved, name) == getattr(visit, name) for name in keep)


def actions(html: str) -> str:
    """The visit page's row of buttons."""
    return re.search(r'<div class="d-flex flex-wrap gap-2 no-print">(.*?)</div>', html, re.S)[1]


# What the visit page offers -------------------------------------------------------------

EVERY_CHANGE = ["visit-move", "visit-cancel", "visit-restore", "visit-attended", "visit-no-show",
                "visit-undo", "visit-ics"]  # fmt: skip


@pytest.mark.parametrize(
    "day, at, status, offered",
    [
        (NEXT_WEEK, time(10), "booked", ["visit-move", "visit-cancel", "visit-ics"]),
        (TODAY, time(10), "booked",
         ["visit-move", "visit-cancel", "visit-attended", "visit-no-show"]),
        (TODAY, time(14), "booked", ["visit-move", "visit-cancel", "visit-ics"]),
        (TODAY, time(10), "attended", ["visit-undo"]),
        (TODAY, time(10), "no_show", ["visit-undo"]),
        (NEXT_WEEK, time(10), "cancelled", ["visit-restore"]),
        (TODAY, time(10), "cancelled", ["visit-restore"]),
    ],
)  # fmt: skip
@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_the_visit_page_offers_only_the_changes_its_status_allows(
    client, request, physiotherapist, person, day, at, status, offered
):
    visit = booked(physiotherapist, day, at, status=status)
    client.force_login(request.getfixturevalue(person))
    html = client.get(url("visit-detail", visit)).content.decode()
    assert [name for name in EVERY_CHANGE if url(name, visit) in html] == offered


def test_add_to_calendar_is_offered_only_for_a_booked_visit_still_ahead(client, physiotherapist):
    """Fault 8: a cancelled visit still offered "Add to calendar"."""
    client.force_login(physiotherapist)
    ahead = booked(physiotherapist)
    assert "Add to calendar (.ics)" in page_text(client.get(url("visit-detail", ahead)))
    client.post(url("visit-cancel", ahead), {"cancellation_reason": "Moving away"})
    assert "Add to calendar" not in page_text(client.get(url("visit-detail", ahead)))
    started = booked(physiotherapist, TODAY, time(11, 30))
    assert "Add to calendar" not in page_text(client.get(url("visit-detail", started)))


def test_mark_no_show_is_a_link_apart_from_mark_attended(client, physiotherapist):
    """Fault 5: "Mark no-show" sat next to "Mark attended" and acted on one click."""
    visit = booked(physiotherapist, TODAY)
    client.force_login(physiotherapist)
    html = page_text(client.get(url("visit-detail", visit)))
    buttons = actions(html)
    assert f'action="{url("visit-attended", visit)}"' in buttons
    assert "Mark attended</button>" in buttons
    assert url("visit-no-show", visit) not in buttons
    # Elsewhere, as a link to a page that asks first; no form posts to it from here.
    assert (
        f'The patient did not come? <a href="{url("visit-no-show", visit)}">Mark the visit a '
        "no-show</a>" in html
    )
    assert f'action="{url("visit-no-show", visit)}"' not in html


def test_a_charted_visit_offers_no_undo(client, physiotherapist):
    visit = booked(physiotherapist, TODAY - timedelta(days=1), status="attended")
    chart_visit(visit, physiotherapist)
    client.force_login(physiotherapist)
    html = client.get(url("visit-detail", visit)).content.decode()
    assert url("visit-undo", visit) not in html


# Move -----------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_moves_a_visit(client, request, physiotherapist, person):
    visit = booked(physiotherapist)
    client.force_login(request.getfixturevalue(person))
    form = client.get(url("visit-move", visit))
    assert form.status_code == 200
    html = form.content.decode()
    assert html.count("<h1") == 1
    assert 'value="2026-03-17"' in html and 'value="10:00"' in html
    assert f'<option value="{physiotherapist.pk}" selected>Priya Physio</option>' in html
    assert f'<option value="{visit_type().pk}" selected>IMS treatment, 30 minutes</option>' in html
    data = {"date": "2026-03-18", "start_time": "16:15", "physiotherapist": physiotherapist.pk,
            "visit_type": visit_type().pk}  # fmt: skip
    response = client.post(url("visit-move", visit), data, follow=True)
    visit.refresh_from_db()
    assert (str(visit.date), visit.start_time) == ("2026-03-18", time(16, 15))
    assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert messages_of(response) == [f"Visit moved: {visit}."]
    assert visit.history.first().history_change_reason == "Moved"


def test_moving_can_change_the_physiotherapist(client, physiotherapist, front_desk):
    visit = booked(physiotherapist)
    colleague = make_physiotherapist(first_name="Cole", last_name="League")
    client.force_login(front_desk)
    data = {"date": "2026-03-17", "start_time": "10:00", "physiotherapist": colleague.pk,
            "visit_type": visit_type().pk}  # fmt: skip
    client.post(url("visit-move", visit), data)
    visit.refresh_from_db()
    assert (visit.physiotherapist, visit.start_time) == (colleague, time(10))


def test_moving_can_change_the_type(client, physiotherapist, front_desk):
    visit = booked(physiotherapist)
    client.force_login(front_desk)
    data = {"date": "2026-03-17", "start_time": "10:00", "physiotherapist": physiotherapist.pk,
            "visit_type": visit_type(RE_ASSESSMENT).pk}  # fmt: skip
    client.post(url("visit-move", visit), data)
    visit.refresh_from_db()
    assert (visit.visit_type.name, visit.duration_minutes, visit.is_needling) == (
        RE_ASSESSMENT, 45, False
    )  # fmt: skip


def test_moving_to_an_ims_treatment_needs_a_course(client, physiotherapist, front_desk, patient):
    visit = make_visit(None, NEXT_WEEK, time(10), kind=INITIAL_ASSESSMENT, patient=patient,
                       physiotherapist=physiotherapist)  # fmt: skip
    client.force_login(front_desk)
    data = {"date": "2026-03-17", "start_time": "10:00", "physiotherapist": physiotherapist.pk,
            "visit_type": visit_type().pk}  # fmt: skip
    response = client.post(url("visit-move", visit), data)
    html = page_text(response)
    assert html.count(
        "An IMS treatment is part of a course: choose the patient's course, or open one first."
    ) == 1  # fmt: skip
    # Another time would be refused alike: none is offered.
    assert "Free times nearby" not in html
    assert unchanged(visit)


def test_a_refused_move_keeps_the_visit_and_offers_times_that_move_it(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    make_visit(course, TODAY - timedelta(days=1), status="attended")
    visit = make_visit(course, NEXT_WEEK)
    client.force_login(physiotherapist)
    data = {"date": "2026-03-12", "start_time": "09:00", "physiotherapist": physiotherapist.pk,
            "visit_type": visit_type().pk}  # fmt: skip
    response = client.post(url("visit-move", visit), data)
    assert response.status_code == 200
    html = page_text(response)
    assert html.count(
        "already has an IMS treatment attended on Monday 9 March 2026 at 10:00 (3 days apart)"
    ) == 1  # fmt: skip
    assert html.count(NOTHING_SAVED) == 1
    # The page shows the visit as it still is.
    assert "Now IMS treatment on Tuesday 17 March 2026 at 10:00 with Priya Physio." in html
    assert unchanged(visit)
    offered = re.findall(r"Move to (\w+ \d+ \w+ \d+ at [\d:]+)</button>", html)
    # The nearest a week after the last: early on Monday, as near Thursday 09:00 as can be.
    assert offered == ["Monday 16 March 2026 at 08:00", "Monday 16 March 2026 at 08:15",
                       "Monday 16 March 2026 at 08:30"]  # fmt: skip
    form = re.search(r'<form method="post">(.*?)</form>', response.content.decode(), re.S)[1]
    posted = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
    client.post(url("visit-move", visit), posted)
    visit.refresh_from_db()
    assert (str(visit.date), visit.start_time) == ("2026-03-16", time(8))


def test_it_refuses_a_move_onto_a_colleagues_visit(client, physiotherapist, front_desk):
    colleague = make_physiotherapist(first_name="Cole", last_name="League")
    booked(colleague, NEXT_WEEK, time(14), kind=INITIAL_ASSESSMENT)
    visit = booked(physiotherapist)
    client.force_login(front_desk)
    data = {"date": "2026-03-17", "start_time": "14:30", "physiotherapist": colleague.pk,
            "visit_type": visit_type().pk}  # fmt: skip
    html = page_text(client.post(url("visit-move", visit), data))
    assert html.count("Cole League already has a visit on Tuesday 17 March 2026 from 14:00 to "
                      "15:00.") == 1  # fmt: skip
    assert unchanged(visit)


MOVE_INPUT = [
    ("date", "", "This field is required."),
    *[("date", value, "Enter a valid date.") for value in [*HOSTILE, "2024-02-30"]],
    ("date", "9999-12-31", "Choose a date within 10 years of today."),
    ("date", "2026-03-01", "This time has passed: choose a later time."),
    ("date", "2030-03-01", "Book within the next two years."),
    ("start_time", "", "This field is required."),
    *[("start_time", value, "Enter a valid time.") for value in [*HOSTILE, "25:99"]],
    ("start_time", "07:00", "The clinic is open 08:00-18:00 on Wednesday."),
    ("physiotherapist", "", "This field is required."),
    *[("physiotherapist", value, "Choose a physiotherapist from the list.")
      for value in [*HOSTILE[:-1], "99999", "front desk"]],
    *[("visit_type", value, "Choose a visit type from the list.")
      for value in [*HOSTILE[:-1], "99999", "retired"]],
    ("physiotherapist", "\x00", "Null characters are not allowed."),
    ("visit_type", "\x00", "Null characters are not allowed."),
]  # fmt: skip


@pytest.mark.parametrize("field, value, message", MOVE_INPUT)
@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_says_what_is_wrong_with_a_move_once_and_keeps_the_visit(
    client, request, physiotherapist, front_desk, person, field, value, message
):
    visit = booked(physiotherapist)
    if value == "front desk":
        value = front_desk.pk
    elif value == "retired":
        value = VisitType.objects.create(name="Cupping", length_minutes=30, is_active=False).pk
    client.force_login(request.getfixturevalue(person))
    data = {"date": "2026-03-18", "start_time": "10:00", "physiotherapist": physiotherapist.pk,
            "visit_type": visit_type().pk, field: value}  # fmt: skip
    response = client.post(url("visit-move", visit), data)
    assert response.status_code == 200
    html = page_text(response)
    assert html.count(NOTHING_SAVED) == 1
    assert html.count(message) == 1
    assert "<script>alert" not in response.content.decode()
    assert unchanged(visit)


def test_it_refuses_to_move_a_visit_that_is_not_booked(client, physiotherapist):
    visit = booked(physiotherapist, TODAY, status="attended")
    client.force_login(physiotherapist)
    data = {"date": "2026-03-20", "start_time": "09:00", "physiotherapist": physiotherapist.pk,
            "visit_type": visit_type().pk}  # fmt: skip
    html = page_text(client.post(url("visit-move", visit), data))
    assert html.count("Only a booked visit can be moved.") == 1
    assert unchanged(visit)


# Cancel ---------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_cancels_a_visit_with_a_reason(client, request, physiotherapist, person):
    visit = booked(physiotherapist)
    client.force_login(request.getfixturevalue(person))
    form = client.get(url("visit-cancel", visit))
    assert form.status_code == 200
    assert "late cancellation" not in page_text(form)
    response = client.post(
        url("visit-cancel", visit), {"cancellation_reason": "  Has the flu  "}, follow=True
    )
    visit.refresh_from_db()
    assert (visit.status, visit.cancellation_reason) == ("cancelled", "Has the flu")
    assert visit.cancelled_at is not None and not visit.is_late_cancellation
    assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert messages_of(response) == [f"Visit cancelled: {visit}."]
    html = page_text(response)
    assert "Has the flu" in html and "Late cancellation" not in html


def test_it_warns_of_a_late_cancellation_and_records_it(client, physiotherapist, front_desk):
    visit = booked(physiotherapist, TODAY + timedelta(days=1), time(10))  # in 22 hours
    client.force_login(front_desk)
    html = page_text(client.get(url("visit-cancel", visit)))
    assert html.count(
        "It starts in less than 24 hours: it will be recorded as a late cancellation."
    ) == 1  # fmt: skip
    response = client.post(url("visit-cancel", visit), {"cancellation_reason": "Overslept"},
                           follow=True)  # fmt: skip
    visit.refresh_from_db()
    assert visit.is_late_cancellation
    assert '<span class="badge text-bg-warning">Late cancellation</span>' in page_text(response)


@pytest.mark.parametrize(
    "reason, message",
    [
        ("", "Give the reason the visit was cancelled."),
        ("    ", "Give the reason the visit was cancelled."),
        ("x" * 10_000, "Ensure this value has at most 500 characters (it has 10000)."),
        ("Sick\x00", "Null characters are not allowed."),
    ],
)
@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_needs_a_reason_to_cancel(client, request, physiotherapist, person, reason, message):
    visit = booked(physiotherapist)
    client.force_login(request.getfixturevalue(person))
    response = client.post(url("visit-cancel", visit), {"cancellation_reason": reason})
    assert response.status_code == 200
    html = page_text(response)
    assert html.count(message) == 1
    assert html.count(NOTHING_SAVED) == 1
    assert unchanged(visit)


def test_a_hostile_reason_is_kept_as_text(client, physiotherapist):
    visit = booked(physiotherapist)
    client.force_login(physiotherapist)
    reason = "<script>alert(1)</script>"
    response = client.post(url("visit-cancel", visit), {"cancellation_reason": reason}, follow=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()
    assert "<script>alert" not in response.content.decode()


def test_it_refuses_to_cancel_a_visit_that_is_not_booked(client, physiotherapist):
    visit = booked(physiotherapist, TODAY, status="no_show")
    client.force_login(physiotherapist)
    response = client.post(url("visit-cancel", visit), {"cancellation_reason": "Sick"})
    assert page_text(response).count("Only a booked visit can be cancelled.") == 1
    assert unchanged(visit)


# Restore --------------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_restores_a_cancelled_visit(client, request, physiotherapist, person):
    visit = booked(physiotherapist, status="cancelled", cancellation_reason="Flu")
    client.force_login(request.getfixturevalue(person))
    response = client.post(url("visit-restore", visit), follow=True)
    visit.refresh_from_db()
    assert (visit.status, visit.cancellation_reason, visit.cancelled_at) == ("booked", "", None)
    assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert messages_of(response) == ["Visit restored: it is booked again."]


def test_it_refuses_to_restore_a_visit_into_a_week_already_taken(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    cancelled = make_visit(course, NEXT_WEEK, status="cancelled")
    make_visit(course, NEXT_WEEK + timedelta(days=2))
    client.force_login(physiotherapist)
    response = client.post(url("visit-restore", cancelled), follow=True)
    assert response.redirect_chain == [(cancelled.get_absolute_url(), 302)]
    [message] = messages_of(response)
    assert message.startswith("IMS is given at most once a week.")
    assert "(2 days apart)" in message
    assert page_text(response).count("(2 days apart)") == 1
    assert unchanged(cancelled)


def test_it_refuses_to_restore_a_visit_whose_time_has_passed(client, physiotherapist):
    visit = booked(physiotherapist, TODAY, time(9), status="cancelled")
    client.force_login(physiotherapist)
    response = client.post(url("visit-restore", visit), follow=True)
    assert messages_of(response) == ["This time has passed: choose a later time."]
    assert unchanged(visit)


# Mark attended --------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_marks_a_visit_attended_once_it_has_started(client, request, physiotherapist, person):
    visit = booked(physiotherapist, TODAY, time(11, 30))
    client.force_login(request.getfixturevalue(person))
    response = client.post(url("visit-attended", visit), follow=True)
    visit.refresh_from_db()
    assert visit.status == "attended"
    assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert messages_of(response) == ["Visit marked attended."]


@pytest.mark.parametrize("day, at", [(TODAY, time(12, 15)), (NEXT_WEEK, time(10))])
def test_it_refuses_to_mark_a_visit_attended_before_it_starts(client, physiotherapist, day, at):
    """Fault 4: marking attended was accepted before the visit's start time."""
    visit = booked(physiotherapist, day, at)
    client.force_login(physiotherapist)
    response = client.post(url("visit-attended", visit), follow=True)
    assert messages_of(response) == [NOT_STARTED]
    html = page_text(response)
    assert f'<div class="alert alert-danger" role="alert">{NOT_STARTED}</div>' in html
    assert html.count(NOT_STARTED) == 1
    assert unchanged(visit)


# Mark a no-show -------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_marking_a_no_show_asks_first_and_changes_nothing_until_confirmed(
    client, request, physiotherapist, person
):
    """Fault 5: mark no-show acted on one click."""
    visit = booked(physiotherapist, TODAY)
    versions = visit.history.count()
    client.force_login(request.getfixturevalue(person))
    response = client.get(url("visit-no-show", visit))
    assert response.status_code == 200
    html = page_text(response)
    assert html.count("<h1") == 1
    assert f"<h1>Did {visit.patient} miss the visit?</h1>" in html
    assert "Yes, mark it a no-show</button>" in html
    back = f'<a class="btn btn-link" href="{visit.get_absolute_url()}">No, back to the visit'
    assert back in html
    assert unchanged(visit) and visit.history.count() == versions

    response = client.post(url("visit-no-show", visit), follow=True)
    visit.refresh_from_db()
    assert visit.status == "no_show"
    assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert messages_of(response) == ["Visit marked as a no-show."]


def test_a_no_show_frees_the_week_for_another_booking(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    missed = make_visit(course, TODAY, at=time(9, 0))
    client.force_login(physiotherapist)
    client.post(url("visit-no-show", missed))
    booking = {
        "patient": f"{course.patient_id}-{course.pk}", "visit_type": visit_type().pk,
        "physiotherapist": physiotherapist.pk, "date": str(TODAY + timedelta(days=2)),
        "start_time": "14:30", "weeks": "1",
    }  # fmt: skip
    client.post(reverse("treatments:book"), booking)
    assert Visit.objects.filter(status="booked").count() == 1


def test_it_refuses_to_mark_a_no_show_before_the_visit_starts(client, physiotherapist):
    visit = booked(physiotherapist, TODAY, time(14))
    client.force_login(physiotherapist)
    response = client.post(url("visit-no-show", visit), follow=True)
    assert messages_of(response) == [NOT_STARTED]
    assert unchanged(visit)


# Undo attended or no-show ---------------------------------------------------------------


@pytest.mark.parametrize(
    "status, button, recorded",
    [
        ("attended", "Undo attended", "Attended undone"),
        ("no_show", "Undo no-show", "No-show undone"),
    ],
)
@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_sets_a_visit_back_to_booked_with_the_reason(
    client, request, physiotherapist, person, status, button, recorded
):
    visit = booked(physiotherapist, TODAY, status=status)
    client.force_login(request.getfixturevalue(person))
    form = client.get(url("visit-undo", visit))
    assert form.status_code == 200
    html = page_text(form)
    assert html.count("<h1") == 1
    assert f"{button}</button>" in html
    response = client.post(
        url("visit-undo", visit), {"reason": " Marked on the wrong patient "}, follow=True
    )
    visit.refresh_from_db()
    assert visit.status == "booked"
    assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert messages_of(response) == ["The visit is booked again."]
    assert visit.history.first().history_change_reason == (
        f"{recorded}: Marked on the wrong patient"
    )


@pytest.mark.parametrize(
    "reason, message",
    [
        ("", "Say why: the reason is kept in the visit's history."),
        ("   ", "Say why: the reason is kept in the visit's history."),
        ("x" * 10_000, "Ensure this value has at most 500 characters (it has 10000)."),
        ("Oops\x00", "Null characters are not allowed."),
    ],
)
@pytest.mark.parametrize("status", ["attended", "no_show"])
def test_undoing_needs_a_reason(client, physiotherapist, front_desk, status, reason, message):
    visit = booked(physiotherapist, TODAY, status=status)
    client.force_login(front_desk)
    response = client.post(url("visit-undo", visit), {"reason": reason})
    assert response.status_code == 200
    html = page_text(response)
    assert html.count(message) == 1
    assert html.count(NOTHING_SAVED) == 1
    assert unchanged(visit)


def test_a_charted_visit_stays_attended(client, physiotherapist):
    visit = booked(physiotherapist, TODAY - timedelta(days=1), status="attended")
    chart_visit(visit, physiotherapist)
    client.force_login(physiotherapist)
    response = client.post(url("visit-undo", visit), {"reason": "Wrong patient"})
    html = page_text(response)
    assert html.count(
        "This visit is charted, so it stays attended. Amend the chart if it is wrong."
    ) == 1  # fmt: skip
    assert unchanged(visit)


def test_undoing_a_no_show_keeps_the_weekly_rule(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    missed = make_visit(course, TODAY, time(9), status="no_show")
    make_visit(course, TODAY + timedelta(days=2))  # booked again that week
    client.force_login(physiotherapist)
    html = page_text(client.post(url("visit-undo", missed), {"reason": "They came after all"}))
    assert html.count("IMS is given at most once a week.") == 1
    assert unchanged(missed)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("status", ["booked", "cancelled"])
def test_only_an_attended_visit_or_a_no_show_can_be_undone(client, physiotherapist, method, status):
    visit = booked(physiotherapist, TODAY, status=status)
    client.force_login(physiotherapist)
    response = getattr(client, method)(url("visit-undo", visit), {"reason": "x"}, follow=True)
    assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert messages_of(response) == ["Only a visit marked attended or as a no-show can be undone."]
    assert unchanged(visit)


# Changes a status does not allow --------------------------------------------------------


@pytest.mark.parametrize(
    "name, status, message",
    [
        ("visit-no-show", "attended", "Only a booked visit can be marked as a no-show."),
        ("visit-no-show", "cancelled", "Only a booked visit can be marked as a no-show."),
        ("visit-attended", "cancelled", "Only a booked visit can be marked attended."),
        ("visit-attended", "no_show", "Only a booked visit can be marked attended."),
        ("visit-restore", "booked", "Only a cancelled visit can be restored."),
        ("visit-restore", "attended", "Only a cancelled visit can be restored."),
    ],
)
def test_it_explains_a_change_the_status_does_not_allow(
    client, physiotherapist, name, status, message
):
    visit = booked(physiotherapist, TODAY, status=status)
    client.force_login(physiotherapist)
    response = client.post(url(name, visit), follow=True)
    assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert messages_of(response) == [message]
    assert page_text(response).count(message) == 1
    assert unchanged(visit)


@pytest.mark.parametrize("name", ["visit-restore", "visit-attended"])
def test_status_changes_are_posted_only(client, physiotherapist, name):
    visit = booked(physiotherapist, TODAY, status="cancelled" if "restore" in name else "booked")
    client.force_login(physiotherapist)
    assert client.get(url(name, visit)).status_code == 405
    assert unchanged(visit)


# Who may change a visit -----------------------------------------------------------------

CHANGES = [
    ("visit-move", "booked", {"date": "2026-03-20", "start_time": "09:00"}),
    ("visit-cancel", "booked", {"cancellation_reason": "Sick"}),
    ("visit-restore", "cancelled", {}),
    ("visit-attended", "booked", {}),
    ("visit-no-show", "booked", {}),
    ("visit-undo", "attended", {"reason": "Wrong patient"}),
]


@pytest.mark.parametrize("name, status, data", CHANGES)
def test_changing_a_visit_sends_visitors_to_sign_in(client, physiotherapist, name, status, data):
    visit = booked(physiotherapist, TODAY, status=status)
    target = url(name, visit)
    assert client.post(target, data)["Location"] == f"/accounts/login/?next={target}"
    assert client.get(target)["Location"] == f"/accounts/login/?next={target}"
    assert unchanged(visit)


@pytest.mark.parametrize("name, status, data", CHANGES)
@pytest.mark.parametrize("person", ["clinic_admin", "outsider"])
def test_changing_a_visit_is_refused_to_staff_who_do_not_book(
    client, request, physiotherapist, person, name, status, data
):
    visit = booked(physiotherapist, TODAY, status=status)
    versions = visit.history.count()
    client.force_login(request.getfixturevalue(person))
    assert client.post(url(name, visit), data).status_code == 403
    assert client.get(url(name, visit)).status_code == 403
    assert unchanged(visit) and visit.history.count() == versions


@pytest.mark.parametrize("pk", [999_999, 99999999999999999999])
@pytest.mark.parametrize("name, status, data", CHANGES)
def test_changing_a_visit_that_does_not_exist_gives_404(client, front_desk, name, status, data, pk):
    client.force_login(front_desk)
    target = reverse(f"treatments:{name}", args=[pk])
    assert client.post(target, data).status_code == 404
    assert client.get(target).status_code in (404, 405)


def test_the_front_desk_can_move_a_visit_to_any_physiotherapist(client, physiotherapist):
    colleague = make_physiotherapist(first_name="Cole", last_name="League")
    visit = booked(physiotherapist)
    client.force_login(make_front_desk())
    data = {"date": "2026-03-18", "start_time": "09:00", "physiotherapist": colleague.pk,
            "visit_type": visit_type(FOLLOW_UP).pk}  # fmt: skip
    client.post(url("visit-move", visit), data)
    visit.refresh_from_db()
    assert (visit.physiotherapist, visit.visit_type.name) == (colleague, FOLLOW_UP)


@pytest.mark.parametrize("status", ["cancelled", "attended", "no_show"])
def test_the_no_show_confirmation_of_a_visit_not_booked_offers_nothing_to_confirm(
    client, physiotherapist, front_desk, status
):
    visit = make_visit(make_course(physiotherapist=physiotherapist), TODAY, time(9), status=status)
    client.force_login(front_desk)
    html = page_text(client.get(url("visit-no-show", visit)))
    assert "it cannot be marked a no-show." in html
    assert "Yes, mark it a no-show" not in html
