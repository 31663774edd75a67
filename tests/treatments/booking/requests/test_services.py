"""Asking for a first assessment, booking one directly, and the front desk booking or
declining a request (treatments/booking/requests/services.py)."""

from datetime import date, time, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from patients.models import Patient
from tests.factories import (
    TODAY,
    make_front_desk,
    make_patient,
    make_physiotherapist,
    visit_type,
)
from tests.treatments.booking.helpers import MONDAY
from tests.treatments.booking.requests.helpers import (
    a_request,
    details,
    let_new_patients_book,
    turn_on_online_booking,
)
from treatments.booking.requests import services
from treatments.booking.requests.times import assessment_type, free_assessment_times
from treatments.models import AppointmentRequest, ClinicSettings, Location, Visit, VisitType

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
Status = AppointmentRequest.Status


def messages_of(error: pytest.ExceptionInfo) -> dict:
    return error.value.message_dict


# Asking ---------------------------------------------------------------------------------


def test_it_keeps_a_request_waiting_and_emails_an_acknowledgement_without_health_detail(
    django_capture_on_commit_callbacks,
):
    turn_on_online_booking()
    with django_capture_on_commit_callbacks(execute=True):
        found = a_request(email="  Jordan@Example.com ", first_name=" Jordan ")
    found.refresh_from_db()
    assert (found.status, found.email, found.first_name) == (
        Status.WAITING, "jordan@example.com", "Jordan"
    )  # fmt: skip
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["jordan@example.com"]
    assert "call or email you" in email.body
    assert "shoulder" not in email.body and "Mornings" not in email.body


def test_it_refuses_a_request_while_online_booking_is_off():
    with pytest.raises(ValidationError, match="not taking requests online"):
        a_request()
    assert not AppointmentRequest.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"date_of_birth": TODAY + timedelta(days=1)}, "date_of_birth", "cannot be in the future"),
        ({"date_of_birth": date(1899, 12, 31)}, "date_of_birth", "1900 or later"),
        ({"phone": "555-12"}, "phone", "at least 7 digits"),
        ({"phone": "1" * 31}, "phone", "at most 30 characters"),
        ({"email": "not an email"}, "email", "valid email"),
        ({"first_name": "   "}, "first_name", "cannot be blank"),
        ({"problem": "x" * 201}, "problem", "200 characters or fewer"),
        ({"times_that_suit": "y" * 501}, "times_that_suit", "at most 500 characters"),
        ({"last_name": "z" * 81}, "last_name", "at most 80 characters"),
    ],
)
def test_it_refuses_a_request_with_a_clear_message_and_keeps_nothing(changes, field, message):
    turn_on_online_booking()
    with pytest.raises(ValidationError) as error:
        a_request(**changes)
    assert message in " ".join(messages_of(error)[field])
    assert not AppointmentRequest.objects.exists()
    assert mail.outbox == []


def test_it_refuses_a_location_that_has_closed():
    turn_on_online_booking()
    closed = Location.objects.create(name="Old clinic", is_open=False)
    with pytest.raises(ValidationError, match="open locations"):
        services.ask_for_assessment(details=details(), location=closed)


# The front desk books -------------------------------------------------------------------


def book(found, physiotherapist, *, patient=None, at=time(10), day=MONDAY):
    return services.book_request(
        found, by=make_front_desk(), physiotherapist=physiotherapist,
        visit_type=visit_type("Initial assessment"), day=day, start_time=at, patient=patient,
    )  # fmt: skip


def test_booking_a_request_makes_the_patients_record_and_the_visit(physiotherapist):
    turn_on_online_booking()
    found = a_request()
    visit = book(found, physiotherapist)
    found.refresh_from_db()
    assert (found.status, found.visit, found.patient) == (Status.BOOKED, visit, visit.patient)
    assert found.handled_at is not None and found.handled_by is not None
    patient = visit.patient
    assert (patient.legal_first_name, patient.legal_last_name, patient.email) == (
        "Jordan", "Reyes", "jordan@example.com"
    )  # fmt: skip
    assert patient.primary_concern == "Sore shoulder since the winter"
    assert (visit.date, visit.start_time, visit.status) == (MONDAY, time(10), Visit.Status.BOOKED)


def test_booking_a_request_for_a_record_on_file_makes_no_second_record(physiotherapist):
    turn_on_online_booking()
    on_file = make_patient(legal_first_name="Jordan", date_of_birth=date(1985, 6, 1))
    found = a_request()
    patients = Patient.objects.count()
    visit = book(found, physiotherapist, patient=on_file)
    assert visit.patient == on_file
    assert Patient.objects.count() == patients


def test_a_refused_time_books_nothing_and_leaves_the_request_waiting(physiotherapist):
    turn_on_online_booking()
    found = a_request()
    patients = Patient.objects.count()
    saturday = MONDAY - timedelta(days=2)
    with pytest.raises(ValidationError, match="closed"):
        book(found, physiotherapist, day=saturday)
    found.refresh_from_db()
    assert found.status == Status.WAITING
    assert Patient.objects.count() == patients
    assert not Visit.objects.exists()


def test_a_request_cannot_be_booked_twice(physiotherapist):
    """Two front desk clicks on one request: the second finds it booked and books nothing."""
    turn_on_online_booking()
    found = a_request()
    stale = AppointmentRequest.objects.get(pk=found.pk)  # the second page, opened before
    book(found, physiotherapist)
    with pytest.raises(ValidationError, match="already booked or declined"):
        book(stale, physiotherapist, at=time(14))
    assert Visit.objects.count() == 1
    assert Patient.objects.count() == 1


