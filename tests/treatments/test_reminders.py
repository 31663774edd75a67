"""Reminder and aftercare emails: the send_reminders command and treatments/reminders.py."""

import re
import smtplib
import threading
import time as clock_time
from collections import Counter
from datetime import time, timedelta
from io import StringIO
from itertools import count
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from patients.models import Patient
from tests.factories import INITIAL_ASSESSMENT, TODAY, make_course, make_patient, make_visit
from treatments import reminders
from treatments.models import ReminderSent

TOMORROW, YESTERDAY = TODAY + timedelta(days=1), TODAY - timedelta(days=1)
# Words from the patient's record that an email must never carry.
PRIVATE_WORDS = ["Sciatica", "Right low back", "Garden", "Smithson"]


@pytest.fixture(autouse=True)
def clinic(settings):
    settings.CLINIC_NAME = "Kits IMS Physio"
    settings.CLINIC_PHONE = "604-555-0100"
    settings.SITE_URL = "https://clinic.example"


def send() -> str:
    out = StringIO()
    call_command("send_reminders", stdout=out)
    return out.getvalue()


def course_of(physiotherapist, **patient_fields):
    fields = {"legal_first_name": "Jane", "legal_last_name": "Smithson"} | patient_fields
    return make_course(make_patient(primary_concern="Sciatica", **fields), physiotherapist)


def assert_nothing_private(message) -> None:
    for word in PRIVATE_WORDS:
        assert word not in message.subject + message.body


