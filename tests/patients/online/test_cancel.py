"""A signed-in patient cancels one of their own upcoming visits, up to the clinic's notice:
a page to confirm, then the booking service cancels it, late or not, as the front desk would."""

from datetime import time, timedelta

import pytest
from django.urls import reverse

from ims_clinic.models import AuditEntry
from patients.online.cancelling import CancelError, cancel_online
from tests.factories import TODAY, make_course, make_physiotherapist, make_visit
from tests.patients.online.helpers import online_patient, sign_in_by_link
from treatments.models import ClinicSettings, TreatmentCourse, Visit

pytestmark = pytest.mark.django_db
VISITS = reverse("patients:online-visits")


@pytest.fixture
def avery(clock):
    physiotherapist = make_physiotherapist(first_name="Priya", last_name="Physio")
    patient = online_patient(email="avery@example.com", legal_first_name="Avery")
    make_course(patient, physiotherapist)
    return patient


def visit_of(patient, day, at=time(10), **fields) -> Visit:
    return make_visit(TreatmentCourse.objects.get(patient=patient), day, at, **fields)


def cancel_url(visit) -> str:
    return reverse("patients:online-visit-cancel", args=[visit.pk])


def set_notice(hours: int) -> None:
    ClinicSettings.objects.update_or_create(
        pk=1, defaults={"online_cancellation_notice_hours": hours}
    )


def test_a_patient_confirms_and_cancels_a_visit_days_ahead(client, avery):
    visit = visit_of(avery, TODAY + timedelta(days=2), time(9, 30))
    sign_in_by_link(client, avery)
    assert "Cancel this visit" in client.get(VISITS).content.decode()
    page = client.get(cancel_url(visit)).content.decode()
    assert page.count("<h1") == 1
    assert "Thursday 12 March 2026, 09:30" in page
    assert "Yes, cancel this visit" in page
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BOOKED  # the page only asks
    response = client.post(cancel_url(visit), {"reason": "  Away   for work "}, follow=True)
    assert "Your visit on 12 March is cancelled." in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
    assert visit.cancellation_reason == "Cancelled online by the patient: Away for work"
    assert not visit.is_late_cancellation
    assert visit.history.latest().history_change_reason == "Cancelled"
    entry = AuditEntry.objects.get(detail="Visit cancelled online by the patient")
    assert entry.record_id == str(visit.pk)
    assert (entry.patient_id, entry.user_id) == (avery.pk, None)


def test_without_a_reason_the_visit_says_it_was_cancelled_online(client, avery):
    visit = visit_of(avery, TODAY + timedelta(days=3))
    sign_in_by_link(client, avery)
    client.post(cancel_url(visit), {})
    visit.refresh_from_db()
    assert visit.cancellation_reason == "Cancelled online by the patient"


def test_inside_the_notice_the_page_says_to_call_and_offers_no_button(client, avery, settings):
    settings.CLINIC_PHONE = "604-555-0100"
    visit = visit_of(avery, TODAY + timedelta(days=1), time(9))  # 21 hours away
    sign_in_by_link(client, avery)
    page = client.get(VISITS).content.decode()
    assert "Cancel this visit" not in page
    assert "less than 24 hours away" in page and "604-555-0100" in page
    page = client.get(cancel_url(visit)).content.decode()
    assert "Yes, cancel this visit" not in page and "Please call us at 604-555-0100" in page
    response = client.post(cancel_url(visit), {"reason": "Sick"})
    assert response.status_code == 400
    assert "cannot be cancelled online" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BOOKED
    assert not AuditEntry.objects.filter(detail__contains="cancelled online").exists()


def test_the_visits_location_phone_is_the_one_to_call(client, avery, settings):
    settings.CLINIC_PHONE = "604-555-0100"
    visit = visit_of(avery, TODAY, time(15))
    visit.location.phone = "604-555-0199"
    visit.location.save()
    sign_in_by_link(client, avery)
    assert "Please call us at 604-555-0199" in client.get(VISITS).content.decode()