def test_a_declined_request_cannot_be_booked(physiotherapist):
    turn_on_online_booking()
    found = a_request()
    services.decline_request(found, by=make_front_desk(), reason="We do not treat children")
    with pytest.raises(ValidationError, match="already booked or declined"):
        book(found, physiotherapist)
    assert not Visit.objects.exists()


# The front desk declines ----------------------------------------------------------------


def test_declining_keeps_the_reason_and_emails_it_only_when_asked(
    django_capture_on_commit_callbacks,
):
    turn_on_online_booking()
    quiet, told = a_request(), a_request(email="sam@example.com")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_request(quiet, by=make_front_desk(), reason="Full until June")
        services.decline_request(told, by=make_front_desk(), reason="Full until June",
                                 tell_them=True)  # fmt: skip
    quiet.refresh_from_db()
    assert (quiet.status, quiet.decline_reason) == (Status.DECLINED, "Full until June")
    assert [email.to for email in mail.outbox] == [["sam@example.com"]]
    assert "Full until June" in mail.outbox[0].body


def test_declining_without_a_reason_is_refused():
    turn_on_online_booking()
    found = a_request()
    with pytest.raises(ValidationError) as error:
        services.decline_request(found, by=make_front_desk(), reason="   ")
    assert "Say why" in messages_of(error)["decline_reason"][0]
    found.refresh_from_db()
    assert found.status == Status.WAITING


def test_a_request_cannot_be_declined_twice():
    turn_on_online_booking()
    found = a_request()
    services.decline_request(found, by=make_front_desk(), reason="Duplicate")
    with pytest.raises(ValidationError, match="already booked or declined"):
        services.decline_request(found, by=make_front_desk(), reason="Again")


# Records that may be the same person -------------------------------------------------------


def test_it_suggests_records_with_the_same_email_or_birth_date_and_a_name():
    turn_on_online_booking()
    born = date(1985, 6, 1)
    by_email = make_patient(email="JORDAN@example.com", date_of_birth=date(1970, 1, 1))
    by_name = make_patient(legal_last_name="Reyes", date_of_birth=born, email="")
    make_patient(legal_last_name="Other", date_of_birth=born, email="")  # a stranger
    found = a_request()
    assert services.records_like([found]) == {
        found.pk: sorted(
            [by_email, by_name], key=lambda p: (p.legal_last_name, p.legal_first_name, p.pk)
        )
    }


def test_it_finds_the_records_of_many_requests_in_one_query(django_assert_num_queries):
    turn_on_online_booking()
    requests = [a_request(email=f"n{n}@example.com") for n in range(5)]
    with django_assert_num_queries(1):
        services.records_like(requests)


# Booking directly -----------------------------------------------------------------------


def test_a_new_patient_books_a_free_time_and_the_request_is_kept_as_booked(
    physiotherapist, django_capture_on_commit_callbacks
):
    assessment = let_new_patients_book(physiotherapist)
    offered = free_assessment_times(assessment, ClinicSettings.load())
    with django_capture_on_commit_callbacks(execute=True):
        found = services.book_first_assessment(details=details(), time_key=offered[0].key)
    found.refresh_from_db()
    visit = found.visit
    assert found.status == Status.BOOKED and found.handled_by is None
    assert (visit.date, visit.start_time) == (offered[0].day, offered[0].start_time)
    assert visit.booked_online and visit.visit_type == assessment
    assert visit.patient.email == "jordan@example.com"
    assert "is booked for" in mail.outbox[0].body


def test_the_times_offered_keep_the_clinics_notice_and_only_bookable_physiotherapists(
    physiotherapist,
):
    make_physiotherapist()  # not bookable online: never offered
    assessment = let_new_patients_book(physiotherapist)
    clinic = ClinicSettings.load()
    clinic.online_booking_notice_hours = 48
    clinic.save()
    offered = free_assessment_times(assessment, clinic)
    assert offered
    assert {slot.physiotherapist_id for slot in offered} == {physiotherapist.pk}
    # Noon on Tuesday, 48 hours' notice: Thursday noon at the earliest.
    assert (offered[0].day, offered[0].start_time) >= (TODAY + timedelta(days=2), time(12))


def test_a_time_taken_meanwhile_books_nothing(physiotherapist):
    assessment = let_new_patients_book(physiotherapist)
    first = free_assessment_times(assessment, ClinicSettings.load())[0]
    services.book_first_assessment(details=details(), time_key=first.key)
    with pytest.raises(ValidationError) as error:
        services.book_first_assessment(details=details(email="b@example.com"), time_key=first.key)
    assert "no longer free" in messages_of(error)["time"][0]
    assert Visit.objects.count() == 1 and Patient.objects.count() == 1


def test_a_made_up_time_books_nothing(physiotherapist):
    let_new_patients_book(physiotherapist)
    for key in ["", "1-20260316-1000", f"{physiotherapist.pk}-20260315-0300", "x" * 500]:
        with pytest.raises(ValidationError, match="no longer free"):
            services.book_first_assessment(details=details(), time_key=key)
    assert not Visit.objects.exists() and not AppointmentRequest.objects.exists()


def test_booking_directly_is_refused_unless_the_clinic_allows_it(physiotherapist):
    let_new_patients_book(physiotherapist)
    clinic = ClinicSettings.load()
    key = free_assessment_times(assessment_type(), clinic)[0].key
    clinic.new_patients_book_directly = False
    clinic.save()
    with pytest.raises(ValidationError, match="cannot book a time themselves"):
        services.book_first_assessment(details=details(), time_key=key)
    assert not Visit.objects.exists()


def test_a_needling_type_is_never_offered_to_new_patients(physiotherapist):
    let_new_patients_book(physiotherapist)
    VisitType.objects.filter(is_needling=False).update(bookable_online=False)
    VisitType.objects.filter(is_needling=True).update(bookable_online=True)
    assert assessment_type() is None
