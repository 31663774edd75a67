"""A patient's preferred language, set by staff on their record: their emails and calendar
files are made in it, and signing in online switches their pages to it.

Our own strings are not translated yet, so the tests look at what is: the language active while
the email was made, and the dates Django writes in it."""

from datetime import time

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.formats import date_format

from patients.models import Patient
from patients.online import services
from tests.factories import TODAY, make_course, make_visit
from tests.patients.helpers import patient_data
from tests.patients.online.helpers import online_patient, sign_in_by_link
from tests.treatments.booking.requests.helpers import (
    a_request,
    details,
    let_new_patients_book,
    turn_on_online_booking,
)
from treatments import reminders
from treatments.booking.requests import services as requests
from treatments.booking.requests.times import free_assessment_times
from treatments.models import ClinicSettings, ReminderSent

pytestmark = pytest.mark.django_db


@pytest.fixture
def languages_used(monkeypatch):
    """The language active each time a module renders a template."""
    used = []

    def watch(module):
        real = module.render_to_string

        def render_to_string(*args, **kwargs):
            used.append(translation.get_language())
            return real(*args, **kwargs)

        monkeypatch.setattr(module, "render_to_string", render_to_string)

    return watch, used


def test_a_new_patient_is_in_english_until_staff_say_otherwise():
    assert online_patient().preferred_language == "en-ca" == settings.LANGUAGE_CODE


def test_a_reminder_is_written_in_the_patients_language(physiotherapist, languages_used, clock):
    watch, used = languages_used
    patient = online_patient(preferred_language="pa")
    visit = make_visit(make_course(patient, physiotherapist), TODAY, time(13))
    subject, body = reminders.render_email(visit, ReminderSent.Kind.REMINDER)
    watch(reminders)
    reminders.render_email(visit, ReminderSent.Kind.REMINDER)
    assert used == ["pa", "pa"]  # the subject and the body
    weekday = date_format(timezone.localtime(visit.starts_at), "l")
    with translation.override("pa"):
        in_punjabi = date_format(timezone.localtime(visit.starts_at), "l")
    assert in_punjabi in subject and in_punjabi in body and weekday not in body
    assert translation.get_language() == "en-ca"  # the staff's or the command's own, after


def test_a_french_speaking_patients_reminder_arrives_in_french(physiotherapist, clock):
    patient = online_patient(preferred_language="fr-ca", legal_first_name="Camille")
    visit = make_visit(make_course(patient, physiotherapist), TODAY, time(13))
    subject, body = reminders.render_email(visit, ReminderSent.Kind.REMINDER)
    assert subject.startswith("Votre rendez-vous d'IMS le ")
    assert body.startswith("Bonjour Camille,")
    assert "Voici un rappel de votre rendez-vous d'IMS" in body and "À bientôt," in body
    assert "Hello" not in body and "See you soon" not in body


def test_an_aftercare_email_arrives_in_the_patients_language(physiotherapist, clock):
    patient = online_patient(preferred_language="zh-hant", legal_first_name="Wing")
    visit = make_visit(make_course(patient, physiotherapist), TODAY, time(9), status="attended")
    subject, body = reminders.render_email(visit, ReminderSent.Kind.AFTERCARE)
    assert "IMS" in subject and "Looking after" not in subject
    assert "Wing\uff0c您好" in body  # with the Chinese full-width comma
    assert "Hello" not in body and "In an emergency" not in body


def test_the_reminders_calendar_file_is_made_in_the_patients_language(
    physiotherapist, monkeypatch, clock
):
    patient = online_patient(preferred_language="zh-hant")
    visit = make_visit(make_course(patient, physiotherapist), TODAY, time(13))
    used = []
    real = reminders.appointment_calendar
    monkeypatch.setattr(
        reminders,
        "appointment_calendar",
        lambda visit: used.append(translation.get_language()) or real(visit),
    )
    reminders.email_for(visit, ReminderSent.Kind.REMINDER)
    assert used == ["zh-hant"]


def test_the_sign_in_link_is_emailed_in_the_patients_language(languages_used):
    watch, used = languages_used
    watch(services)
    patient = online_patient(email="amrit@example.com", preferred_language="pa")
    assert services.send_links("amrit@example.com") == [patient]
    assert used == ["pa"] and len(mail.outbox) == 1


def test_signing_in_switches_the_patients_pages_to_their_language(client):
    patient = online_patient(preferred_language="fr-ca")
    response = sign_in_by_link(client, patient)
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr-ca"
    page = client.get(response["Location"])
    assert '<html lang="fr-ca">' in page.content.decode()


def test_a_patient_who_signed_in_may_still_choose_another_language(client):
    sign_in_by_link(client, online_patient(preferred_language="fr-ca"))
    client.post("/language/", {"language": "zh-hans", "next": "/patients/online/visits/"})
    page = client.get("/patients/online/visits/")
    assert '<html lang="zh-hans">' in page.content.decode()


def test_staff_set_a_patients_preferred_language_on_their_form(client, front_desk):
    patient = online_patient()
    client.force_login(front_desk)
    form = client.get(f"/patients/{patient.pk}/edit/").content.decode()
    assert 'name="preferred_language"' in form and "ਪੰਜਾਬੀ" in form
    response = client.post(
        f"/patients/{patient.pk}/edit/",
        patient_data(email=patient.email, preferred_language="pa"),
    )
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.preferred_language == "pa"


@pytest.mark.parametrize("language", ["xx", "de", "pa" * 100, "<b>"])
def test_a_language_the_clinic_does_not_offer_is_refused_and_nothing_saved(
    client, front_desk, language
):
    patient = online_patient(preferred_language="fr-ca")
    client.force_login(front_desk)
    response = client.post(
        f"/patients/{patient.pk}/edit/",
        patient_data(email=patient.email, legal_first_name="Changed", preferred_language=language),
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    patient.refresh_from_db()
    assert (patient.legal_first_name, patient.preferred_language) != ("Changed", language)
    assert patient.preferred_language == "fr-ca"


@pytest.mark.parametrize("posted", [{}, {"preferred_language": ""}])
def test_a_form_without_the_language_keeps_the_one_on_file(client, front_desk, posted):
    patient = online_patient(preferred_language="zh-hans")
    client.force_login(front_desk)
    data = {k: v for k, v in patient_data(email=patient.email).items() if k != "preferred_language"}
    response = client.post(f"/patients/{patient.pk}/edit/", {**data, **posted})
    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.preferred_language == "zh-hans"


def test_a_new_patient_who_books_online_in_punjabi_is_kept_as_a_punjabi_reader(physiotherapist):
    assessment = let_new_patients_book(physiotherapist)
    offered = free_assessment_times(assessment, ClinicSettings.load())
    with translation.override("pa"):  # as LocaleMiddleware sets it for their request
        found = requests.book_first_assessment(details=details(), time_key=offered[0].key)
    assert Patient.objects.get(pk=found.visit.patient_id).preferred_language == "pa"


def test_a_declined_request_is_emailed_in_the_clinics_language_not_the_staff_members(
    front_desk, languages_used, django_capture_on_commit_callbacks
):
    watch, used = languages_used
    turn_on_online_booking()
    found = a_request()
    watch(requests)
    with translation.override("fr-ca"), django_capture_on_commit_callbacks(execute=True):
        requests.decline_request(found, by=front_desk, reason="Adults only", tell_them=True)
    assert used == ["en-ca"] and len(mail.outbox) == 1
