"""Answering a course's questionnaires: typed in by the physiotherapist, on the clinic's tablet,
and at home through an emailed private link."""

import html
import re
import smtplib
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse

from ims_clinic.models import AuditEntry
from tests.factories import TODAY, make_course
from tests.treatments.outcomes.answering import measure_for, psfs_answers
from tests.treatments.outcomes.helpers import licensed_text
from treatments.models import AnswerLink, MeasureResponse
from treatments.outcomes import services

pytestmark = pytest.mark.django_db
Channel, Occasion, Source = AnswerLink.Channel, MeasureResponse.Occasion, MeasureResponse.Source


@pytest.fixture
def course(patient, physiotherapist):
    return make_course(patient, physiotherapist, region="Right low back, after a fall")


@pytest.fixture
def psfs(instruments, course):
    return measure_for(instruments["psfs"], course)


@pytest.fixture(autouse=True)
def clinic_settings(settings):
    settings.CLINIC_NAME = "Kits IMS Physio"
    settings.SITE_URL = "https://clinic.example"


def typed_url(measure) -> str:
    return reverse("treatments:measure-answer", args=[measure.course_id, measure.pk])


def kiosk_url(measure) -> str:
    return reverse("treatments:measure-kiosk", args=[measure.course_id, measure.pk])


def email_url(measure) -> str:
    return reverse("treatments:measure-email", args=[measure.course_id, measure.pk])


def answer_url(token: str) -> str:
    return reverse("treatments:answer", args=[token])


def emailed_link(measure, physiotherapist, occasion=Occasion.BASELINE) -> str:
    _link, token = services.make_link(
        measure, occasion, Channel.EMAIL, physiotherapist, sent_to="avery@example.com"
    )
    return token


def text_of(response) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


def baseline(measure, by):
    return services.record_response(
        measure, occasion=Occasion.BASELINE, answers={"1": 3, "2": 4, "3": 2},
        activities={"1": "Gardening", "2": "Lifting", "3": "Running"}, source=Source.TYPED,
        entered_by=by,
    )  # fmt: skip


# Typed in by the physiotherapist --------------------------------------------------------


def test_the_physiotherapist_types_a_baseline_the_occasion_due_chosen_for_them(
    client, physiotherapist, psfs
):
    client.force_login(physiotherapist)
    page = client.get(typed_url(psfs))
    assert page.status_code == 200
    assert page.context["form"]["occasion"].initial == Occasion.BASELINE
    assert "Patient-Specific Functional Scale" in text_of(page)
    response = client.post(
        typed_url(psfs),
        psfs_answers(psfs.instrument, occasion="baseline", answered_on=TODAY.isoformat()),
    )
    assert response.status_code == 302
    assert response["Location"] == psfs.course.get_absolute_url()
    saved = psfs.responses.get()
    assert (saved.occasion, saved.source, saved.entered_by) == (
        Occasion.BASELINE, Source.TYPED, physiotherapist
    )  # fmt: skip
    assert saved.score == pytest.approx(3)
    assert saved.activities["1"] == "Gardening"


def test_the_typed_page_is_an_audit_entry_on_the_patients_trail(client, physiotherapist, psfs):
    client.force_login(physiotherapist)
    client.get(typed_url(psfs))
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.VIEWED).latest("at")
    assert entry.user == physiotherapist
    assert entry.patient_id == psfs.course.patient_id
    assert "PSFS" in entry.detail


def test_a_re_assessment_is_due_once_the_baseline_is_on_file(client, physiotherapist, psfs):
    baseline(psfs, physiotherapist)
    client.force_login(physiotherapist)
    page = client.get(typed_url(psfs))
    assert page.context["form"]["occasion"].initial == Occasion.REASSESSMENT


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"1": "11"}, "1", "Give a whole number from 0 to 10."),
        ({"1": "lots"}, "1", "Give a whole number from 0 to 10."),
        ({"2": ""}, "2", "Score this activity from 0 to 10."),
        ({"3-name": ""}, "3-name", "Name an activity you find hard to do."),
        ({"4": "5"}, "4-name", "Name the activity you scored."),
        ({"answered_on": "2026-03-11"}, "answered_on",
         "The answers cannot be dated in the future."),
        ({"answered_on": "2025-01-01"}, "answered_on",
         "The answers cannot be dated before the course started."),
        ({"occasion": "reassessment"}, None, "Record the baseline of this questionnaire first."),
        ({"1": "9" * 400, "1-name": "x" * 5000}, "1", "Give a whole number from 0 to 10."),
    ],
)  # fmt: skip
def test_bad_typed_answers_get_a_clear_message_and_save_nothing(
    client, physiotherapist, psfs, changes, field, message
):
    client.force_login(physiotherapist)
    data = psfs_answers(psfs.instrument, occasion="baseline", answered_on=TODAY.isoformat())
    response = client.post(typed_url(psfs), {**data, **changes})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in errors.get(field or "__all__", [])
    assert message in response.content.decode().replace("&#x27;", "'")
    assert not MeasureResponse.objects.exists()


