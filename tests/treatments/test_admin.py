"""The admin keeps the same rules as the app: the weekly rule, no deletes, roles."""

import html
from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    TODAY,
    make_clinic_admin,
    make_course,
    make_front_desk,
    make_physiotherapist,
    make_visit,
    visit_type,
)
from treatments.booking.forms import BookingForm
from treatments.models import Visit, VisitType

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return make_course(started_on=TODAY - timedelta(days=30))


def admin_visit_form(course, day: date, **fields) -> dict:
    """What the admin's add form posts for a visit of the course."""
    return {"patient": course.patient.pk, "course": course.pk,
            "physiotherapist": course.physiotherapist.pk, "visit_type": visit_type().pk,
            "date": day.isoformat(), "start_time": "10:00", "outcome": "attended", "reason": "",
            **fields}  # fmt: skip


def change_form(visit: Visit, **fields) -> dict:
    """What the admin's change form posts for a visit, as it is, with `fields` changed."""
    return {"physiotherapist": visit.physiotherapist_id, "visit_type": visit.visit_type_id,
            "date": visit.date.isoformat(), "start_time": f"{visit.start_time:%H:%M}",
            "change": "", "reason": "", **fields}  # fmt: skip


def add(client, course, day: date, **fields):
    return client.post(
        reverse("admin:treatments_visit_add"), admin_visit_form(course, day, **fields)
    )


def change(client, visit: Visit, **fields):
    url = reverse("admin:treatments_visit_change", args=[visit.pk])
    return client.post(url, change_form(visit, **fields))


def test_a_physiotherapist_books_a_visit_ahead_in_the_admin_through_the_booking_rules(
    client, course
):
    client.force_login(course.physiotherapist)
    day = TODAY + timedelta(days=6)  # a Monday
    assert add(client, course, day).status_code == 302
    visit = Visit.objects.get(course=course)
    assert (visit.date, visit.status, visit.is_needling) == (day, Visit.Status.BOOKED, True)
    assert visit.history.first().history_change_reason == "Booked"


def test_the_admin_records_a_past_visit_with_its_outcome(client, course):
    client.force_login(course.physiotherapist)
    day = TODAY - timedelta(days=8)
    assert add(client, course, day, outcome="cancelled", reason="Snowstorm").status_code == 302
    visit = Visit.objects.get(course=course)
    assert visit.status == Visit.Status.CANCELLED and visit.cancellation_reason == "Snowstorm"
    assert visit.cancelled_at is not None  # the admin can no longer leave it out


def test_the_admin_refuses_a_visit_six_days_after_another_and_keeps_what_was_typed(client, course):
    make_visit(course, TODAY + timedelta(days=3))
    client.force_login(course.physiotherapist)
    response = add(client, course, TODAY + timedelta(days=9))
    assert response.status_code == 200
    assert "at most once a week" in response.content.decode()
    assert response.context["adminform"].form["date"].value() == str(TODAY + timedelta(days=9))
    assert Visit.objects.filter(course=course).count() == 1


def test_the_admin_refuses_a_visit_booked_with_someone_who_is_not_a_physiotherapist(client, course):
    client.force_login(course.physiotherapist)
    response = add(client, course, TODAY + timedelta(days=6), physiotherapist=make_front_desk().pk)
    assert response.status_code == 200
    assert not Visit.objects.exists()


def test_the_admin_moves_a_booked_visit_by_editing_its_time(client, course):
    visit = make_visit(course, TODAY + timedelta(days=6), time(10, 0))
    client.force_login(course.physiotherapist)
    assert change(client, visit, start_time="11:30").status_code == 302
    visit.refresh_from_db()
    assert visit.start_time == time(11, 30)
    assert visit.history.first().history_change_reason == "Moved"


@pytest.mark.parametrize(
    ("days", "status", "change_to", "refusal"),
    [
        (6, "booked", "cancel", "Give the reason the visit was cancelled."),
        (6, "booked", "mark_attended", "marked attended or missed only once it has started"),
        (6, "cancelled", "mark_attended", "Select a valid choice."),
        (-6, "attended", "undo_attended", "Say why: the reason is kept in the visit's history."),
        # A visit on file from before the rule: shown with the rule's message, not a 500.
        (6, "attended", "undo_attended", "marked attended or missed only once it has started"),
    ],
)
def test_the_admin_changes_a_status_only_by_a_named_change_the_status_allows(
    client, course, days, status, change_to, refusal
):
    visit = make_visit(course, TODAY + timedelta(days=days), status=status)
    client.force_login(course.physiotherapist)
    response = change(client, visit, change=change_to)
    assert response.status_code == 200
    assert refusal in html.unescape(response.content.decode())
    assert Visit.objects.get(pk=visit.pk).status == status


def test_the_admin_cancels_a_visit_with_the_reason_and_the_time(client, course):
    visit = make_visit(course, TODAY + timedelta(days=6))
    client.force_login(course.physiotherapist)
    assert change(client, visit, change="cancel", reason="Moved away").status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED and visit.cancelled_at is not None


def test_the_status_is_not_a_field_the_admin_can_set(client, course):
    visit = make_visit(course, TODAY + timedelta(days=6))
    client.force_login(course.physiotherapist)
    change(client, visit, status="attended", cancelled_at="")
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.BOOKED


