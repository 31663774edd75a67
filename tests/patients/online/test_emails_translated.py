"""Every email and calendar file a patient gets, for a patient who reads Chinese or Punjabi:
no English left in it but the records' own words (names, the clinic's name and address, the
visit type) and the links, found as tests/ims_clinic/test_every_page_translated.py finds it in
pages."""

import re
from datetime import time, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from icalendar import Calendar

from patients.online import services
from patients.online.visit_links import make_token
from tests.factories import TODAY, make_course, make_visit
from tests.ims_clinic.test_every_page_translated import english_runs, what_the_test_put_in
from tests.ims_clinic.test_permission_matrix import sign_in
from tests.patients.online.helpers import online_patient
from treatments import reminders
from treatments.models import AnswerLink, CourseMeasure, Instrument, ReminderSent
from treatments.outcomes.answer_views import email_text
from treatments.outcomes.services import make_link

pytestmark = pytest.mark.django_db
LANGUAGES = ["zh-hans", "zh-hant", "pa"]
LINK = re.compile(r"https?://\S+")
TOMORROW = TODAY + timedelta(days=1)


def english_in(*texts: str) -> list[str]:
    return english_runs([LINK.sub(" ", text) for text in texts], what_the_test_put_in())


def calendar_words(ics: bytes | str) -> list[str]:
    """What a calendar app shows of a calendar file: its name, and each event's title,
    description and place."""
    calendar = Calendar.from_ical(ics)
    words = [str(calendar.get("x-wr-calname", ""))]
    for event in calendar.walk("VEVENT"):
        words += [str(event.get(key, "")) for key in ["summary", "description", "location"]]
    return words


@pytest.fixture
def patient(request):
    return online_patient(preferred_language=request.param, legal_first_name="Wing")


def in_each_language(test):
    return pytest.mark.parametrize("patient", LANGUAGES, indirect=True)(test)


@in_each_language
def test_the_reminder_and_its_calendar_file_have_no_english(patient, physiotherapist, clock):
    visit = make_visit(make_course(patient, physiotherapist), TOMORROW, time(13))
    message = reminders.email_for(visit, ReminderSent.Kind.REMINDER)
    (attachment,) = message.attachments
    assert english_in(message.subject, message.body) == []
    assert english_in(*calendar_words(attachment.get_payload(decode=True))) == []


@in_each_language
def test_the_aftercare_email_with_the_next_visit_has_no_english(patient, physiotherapist, clock):
    course = make_course(patient, physiotherapist)
    visit = make_visit(course, TODAY, time(9), status="attended")
    make_visit(course, TODAY + timedelta(days=7), time(9))
    subject, body = reminders.render_email(visit, ReminderSent.Kind.AFTERCARE)
    assert "IMS" in subject
    assert english_in(subject, body) == []


@in_each_language
def test_the_sign_in_link_email_has_no_english(patient):
    assert services.send_links(patient.email) == [patient]
    (message,) = mail.outbox
    assert english_in(message.subject, message.body) == []


@in_each_language
def test_the_questionnaire_link_email_has_no_english(patient, physiotherapist, clock):
    measure = CourseMeasure.objects.create(
        course=make_course(patient, physiotherapist), instrument=Instrument.objects.get(code="nprs")
    )
    _link, token = make_link(
        measure, "baseline", AnswerLink.Channel.EMAIL, physiotherapist, sent_to=patient.email
    )
    subject, body = email_text(measure, f"https://clinic.example.org/treatments/answer/{token}/")
    assert english_in(subject, body) == []


@in_each_language
def test_the_calendar_files_the_patient_downloads_have_no_english(
    client, patient, physiotherapist, clock
):
    visit = make_visit(make_course(patient, physiotherapist), TOMORROW, time(13))
    sign_in(client, patient)  # as their emailed sign-in link does, language and all
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = patient.preferred_language
    for url in [
        reverse("patients:online-visit-ics", args=[visit.pk]),
        reverse("patients:online-visit-link-ics", args=[make_token(visit)]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_in(*calendar_words(response.content)) == [], url