def test_a_second_baseline_is_refused_with_the_services_message(client, physiotherapist, psfs):
    baseline(psfs, physiotherapist)
    client.force_login(physiotherapist)
    data = psfs_answers(psfs.instrument, occasion="baseline", answered_on=TODAY.isoformat())
    response = client.post(typed_url(psfs), data)
    assert "This questionnaire already has a baseline." in text_of(response)
    assert psfs.responses.count() == 1


def test_a_measure_of_another_course_is_not_found(client, physiotherapist, psfs, instruments):
    other = measure_for(instruments["psfs"])
    client.force_login(physiotherapist)
    wrong = reverse("treatments:measure-answer", args=[psfs.course_id, other.pk])
    assert client.get(wrong).status_code == 404
    for url in [kiosk_url, email_url]:
        wrong = url(other).replace(f"/courses/{other.course_id}/", f"/courses/{psfs.course_id}/")
        assert client.post(wrong).status_code == 404
    assert not AnswerLink.objects.exists()


@pytest.mark.parametrize("role", ["front_desk", "clinic_admin", "outsider"])
def test_only_physiotherapists_type_answers(client, request, psfs, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(typed_url(psfs)).status_code == 403
    data = psfs_answers(psfs.instrument, occasion="baseline", answered_on=TODAY.isoformat())
    assert client.post(typed_url(psfs), data).status_code == 403
    assert not MeasureResponse.objects.exists()


def test_visitors_are_sent_to_sign_in_from_every_staff_action(client, psfs):
    assert client.get(typed_url(psfs))["Location"].startswith("/accounts/login/")
    for url in [kiosk_url(psfs), email_url(psfs)]:
        assert client.post(url)["Location"].startswith("/accounts/login/")
    assert not AnswerLink.objects.exists()


# The clinic's tablet --------------------------------------------------------------------


@pytest.mark.parametrize("role", ["physiotherapist", "front_desk"])
def test_opening_the_tablet_signs_the_staff_member_out_and_shows_the_questionnaire(
    client, request, psfs, role
):
    staff = request.getfixturevalue(role)
    client.force_login(staff)
    response = client.post(kiosk_url(psfs))
    assert response.status_code == 302
    link = AnswerLink.objects.get()
    assert (link.channel, link.occasion, link.created_by) == (
        Channel.KIOSK, Occasion.BASELINE, staff
    )  # fmt: skip
    assert response["Location"].startswith("/treatments/answer/")
    assert "_auth_user_id" not in client.session
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATED, user=staff)
    assert entry.patient_id == psfs.course.patient_id
    assert "clinic tablet" in entry.detail
    assert AuditEntry.objects.filter(action=AuditEntry.Action.SIGNED_OUT, user=staff).exists()

    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Patient-Specific Functional Scale" in text_of(page)
    # The patient holding the tablet reaches nothing of the staff's pages.
    assert client.get(reverse("patients:patient-list"))["Location"].startswith("/accounts/")


def test_the_tablet_is_not_opened_with_a_get(client, physiotherapist, psfs):
    client.force_login(physiotherapist)
    assert client.get(kiosk_url(psfs)).status_code == 405
    assert client.get(email_url(psfs)).status_code == 405
    assert not AnswerLink.objects.exists()


@pytest.mark.parametrize("role", ["clinic_admin", "outsider"])
def test_other_roles_open_no_tablet_and_send_no_link(client, request, psfs, role, mailoutbox):
    client.force_login(request.getfixturevalue(role))
    assert client.post(kiosk_url(psfs)).status_code == 403
    assert client.post(email_url(psfs)).status_code == 403
    assert not AnswerLink.objects.exists()
    assert mailoutbox == []


def test_a_questionnaire_without_its_licensed_text_is_not_opened_for_the_patient(
    client, physiotherapist, course, instruments
):
    odi = measure_for(instruments["odi"], course)
    client.force_login(physiotherapist)
    response = client.post(kiosk_url(odi), follow=True)
    assert "Load this questionnaire's licensed text in the admin" in text_of(response)
    assert not AnswerLink.objects.exists()
    assert "_auth_user_id" in client.session  # still signed in: nothing was handed over


# The emailed link -----------------------------------------------------------------------


