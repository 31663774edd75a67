"""What reminder and aftercare emails give a patient with online access: a signed link to a
visit (its own for the reminder, the next one for aftercare), and the reminder's calendar file."""

import re
from datetime import time, timedelta
from email import message_from_bytes
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from icalendar import Calendar

from tests.factories import TODAY, make_course, make_patient, make_visit
from tests.treatments.test_reminders import assert_nothing_private
from treatments.booking.services import move_visit
from treatments.models import ReminderSent

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
TOMORROW, YESTERDAY = TODAY + timedelta(days=1), TODAY - timedelta(days=1)
LINK = re.compile(r"https://clinic\.example(/patients/online/visit/[A-Za-z0-9_:-]+/)")


@pytest.fixture(autouse=True)
def clinic(settings):
    settings.CLINIC_NAME = "Kits IMS Physio"
    settings.CLINIC_PHONE = "604-555-0100"
    settings.SITE_URL = "https://clinic.example"


def course_of(physiotherapist, *, online: bool = True):
    patient = make_patient(
        legal_first_name="Jane", legal_last_name="Smithson", primary_concern="Sciatica"
    )
    if online:
        patient.turn_on_online_access()
    return make_course(patient, physiotherapist)


def send() -> None:
    call_command("send_reminders", stdout=StringIO())


def calendar_parts(message) -> list:
    parsed = message_from_bytes(message.message().as_bytes())
    return [part for part in parsed.walk() if part.get_content_type() == "text/calendar"]


def test_the_reminder_links_to_its_visit_and_the_link_opens_it(client, physiotherapist):
    visit = make_visit(course_of(physiotherapist), TOMORROW, time(13))
    send()
    [message] = mail.outbox
    assert "To see, move or cancel this appointment, open this link." in message.body
    assert "It works for this appointment only, until it starts:" in message.body
    assert "To move your appointment, please call us at 604-555-0100." in message.body
    assert "&" not in message.body
    assert_nothing_private(message)
    page = client.get(LINK.search(message.body).group(1))
    assert page.status_code == 200
    assert "Wednesday 11 March 2026, 13:00" in page.content.decode()
    assert ReminderSent.objects.get().visit == visit


def test_the_reminder_carries_the_visit_as_a_calendar_file(physiotherapist):
    visit = make_visit(course_of(physiotherapist), TOMORROW, time(13))
    send()
    [message] = mail.outbox
    assert "The appointment is attached as a calendar file" in message.body
    [part] = calendar_parts(message)
    assert part.get_param("method") == "PUBLISH"
    assert part.get_filename() == "appointment-2026-03-11.ics"
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    assert calendar["method"] == "PUBLISH"
    [event] = calendar.walk("VEVENT")
    assert event.decoded("dtstart") == visit.starts_at
    assert str(event["status"]) == "CONFIRMED"
    assert "Priya Physio" in str(event["description"])
    assert "Sciatica" not in part.get_payload(decode=True).decode()


def test_without_online_access_the_reminder_says_to_call_and_still_carries_the_file(
    physiotherapist,
):
    make_visit(course_of(physiotherapist, online=False), TOMORROW, time(13))
    send()
    [message] = mail.outbox
    assert "/patients/online/visit/" not in message.body
    assert "To move or cancel your appointment, please call us at 604-555-0100." in message.body
    assert len(calendar_parts(message)) == 1


def test_aftercare_links_to_the_next_booked_visit_as_the_one_it_follows_is_over(
    client, physiotherapist
):
    course = course_of(physiotherapist)
    make_visit(course, YESTERDAY, time(10), status="attended")
    make_visit(course, TODAY + timedelta(days=14), time(9), status="cancelled")
    make_visit(course, TODAY + timedelta(days=6), time(11, 30))
    make_visit(course, TODAY + timedelta(days=13), time(11, 30))
    send()
    [message] = mail.outbox
    assert "Your next appointment is on Monday 16 March at 11:30." in message.body
    assert "It is for that next appointment, as this one is over" in message.body
    assert calendar_parts(message) == []  # the next visit's file is on the link's page
    assert_nothing_private(message)
    page = client.get(LINK.search(message.body).group(1)).content.decode()
    assert "Monday 16 March 2026, 11:30" in page


def test_aftercare_without_a_next_visit_has_no_link(physiotherapist):
    make_visit(course_of(physiotherapist), YESTERDAY, time(10), status="attended")
    send()
    [message] = mail.outbox
    assert "/patients/online/visit/" not in message.body
    assert "next appointment" not in message.body


def test_a_moved_visit_is_reminded_with_a_new_link_and_the_old_one_names_the_old_time(
    client, physiotherapist
):
    visit = make_visit(course_of(physiotherapist), TOMORROW, time(13))
    send()
    old = LINK.search(mail.outbox[0].body).group(1)
    move_visit(visit, day=TOMORROW, start_time=time(15))
    send()
    new = LINK.search(mail.outbox[1].body).group(1)
    assert old != new
    assert client.get(new).status_code == 200
    refused = client.get(old)
    assert refused.status_code == 400
    assert "This link was for your visit on Wednesday 11 March at 13:00" in refused.content.decode()