class TestReminders:
    pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

    def test_it_reminds_a_patient_of_a_visit_tomorrow(self, physiotherapist):
        visit = make_visit(course_of(physiotherapist), TOMORROW, time(13, 0))
        assert send() == "Sent 1 reminder and 0 aftercare emails.\n"
        [message] = mail.outbox
        assert message.to == [visit.patient.email]
        assert message.subject == "Your IMS appointment on Wednesday 11 March at 13:00"
        assert "Hello Jane," in message.body
        assert "Wednesday 11 March 2026 at 13:00" in message.body
        assert "with Priya Physio" in message.body
        assert "Kits IMS Physio" in message.body
        assert "604-555-0100" in message.body
        assert "https://clinic.example/ims/before-your-appointment/" in message.body
        assert "&" not in message.body  # plain text, not HTML-escaped
        assert_nothing_private(message)
        assert ReminderSent.objects.get().kind == "reminder"

    def test_it_greets_the_patient_by_their_preferred_name_unescaped(self, physiotherapist):
        make_visit(course_of(physiotherapist, preferred_name="D'Arcy"), TOMORROW, time(13, 0))
        send()
        assert "Hello D'Arcy," in mail.outbox[0].body

    @pytest.mark.parametrize(
        ("day", "at"), [(TOMORROW, time(12, 0)), (TODAY + timedelta(2), time(11, 59))]
    )
    def test_it_reminds_from_24_to_48_hours_ahead(self, physiotherapist, day, at):
        make_visit(course_of(physiotherapist), day, at)
        send()
        assert len(mail.outbox) == 1

    @pytest.mark.parametrize(
        ("hours", "day", "at"),
        [
            (23, TOMORROW, time(11, 0)),
            (49, TODAY + timedelta(2), time(13, 0)),
            (-2, TODAY, time(10, 0)),
        ],
    )
    def test_it_does_not_remind_outside_the_window(self, physiotherapist, hours, day, at):
        visit = make_visit(course_of(physiotherapist), day, at)
        assert visit.starts_at - timezone.now() == timedelta(hours=hours)
        assert send() == "Sent 0 reminders and 0 aftercare emails.\n"
        assert mail.outbox == []

    def test_it_does_not_remind_a_patient_without_an_email_address(self, physiotherapist):
        make_visit(course_of(physiotherapist, email=""), TOMORROW, time(13, 0))
        send()
        assert mail.outbox == []

    def test_it_does_not_remind_a_patient_whose_record_is_archived(self, physiotherapist):
        visit = make_visit(course_of(physiotherapist), TOMORROW, time(13, 0))
        # As a record archived before archiving cancelled what was booked.
        Patient.objects.filter(pk=visit.patient_id).update(archived_at=timezone.now())
        send()
        assert mail.outbox == []

    @pytest.mark.parametrize("status", ["cancelled", "no_show", "attended"])
    def test_it_only_reminds_of_booked_visits(self, physiotherapist, status):
        make_visit(
            course_of(physiotherapist),
            TOMORROW,
            time(13, 0),
            status=status,
            cancellation_reason="Flu",
        )
        send()
        assert mail.outbox == []

    def test_it_sends_nothing_new_when_run_again(self, physiotherapist):
        make_visit(course_of(physiotherapist), TOMORROW, time(13, 0))
        make_visit(course_of(physiotherapist), YESTERDAY, status="attended")
        assert send() == "Sent 1 reminder and 1 aftercare email.\n"
        assert send() == "Sent 0 reminders and 0 aftercare emails.\n"
        assert len(mail.outbox) == 2
        assert ReminderSent.objects.count() == 2

    def test_a_visit_moved_after_its_reminder_is_reminded_again_at_its_new_time(
        self, physiotherapist
    ):
        visit = make_visit(course_of(physiotherapist), TOMORROW, time(13, 0))
        send()
        visit.start_time = time(15, 30)
        visit.save()
        assert send() == "Sent 1 reminder and 0 aftercare emails.\n"
        assert "at 15:30" in mail.outbox[-1].subject
        assert send() == "Sent 0 reminders and 0 aftercare emails.\n"
        times = ReminderSent.objects.order_by("sent_at").values_list("for_starts_at", flat=True)
        assert [timezone.localtime(t).time() for t in times] == [time(13, 0), time(15, 30)]

    def test_it_keeps_the_claim_of_an_email_another_run_is_sending(self, physiotherapist):
        visit = make_visit(course_of(physiotherapist), TOMORROW, time(13, 0))
        ReminderSent.objects.create(visit=visit, kind="reminder", for_starts_at=visit.starts_at)
        # As if the other run claimed it after this one listed the visits due.
        assert reminders.send_visit_email(visit, "reminder") is False
        assert mail.outbox == []
        assert ReminderSent.objects.count() == 1

    def test_it_tries_a_failed_email_again_on_the_next_run(self, physiotherapist, monkeypatch):
        make_visit(course_of(physiotherapist), TOMORROW, time(13, 0))
        make_visit(course_of(physiotherapist), TOMORROW, time(15, 0))

        def refuse(backend, messages):
            raise smtplib.SMTPServerDisconnected("the mail server went away")

        monkeypatch.setattr(EmailBackend, "send_messages", refuse)
        with pytest.raises(CommandError, match="2 emails could not be sent"):
            send()
        assert ReminderSent.objects.count() == 0
        monkeypatch.undo()
        assert send() == "Sent 2 reminders and 0 aftercare emails.\n"
        assert len(mail.outbox) == 2

    def test_it_sends_the_others_when_one_email_fails(self, physiotherapist, monkeypatch):
        bad = make_visit(course_of(physiotherapist, email="bad@example.com"), TOMORROW, time(13, 0))
        good = make_visit(course_of(physiotherapist), TOMORROW, time(15, 0))
        send_messages = EmailBackend.send_messages

        def refuse_one(backend, messages):
            if messages[0].to == ["bad@example.com"]:
                raise smtplib.SMTPRecipientsRefused({})
            return send_messages(backend, messages)

        monkeypatch.setattr(EmailBackend, "send_messages", refuse_one)
        with pytest.raises(CommandError, match="1 email could not be sent"):
            send()
        assert [message.to for message in mail.outbox] == [[good.patient.email]]
        assert list(ReminderSent.objects.values_list("visit", flat=True)) == [good.pk]
        assert bad.emails.count() == 0

    def test_it_costs_the_same_queries_for_each_email(self, physiotherapist):
        hours = count(12)  # tomorrow from noon: 24 hours ahead and later

        def queries_to_send(visits: int) -> int:
            for _ in range(visits):
                make_visit(course_of(physiotherapist), TOMORROW, time(next(hours), 0))
            with CaptureQueriesContext(connection) as queries:
                send()
            return len(queries)

        one, two, four = queries_to_send(1), queries_to_send(2), queries_to_send(4)
        assert len(mail.outbox) == 7
        assert four - two == 2 * (two - one)


class TestAftercare:
    pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

    def test_it_sends_aftercare_after_an_attended_visit(self, physiotherapist):
        visit = make_visit(course_of(physiotherapist), YESTERDAY, time(10, 0), status="attended")
        assert send() == "Sent 0 reminders and 1 aftercare email.\n"
        [message] = mail.outbox
        assert message.to == [visit.patient.email]
        assert message.subject == "Looking after yourself after IMS at Kits IMS Physio"
        assert "Hello Jane," in message.body
        assert "https://clinic.example/ims/aftercare/" in message.body
        assert "604-555-0100" in message.body
        assert_nothing_private(message)
        assert ReminderSent.objects.get(visit=visit).kind == "aftercare"

    def test_it_sends_no_aftercare_after_a_visit_without_needling(self, physiotherapist):
        course = course_of(physiotherapist)
        make_visit(
            None, YESTERDAY, time(10, 0), kind=INITIAL_ASSESSMENT, status="attended",
            patient=course.patient, physiotherapist=physiotherapist,
        )  # fmt: skip
        assert send() == "Sent 0 reminders and 0 aftercare emails.\n"

    def test_it_sends_aftercare_once(self, physiotherapist):
        make_visit(course_of(physiotherapist), TODAY, time(9, 0), status="attended")
        send()
        send()
        assert len(mail.outbox) == 1

    def test_it_sends_aftercare_as_well_as_the_reminder_of_the_same_visit(
        self, physiotherapist, clock
    ):
        visit = make_visit(course_of(physiotherapist), TOMORROW, time(13, 0))
        send()
        visit.status = "attended"
        visit.save()
        clock.move_to(visit.starts_at + timedelta(hours=1))
        send()
        assert [message.subject for message in mail.outbox] == [
            "Your IMS appointment on Wednesday 11 March at 13:00",
            "Looking after yourself after IMS at Kits IMS Physio",
        ]

    @pytest.mark.parametrize(
        ("day", "at", "status"),
        [
            (TODAY - timedelta(2), time(11, 0), "attended"),  # 49 hours ago
            (YESTERDAY, time(10, 0), "booked"),  # never marked attended
            (YESTERDAY, time(10, 0), "no_show"),
            (TODAY, time(13, 0), "attended"),  # marked before it started
        ],
    )
    def test_it_sends_no_aftercare_outside_the_48_hours_after_an_attended_visit(
        self, physiotherapist, day, at, status
    ):
        make_visit(course_of(physiotherapist), day, at, status=status)
        send()
        assert mail.outbox == []

    def test_it_sends_no_aftercare_to_a_patient_without_an_email_address(self, physiotherapist):
        make_visit(course_of(physiotherapist, email=""), YESTERDAY, status="attended")
        send()
        assert mail.outbox == []