def test_the_physiotherapist_emails_a_link_that_names_only_the_questionnaire(
    client, physiotherapist, psfs, mailoutbox
):
    patient = psfs.course.patient
    client.force_login(physiotherapist)
    response = client.post(email_url(psfs), follow=True)
    assert response.redirect_chain[-1][0] == psfs.course.get_absolute_url()
    assert f"was emailed to {patient.email}" in text_of(response)
    link = AnswerLink.objects.get()
    assert (link.channel, link.sent_to) == (Channel.EMAIL, patient.email)
    [email] = mailoutbox
    assert email.to == [patient.email]
    assert email.subject == "A questionnaire from Kits IMS Physio"
    assert email.body.startswith("Hello Avery,")
    assert "Patient-Specific Functional Scale" in email.body
    assert "expires in 7 days" in email.body
    assert "Kits IMS Physio" in email.body
    [url] = re.findall(r"https://clinic\.example/treatments/answer/[\w-]+/", email.body)
    # No clinical detail: not the region, the course, the physiotherapist or the last name.
    for detail in ["low back", "fall", "Lopez", "Priya", "IMS treatment", "pain", "score"]:
        assert detail.lower() not in (email.subject + email.body).lower(), detail
    client.logout()
    page = client.get(url.removeprefix("https://clinic.example"))
    assert page.status_code == 200
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATED, user=physiotherapist)
    assert entry.patient_id == patient.pk
    assert "emailed" in entry.detail


def test_the_front_desk_emails_a_link_and_goes_back_to_the_patients_page(
    client, front_desk, psfs, mailoutbox
):
    client.force_login(front_desk)
    response = client.post(email_url(psfs))
    assert response["Location"] == psfs.course.patient.get_absolute_url()
    assert len(mailoutbox) == 1


def test_no_link_is_made_for_a_patient_without_an_email_address(
    client, physiotherapist, psfs, mailoutbox
):
    patient = psfs.course.patient
    patient.email = ""
    patient.save()
    client.force_login(physiotherapist)
    response = client.post(email_url(psfs), follow=True)
    assert "The patient has no email address on file." in text_of(response)
    assert mailoutbox == []
    assert not AnswerLink.objects.exists()


def test_a_baseline_already_on_file_is_not_asked_for_again(
    client, physiotherapist, psfs, mailoutbox
):
    baseline(psfs, physiotherapist)
    client.force_login(physiotherapist)
    response = client.post(email_url(psfs), {"occasion": "baseline"}, follow=True)
    assert "This questionnaire already has a baseline." in text_of(response)
    assert mailoutbox == []
    # Without an occasion named, the one due is asked for.
    client.post(email_url(psfs))
    assert AnswerLink.objects.get().occasion == Occasion.REASSESSMENT


def test_a_mail_server_failure_keeps_no_link_and_says_so(
    client, physiotherapist, psfs, monkeypatch
):
    def refuse(*args, **kwargs):
        raise smtplib.SMTPException("no")

    monkeypatch.setattr("treatments.outcomes.answer_views.send_mail", refuse)
    client.force_login(physiotherapist)
    response = client.post(email_url(psfs), follow=True)
    assert "The email could not be sent" in text_of(response)
    assert not AnswerLink.objects.exists()


# The patient's answer page --------------------------------------------------------------


def test_the_answer_page_shows_only_the_questionnaire(client, physiotherapist, psfs):
    token = emailed_link(psfs, physiotherapist)
    response = client.get(answer_url(token))
    assert response.status_code == 200
    text = text_of(response)
    assert "Patient-Specific Functional Scale" in text
    assert "Activity 1" in text
    for private in ["Avery", "Lopez", "low back", "Priya", "Sign out", "Dashboard", "Patients"]:
        assert private not in text, private
    html = response.content.decode()
    assert html.count("<fieldset") == 5
    assert "/treatments/" not in html.replace(answer_url(token), "")  # no way into the app


def test_every_answer_page_is_sent_no_store_and_its_address_stays_on_the_site(
    client, physiotherapist, psfs
):
    token = emailed_link(psfs, physiotherapist)
    responses = [
        client.get(answer_url(token)),
        client.post(answer_url(token), {"1": "99"}),
        client.get(answer_url("not-a-token")),
        client.post(answer_url(token), psfs_answers(psfs.instrument)),
        client.get(answer_url(token)),
        client.get(reverse("treatments:answer-thanks")),
    ]
    assert [r.status_code for r in responses] == [200, 200, 404, 302, 410, 200]
    for response in responses:
        assert "no-store" in response["Cache-Control"]
        assert response["Referrer-Policy"] == "same-origin"
        assert response["X-Robots-Tag"] == "noindex"


