"""The page an emailed visit link opens: that one visit, its calendar file and cancelling it,
without signing in; anything else about the link is refused with a plain reason."""

from datetime import time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from ims_clinic.models import AuditEntry
from patients.online.session import SESSION_KEY
from patients.online.visit_links import make_token
from tests.factories import TODAY, make_course, make_physiotherapist, make_visit
from tests.patients.online.helpers import online_patient
from treatments.booking.services import move_visit
from treatments.models import ClinicSettings, Location, Visit

pytestmark = pytest.mark.django_db
Action = AuditEntry.Action
SIGN_IN = reverse("patients:online-sign-in")


@pytest.fixture
def visit(clock, settings):
    settings.CLINIC_PHONE = "604-555-0100"
    patient = online_patient(email="avery@example.com", legal_first_name="Avery")
    course = make_course(patient, make_physiotherapist(first_name="Priya", last_name="Physio"))
    return make_visit(course, TODAY + timedelta(days=2), time(9, 30))


def page_of(visit: Visit) -> str:
    return reverse("patients:online-visit-link", args=[make_token(visit)])


def calendar_of(visit: Visit) -> str:
    return reverse("patients:online-visit-link-ics", args=[make_token(visit)])


def assert_private(response) -> None:
    assert "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Robots-Tag"] == "noindex"


def test_the_link_shows_the_visit_without_signing_the_patient_in(client, visit):
    response = client.get(page_of(visit))
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<h1") == 1 and "Your visit" in page
    assert "Thursday 12 March 2026, 09:30" in page
    assert "IMS treatment with Priya Physio" in page
    assert "Add to my calendar" in page and "Yes, cancel this visit" in page
    # This clinic does not book online, so moving is by phone (with online booking on:
    # tests/patients/online/test_visit_link_move.py).
    assert "Online booking is off: please call the clinic to move a visit." in page
    assert '<meta name="robots" content="noindex">' in page
    assert_private(response)
    assert SESSION_KEY not in client.session
    assert client.get(reverse("patients:online-visits"))["Location"].split("?")[0] == SIGN_IN
    entry = AuditEntry.objects.get(action=Action.VIEWED)
    assert (entry.username, entry.patient_id, entry.user_id) == (
        f"patient {visit.patient_id}",
        visit.patient_id,
        None,
    )
    assert entry.record_id == str(visit.pk)


def test_the_location_is_named_when_the_clinic_has_several(client, visit):
    assert "At Main clinic" not in client.get(page_of(visit)).content.decode()
    visit.location.name = "Main clinic"
    visit.location.save()
    Location.objects.create(name="Second clinic", address="1 Other St")
    assert "At Main clinic" in client.get(page_of(visit)).content.decode()


def test_the_calendar_file_is_that_visit(client, visit):
    response = client.get(calendar_of(visit))
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="appointment-2026-03-12.ics"'
    assert_private(response)
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == visit.starts_at
    assert "Priya Physio" in str(event["description"])
    entry = AuditEntry.objects.get(action=Action.EXPORTED)
    assert (entry.username, entry.detail) == (
        f"patient {visit.patient_id}",
        "Calendar file, by an emailed link",
    )


def test_the_patient_cancels_by_the_link_and_the_link_then_says_so(client, visit):
    url = page_of(visit)
    response = client.post(url, {"reason": "  Away   for work "})
    assert response["Location"] == url + "cancelled/"
    assert_private(response)
    response = client.get(response["Location"])
    page = response.content.decode()
    assert response.status_code == 200
    assert "Your visit on 12 March is cancelled." in page
    assert page.count("<h1") == 1
    assert_private(response)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
    assert visit.cancellation_reason == "Cancelled online by the patient: Away for work"
    entry = AuditEntry.objects.get(detail="Visit cancelled by an emailed link")
    assert (entry.action, entry.username) == (Action.CHANGED, f"patient {visit.patient_id}")
    again = client.get(url)  # the token names the same time: only the status says
    assert again.status_code == 400
    assert "This visit is cancelled, so this link no longer works." in again.content.decode()
    assert SESSION_KEY not in client.session


def test_a_cancel_posted_from_another_site_is_refused_and_cancels_nothing(visit):
    """The link's page keeps Django's CSRF check: a form on another site that knows the link
    cannot cancel the visit through the patient's browser."""
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(page_of(visit), {}, HTTP_ORIGIN="https://elsewhere.example")
    assert response.status_code == 403
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.BOOKED


def test_inside_the_notice_the_page_says_to_call_and_cancels_nothing(client, visit, clock):
    clock.shift(timedelta(days=1, hours=12))  # 9 hours and a half before the visit
    response = client.get(page_of(visit))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Yes, cancel this visit" not in page
    assert "less than 24 hours away" in page and "Please call us at 604-555-0100" in page
    assert "Choose a new time" not in page
    response = client.post(page_of(visit), {"reason": "Sick"})
    assert response.status_code == 400
    assert "cannot be cancelled online" in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.BOOKED
    assert not AuditEntry.objects.filter(detail__contains="cancelled").exists()


def test_the_clinics_own_notice_is_the_rule(client, visit, clock):
    ClinicSettings.objects.update_or_create(pk=1, defaults={"online_cancellation_notice_hours": 2})
    clock.shift(timedelta(days=1, hours=18))  # 3 and a half hours before
    assert client.post(page_of(visit)).status_code == 302
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED and visit.is_late_cancellation