# Two copies of the command at the same moment (PostgreSQL) ------------------------------


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrated_data")
def test_two_runs_at_once_send_each_email_once(monkeypatch):
    now = timezone.localtime()
    visits = []
    for hours in (26, 30, 34):
        starts = now + timedelta(hours=hours)
        visits.append(
            make_visit(make_course(), starts.date(), starts.time().replace(microsecond=0))
        )
    attended = now - timedelta(hours=3)
    visits.append(
        make_visit(
            make_course(),
            attended.date(),
            attended.time().replace(microsecond=0),
            status="attended",
        )
    )
    # Each send takes a moment while its claim is held, so the runs overlap; the lock keeps the
    # shared outbox whole.
    send_messages, outbox_lock = EmailBackend.send_messages, threading.Lock()

    def slow_send(backend, messages):
        clock_time.sleep(0.2)
        with outbox_lock:
            return send_messages(backend, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", slow_send)
    results, start = [], threading.Barrier(2, timeout=10)

    def run() -> None:
        try:
            start.wait()
            results.append(send())
        except Exception as error:  # the test reports any failure
            results.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 2, results
    counts = [
        re.fullmatch(r"Sent (\d+) reminders? and (\d+) aftercare emails?\.\n", r) for r in results
    ]
    assert all(counts), results
    assert sum(int(match[1]) for match in counts) == 3
    assert sum(int(match[2]) for match in counts) == 1
    assert Counter(message.to[0] for message in mail.outbox) == Counter(
        {visit.patient.email: 1 for visit in visits}
    )
    assert ReminderSent.objects.count() == 4


# While the database does not answer ---------------------------------------------------------


def refuse(execute, sql, params, many, context):
    raise OperationalError('connection to server at "db.internal" failed\nDETAIL: more')


@pytest.mark.django_db
@pytest.mark.usefixtures("clock")
def test_it_stops_with_one_line_while_the_database_does_not_answer(physiotherapist):
    make_visit(course_of(physiotherapist), TOMORROW, time(13, 0))
    with connection.execute_wrapper(refuse), pytest.raises(CommandError) as stopped:
        send()
    assert str(stopped.value) == (
        'The database did not answer (connection to server at "db.internal" failed); emails '
        "not yet sent wait for the next run, which sends none twice."
    )
    assert mail.outbox == []
    assert send() == "Sent 1 reminder and 0 aftercare emails.\n"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("clock", "migrated_data")
def test_a_run_cut_off_by_the_database_sends_nothing_twice_when_run_again(
    physiotherapist, monkeypatch
):
    first = make_visit(course_of(physiotherapist), TOMORROW, time(13, 0))
    second = make_visit(course_of(physiotherapist), TOMORROW, time(15, 0))
    send_messages = EmailBackend.send_messages
    database = type(connections["default"])

    def send_then_lose_the_database(backend, messages):
        sent = send_messages(backend, messages)
        # Gone while the first email was with the mail server: no query, no commit answers.
        connection.execute_wrappers.append(refuse)
        monkeypatch.setattr(database, "_commit", mock.Mock(side_effect=OperationalError("gone")))
        return sent

    monkeypatch.setattr(EmailBackend, "send_messages", send_then_lose_the_database)
    try:
        with pytest.raises(CommandError, match="The database did not answer"):
            send()
    finally:
        connection.execute_wrappers.remove(refuse)
        monkeypatch.undo()
    assert [message.to for message in mail.outbox] == [[first.patient.email]]

    assert send() == "Sent 1 reminder and 0 aftercare emails.\n"
    assert [message.to for message in mail.outbox] == [
        [first.patient.email],
        [second.patient.email],
    ]