def test_the_patient_answers_through_the_link_once(client, physiotherapist, psfs):
    token = emailed_link(psfs, physiotherapist)
    response = client.post(answer_url(token), psfs_answers(psfs.instrument), follow=True)
    assert "Your answers were sent to your physiotherapist." in text_of(response)
    assert "You can close this page." in text_of(response)
    saved = psfs.responses.get()
    assert (saved.source, saved.occasion, saved.entered_by) == (
        Source.LINK, Occasion.BASELINE, None
    )  # fmt: skip
    assert AnswerLink.objects.get().response == saved
    # The same link again: answered already, whatever is sent.
    again = client.post(answer_url(token), psfs_answers(psfs.instrument))
    assert again.status_code == 410
    assert "This questionnaire has already been answered. Thank you." in text_of(again)
    assert client.get(answer_url(token)).status_code == 410
    assert psfs.responses.count() == 1


def test_the_tablet_thanks_the_patient_and_asks_for_the_tablet_back(client, front_desk, psfs):
    client.force_login(front_desk)
    page = client.post(kiosk_url(psfs))["Location"]
    response = client.post(page, psfs_answers(psfs.instrument), follow=True)
    assert "Please hand the tablet back to the front desk." in text_of(response)
    assert psfs.responses.get().source == Source.KIOSK


def test_an_expired_link_is_refused_with_a_message(client, physiotherapist, psfs, clock):
    token = emailed_link(psfs, physiotherapist)
    clock.shift(timedelta(days=7, seconds=1))
    response = client.post(answer_url(token), psfs_answers(psfs.instrument))
    assert response.status_code == 410
    assert "This link has expired. Ask the clinic for a new one." in text_of(response)
    assert not MeasureResponse.objects.exists()


@pytest.mark.parametrize(
    "token", ["x" * 43, "x" * 5000, "<script>alert(1)<script>", "\x00", "..", "' OR 1=1 --"]
)
def test_an_unknown_huge_or_hostile_token_is_just_not_one_of_ours(client, token):
    response = client.get(f"/treatments/answer/{quote(token, safe='')}/")
    assert response.status_code == 404
    assert "This link is not one of ours." in text_of(response)
    assert "<script>alert" not in response.content.decode()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFUSED).count() == 1


def test_a_token_with_a_slash_is_no_page_at_all(client):
    assert client.get("/treatments/answer/<script>alert(1)</script>/").status_code == 404


def test_bad_answers_are_marked_and_the_link_still_works(client, physiotherapist, psfs):
    token = emailed_link(psfs, physiotherapist)
    data = psfs_answers(psfs.instrument, **{"1": "12", "2": "", "3-name": ""})
    response = client.post(answer_url(token), data)
    assert response.status_code == 200
    text = text_of(response)
    assert "Nothing was saved." in text
    assert "Give a whole number from 0 to 10." in text
    assert "Score this activity from 0 to 10." in text
    assert "Name an activity you find hard to do." in text
    assert not MeasureResponse.objects.exists()
    assert AnswerLink.objects.get().used_at is None


def test_the_token_alone_decides_the_questionnaire_and_the_occasion(
    client, physiotherapist, psfs, instruments
):
    token = emailed_link(psfs, physiotherapist)
    other = measure_for(instruments["psfs"])
    data = psfs_answers(
        psfs.instrument, measure=other.pk, measure_pk=other.pk, course=other.course_id,
        occasion="discharge", source="typed", entered_by=physiotherapist.pk,
    )  # fmt: skip
    client.post(answer_url(token), data)
    saved = MeasureResponse.objects.get()
    assert saved.measure == psfs
    assert (saved.occasion, saved.source, saved.entered_by) == (
        Occasion.BASELINE, Source.LINK, None
    )  # fmt: skip
    assert not other.responses.exists()


def test_opening_and_answering_are_audit_entries_on_the_patients_trail(
    client, physiotherapist, psfs
):
    token = emailed_link(psfs, physiotherapist)
    client.get(answer_url(token))
    client.post(answer_url(token), psfs_answers(psfs.instrument))
    entries = AuditEntry.objects.filter(username="(the patient, by emailed link)").order_by("at")
    assert [entry.action for entry in entries] == [
        AuditEntry.Action.VIEWED, AuditEntry.Action.CREATED
    ]  # fmt: skip
    assert {entry.patient_id for entry in entries} == {psfs.course.patient_id}
    assert all(entry.user is None for entry in entries)
    assert "PSFS" in entries[1].detail and "Baseline" in entries[1].detail


def test_a_questionnaire_with_the_clinics_licensed_text_is_asked_in_that_text(
    client, front_desk, course, instruments
):
    odi = instruments["odi"]
    odi.licensed_text = licensed_text("odi")
    odi.save()
    measure = measure_for(odi, course)
    client.force_login(front_desk)
    page = client.get(client.post(kiosk_url(measure))["Location"])
    text = text_of(page)
    assert "Licensed question 1" in text
    assert "Statement 5" in text
    assert 'type="radio"' in page.content.decode()
    answers = {str(n): "1" for n in range(1, 11)}
    response = client.post(page.request["PATH_INFO"], answers)
    assert response.status_code == 302
    assert measure.responses.get().score == 20