def test_the_admin_cannot_delete_a_visit_or_a_patient(client, course):
    visit = make_visit(course, date.today() + timedelta(days=3))
    client.force_login(course.physiotherapist)
    assert client.get(reverse("admin:treatments_visit_delete", args=[visit.pk])).status_code == 403
    patient_delete = reverse("admin:patients_patient_delete", args=[course.patient.pk])
    assert client.post(patient_delete, {"post": "yes"}).status_code == 403
    changelist = client.get(reverse("admin:patients_patient_changelist")).content.decode()
    assert "delete_selected" not in changelist
    assert Visit.objects.filter(pk=visit.pk).exists()


@pytest.mark.parametrize("make_staff", [make_clinic_admin, make_front_desk])
def test_staff_who_are_not_physiotherapists_see_no_clinical_records_in_the_admin(
    client, course, make_staff
):
    user = make_staff()
    user.is_staff = True
    user.save()
    client.force_login(user)
    index = client.get(reverse("admin:index")).content.decode()
    assert "Visits" not in index and "Screenings" not in index
    for name in ["patients_patient", "patients_screening", "treatments_visit",
                 "treatments_chart", "treatments_treatmentcourse"]:  # fmt: skip
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403


def test_the_clinic_admin_manages_needling_authorizations(client):
    client.force_login(make_clinic_admin())
    assert (
        client.get(reverse("admin:treatments_physiotherapistprofile_changelist")).status_code == 200
    )
    assert client.get(reverse("admin:content_page_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200


@pytest.mark.postgresql
def test_a_save_that_loses_a_race_says_so_and_saves_nothing(client, course, monkeypatch):
    """Another visit of the patient got in between the check and the save: the database's
    constraint refuses it, and the admin says so on the form."""
    make_visit(course, TODAY + timedelta(days=6))
    monkeypatch.setattr("treatments.booking.rules.check_once_a_week", lambda visit, **_: None)
    client.force_login(course.physiotherapist)
    response = add(client, course, TODAY + timedelta(days=8))
    assert "Another visit for this patient was saved at the same moment" in html.unescape(
        response.content.decode()
    )
    assert Visit.objects.filter(course=course).count() == 1


# Visit types and needling authorizations: the clinic admin's ----------------------------


def test_the_clinic_admin_adds_a_visit_type_which_the_booking_page_then_offers(client):
    client.force_login(make_clinic_admin())
    data = {"name": "Group exercise", "length_minutes": "45", "colour": "orange",
            "is_active": "on", "position": "5"}  # fmt: skip
    assert client.post(reverse("admin:treatments_visittype_add"), data).status_code == 302
    added = VisitType.objects.get(name="Group exercise")
    assert (added.length_minutes, added.is_needling) == (45, False)
    assert added in BookingForm().fields["visit_type"].queryset


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "ims TREATMENT"}, "There is a visit type with this name already."),
        ({"length_minutes": "32"}, "A visit lasts from 5 to 240 minutes, in steps of 5."),
        ({"length_minutes": "0"}, "Ensure this value is greater than or equal to 5."),
        ({"length_minutes": "99999999999999999999"}, "Ensure this value is less than or equal"),
        ({"colour": "<script>"}, "Select a valid choice."),
    ],
)
def test_the_admin_refuses_a_bad_visit_type(client, changes, message):
    client.force_login(make_clinic_admin())
    data = {"name": "Long treatment", "length_minutes": "60", "colour": "blue",
            "position": "0", **changes}  # fmt: skip
    response = client.post(reverse("admin:treatments_visittype_add"), data)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not VisitType.objects.filter(name__in=["Long treatment", "ims TREATMENT"]).exists()


def test_a_visit_type_is_retired_never_deleted(client):
    client.force_login(make_clinic_admin())
    treatment = visit_type()
    url = reverse("admin:treatments_visittype_delete", args=[treatment.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert VisitType.objects.filter(pk=treatment.pk).exists()


def test_only_the_clinic_admin_keeps_the_visit_types(client, course):
    client.force_login(course.physiotherapist)
    assert client.get(reverse("admin:treatments_visittype_changelist")).status_code == 403


def test_the_clinic_admin_sees_the_authorizations_to_renew_on_the_admin_index(client):
    soon = make_physiotherapist(first_name="Sam", last_name="Soon",
                                authorized_until=TODAY + timedelta(days=12))  # fmt: skip
    make_physiotherapist(first_name="Lee", last_name="Later",
                         authorized_until=TODAY + timedelta(days=90))  # fmt: skip
    client.force_login(make_clinic_admin())
    page = html.unescape(client.get(reverse("admin:index")).content.decode())
    assert "Needling authorizations to renew" in page
    assert "Sam Soon</a>: expires on 22 March 2026" in page
    assert "Lee Later" not in page
    listed = client.get(
        reverse("admin:treatments_physiotherapistprofile_changelist"),
        {"authorization": "expiring"},
    )
    assert list(listed.context["cl"].result_list) == [soon.physiotherapist_profile]


def test_a_needling_visit_booked_with_an_expiring_authorization_is_booked_with_a_warning(
    client,
):
    lapsing = make_physiotherapist(authorized_until=TODAY + timedelta(days=3))
    course = make_course(physiotherapist=lapsing)
    client.force_login(lapsing)
    response = add(
        client,
        course,
        TODAY + timedelta(days=6),
    )
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("needling authorization will have expired by Monday 16 March" in m for m in messages)