def test_a_reason_too_long_is_refused_with_a_message(client, visit):
    response = client.post(page_of(visit), {"reason": "x" * 201})
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.BOOKED


def test_after_the_visit_starts_the_link_has_expired(client, visit, clock):
    url = page_of(visit)
    clock.shift(timedelta(days=2))
    for response in [client.get(url), client.post(url), client.get(calendar_of(visit))]:
        assert response.status_code == 400
        assert "it works until the visit starts" in response.content.decode()
        assert_private(response)
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.BOOKED


def test_a_moved_visits_old_link_names_the_old_time(client, visit):
    url = page_of(visit)
    move_visit(visit, day=TODAY + timedelta(days=3), start_time=time(11))
    response = client.post(url)
    page = response.content.decode()
    assert response.status_code == 400
    assert "This link was for your visit on Thursday 12 March at 09:30" in page
    assert "has been moved" in page and "11:00" not in page
    assert f'href="{SIGN_IN}"' in page and "604-555-0100" in page
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.BOOKED
    refused = AuditEntry.objects.get(action=Action.REFUSED)
    assert (refused.username, refused.patient_id) == ("visit link", visit.patient_id)


def test_the_cancelled_page_of_a_visit_still_booked_leads_back_to_the_visit(client, visit):
    url = page_of(visit)
    assert client.get(url + "cancelled/")["Location"] == url


def tampered(visit: Visit) -> str:
    token = make_token(visit)
    return token[:-1] + ("A" if token[-1] != "A" else "B")


@pytest.mark.parametrize(
    "token",
    ["x" * 43, "x" * 5000, "%F0%9F%A6%B4" * 10, "é" * 30, "..%2F..%2Fadmin", "a:b:c" * 9,
     "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%00" * 30],
)  # fmt: skip
def test_a_link_we_never_sent_is_not_found(client, visit, token):
    for url in [f"/patients/online/visit/{token}/", f"/patients/online/visit/{token}/calendar.ics",
                f"/patients/online/visit/{token}/cancelled/"]:  # fmt: skip
        for method in [client.get, client.post]:
            response = method(url)
            assert response.status_code == 404, url
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.BOOKED


def test_a_tampered_link_is_not_found_and_says_to_copy_the_whole_link(client, visit):
    response = client.post(reverse("patients:online-visit-link", args=[tampered(visit)]))
    assert response.status_code == 404
    assert "Copy the whole link from the email." in response.content.decode()
    assert_private(response)
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.BOOKED
    assert AuditEntry.objects.get(action=Action.REFUSED).patient_id is None


def test_staff_and_other_patients_signed_in_see_the_same_visit_and_stay_who_they_are(
    client, visit, front_desk
):
    client.force_login(front_desk)
    assert "IMS treatment with Priya Physio" in client.get(page_of(visit)).content.decode()
    assert client.session["_auth_user_id"] == str(front_desk.pk)
    assert SESSION_KEY not in client.session


def test_the_page_runs_a_fixed_number_of_queries(client, visit, django_assert_num_queries):
    course = visit.course
    for days in range(3, 13):
        make_visit(course, TODAY + timedelta(days=days * 7))
    with django_assert_num_queries(4):  # the visit, the notice, the locations, the audit entry
        client.get(page_of(visit))
    with django_assert_num_queries(2):  # the visit, the audit entry
        client.get(calendar_of(visit))


# Any text at all, and text shaped like our tokens (so it reaches the signature check).
TOKENS = (
    st.text(min_size=1, max_size=300)
    | st.text(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_:-",
        min_size=20,
        max_size=200,
    )
).filter(lambda token: "/" not in token)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=50)
@given(token=TOKENS, reason=st.text(max_size=300))
def test_no_token_and_no_reason_ever_fails_the_page(visit, token, reason):
    client = Client()
    for name in [
        "patients:online-visit-link",
        "patients:online-visit-link-ics",
        "patients:online-visit-link-cancelled",
    ]:
        url = reverse(name, args=[token])
        assert client.get(url).status_code == 404
        assert client.post(url, {"reason": reason}).status_code == 404
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.BOOKED


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=30)
@given(
    reason=st.text(max_size=300)
    | st.sampled_from(["\x00", "<script>alert(1)</script>", "x" * 10_000])
)
def test_any_reason_cancels_or_is_refused_with_a_message_never_a_failure(visit, reason):
    Visit.objects.filter(pk=visit.pk).update(
        status=Visit.Status.BOOKED, cancelled_at=None, cancellation_reason=""
    )
    response = Client().post(page_of(visit), {"reason": reason})
    assert response.status_code in {302, 400}
    assert b"<script>alert(" not in response.content
    cancelled = Visit.objects.get(pk=visit.pk).status == Visit.Status.CANCELLED
    assert cancelled == (response.status_code == 302)


def test_the_audit_trail_keeps_no_working_link(client, visit):
    url = page_of(visit)
    client.get(url)
    entry = AuditEntry.objects.get(detail="Visit opened by an emailed link")
    token = url.rstrip("/").rsplit("/", 1)[-1]
    assert token not in entry.path and "[link secret]" in entry.path