def test_the_clinic_sets_the_notice_and_a_cancellation_inside_24_hours_is_late(client, avery):
    set_notice(2)
    visit = visit_of(avery, TODAY, time(15))  # three hours away
    sign_in_by_link(client, avery)
    assert "Cancel this visit" in client.get(VISITS).content.decode()
    assert client.post(cancel_url(visit))["Location"] == VISITS
    visit.refresh_from_db()
    assert visit.status == Visit.Status.CANCELLED
    assert visit.is_late_cancellation  # as the front desk's would be


def test_with_no_notice_a_visit_can_be_cancelled_until_it_starts(client, avery, clock):
    set_notice(0)
    visit = visit_of(avery, TODAY, time(12, 15))
    sign_in_by_link(client, avery)
    assert "Cancel this visit" in client.get(VISITS).content.decode()
    clock.shift(timedelta(minutes=20))  # the session lasts 30
    assert client.post(cancel_url(visit)).status_code == 400
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BOOKED


@pytest.mark.parametrize(
    ("state", "message"),
    [("cancelled", "already cancelled"), ("attended", "started or is over"),
     ("past", "started or is over"), ("checked in", "started or is over")],
)  # fmt: skip
def test_a_visit_cancelled_started_or_past_is_refused_with_a_message(client, avery, state, message):
    set_notice(0)
    if state == "cancelled":
        visit = visit_of(avery, TODAY + timedelta(days=5), status=Visit.Status.CANCELLED)
    elif state == "attended":
        visit = visit_of(avery, TODAY - timedelta(days=7), status=Visit.Status.ATTENDED)
    elif state == "past":
        visit = visit_of(avery, TODAY - timedelta(days=1))
    else:
        visit = visit_of(avery, TODAY, time(12, 15))
        Visit.objects.filter(pk=visit.pk).update(checked_in_at=visit.starts_at)
    before = Visit.objects.filter(pk=visit.pk).values().get()
    sign_in_by_link(client, avery)
    assert message in client.get(cancel_url(visit)).content.decode()
    response = client.post(cancel_url(visit), {"reason": "x"})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Visit.objects.filter(pk=visit.pk).values().get() == before


def test_another_patients_visit_is_not_found_and_stays_booked(client, avery):
    blake = online_patient(email="blake@example.com")
    blakes_visit = make_visit(make_course(blake), TODAY + timedelta(days=3))
    sign_in_by_link(client, avery)
    assert client.get(cancel_url(blakes_visit)).status_code == 404
    assert client.post(cancel_url(blakes_visit)).status_code == 404
    assert client.post("/patients/online/visits/999999/cancel/").status_code == 404
    blakes_visit.refresh_from_db()
    assert blakes_visit.status == Visit.Status.BOOKED
    with pytest.raises(CancelError, match="not one of your visits"):
        cancel_online(patient=avery, visit=blakes_visit)


def test_a_reason_too_long_is_refused_with_a_message(client, avery):
    visit = visit_of(avery, TODAY + timedelta(days=3))
    sign_in_by_link(client, avery)
    response = client.post(cancel_url(visit), {"reason": "x" * 201})
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BOOKED


def test_staff_and_visitors_are_sent_to_the_patients_sign_in(client, avery, front_desk):
    visit = visit_of(avery, TODAY + timedelta(days=3))
    for person in [None, front_desk]:
        if person:
            client.force_login(person)
        for method in [client.get, client.post]:
            assert method(cancel_url(visit))["Location"].split("?")[0] == reverse(
                "patients:online-sign-in"
            )
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BOOKED


def test_the_confirmation_page_runs_a_fixed_number_of_queries(
    client, avery, django_assert_num_queries
):
    visit = visit_of(avery, TODAY + timedelta(days=3))
    sign_in_by_link(client, avery)
    with django_assert_num_queries(5):  # session, patient, visit, settings, locations
        client.get(cancel_url(visit))


def test_a_visit_changed_by_the_front_desk_since_the_page_opened_is_not_cancelled(avery):
    visit = visit_of(avery, TODAY + timedelta(days=3))
    Visit.objects.filter(pk=visit.pk).update(status=Visit.Status.NO_SHOW)
    with pytest.raises(CancelError, match="changed in the meantime"):
        cancel_online(patient=avery, visit=visit)  # as the page loaded it: still booked
    assert Visit.objects.get(pk=visit.pk).status == Visit.Status.NO_SHOW
