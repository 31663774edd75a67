"""A course's questionnaires on its page, choosing them, and the discharge summary."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import TODAY, make_course, make_patient, make_visit
from tests.treatments.helpers import page_text
from tests.treatments.outcomes.helpers import answered, measure_of, odi
from treatments.models import CourseMeasure, DischargeSummary, Instrument
from treatments.outcomes import services

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def measures_url(course):
    return reverse("treatments:course-measures", args=[course.pk])


def discharge_url(course):
    return reverse("treatments:discharge-summary", args=[course.pk])


def pks(*codes):
    return [Instrument.objects.get(code=code).pk for code in codes]


# Choosing questionnaires ----------------------------------------------------------------


def test_a_low_back_course_is_offered_odi_and_psfs_ticked(client, physiotherapist):
    course = make_course(region="Right low back", physiotherapist=physiotherapist)
    client.force_login(physiotherapist)
    response = client.get(measures_url(course))
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert {i.code for i in response.context["form"]["instruments"].initial} == {"odi", "psfs"}
    assert "Suggested from the course's region" in page_text(response)
    for pk in pks("odi", "psfs", "ndi", "nprs", "groc", "lefs"):
        assert re.search(r'<label[^>]*for="id_instruments_\d+"', html)
        assert f'value="{pk}"' in html


def test_choosing_questionnaires_saves_them_and_returns_to_the_course(client, physiotherapist):
    course = make_course(region="Neck", physiotherapist=physiotherapist)
    client.force_login(physiotherapist)
    response = client.post(measures_url(course), {"instruments": pks("ndi", "psfs")})
    assert response["Location"] == course.get_absolute_url()
    assert {m.instrument.code for m in course.measures.all()} == {"ndi", "psfs"}


@pytest.mark.parametrize(
    "value", ["", "abc", "999999", "-1", "1" * 5000, "<script>", "1.5", "\x00"],
    ids=["empty", "word", "unknown", "negative", "huge", "hostile", "decimal", "nul"],
)  # fmt: skip
def test_a_bad_choice_is_refused_with_a_message(client, physiotherapist, value):
    course = make_course(physiotherapist=physiotherapist)
    client.force_login(physiotherapist)
    response = client.post(measures_url(course), {"instruments": [value]})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not CourseMeasure.objects.exists()


def test_an_answered_questionnaire_cannot_be_dropped(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    answered(course, "odi")
    client.force_login(physiotherapist)
    response = client.post(measures_url(course), {"instruments": pks("psfs")})
    assert response.status_code == 200
    assert "has answers on file" in page_text(response)
    assert course.measures.get().instrument.code == "odi"


def test_questionnaires_of_a_course_that_does_not_exist_are_not_found(client, physiotherapist):
    client.force_login(physiotherapist)
    assert client.get("/treatments/courses/999999/questionnaires/").status_code == 404


@pytest.mark.parametrize("url", [measures_url, discharge_url])
def test_only_physiotherapists_open_a_courses_questionnaires(
    client, front_desk, clinic_admin, outsider, url
):
    course = make_course()
    target = url(course)
    assert client.get(target)["Location"] == f"/accounts/login/?next={target}"
    for person in (front_desk, clinic_admin, outsider):
        client.force_login(person)
        assert client.get(target).status_code == 403
        assert client.post(target, {"instruments": pks("odi"), "note": "x"}).status_code == 403
    assert not CourseMeasure.objects.exists()
    assert not DischargeSummary.objects.exists()


# On the course page ----------------------------------------------------------------------


def test_the_course_page_shows_each_score_its_change_band_and_chart(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist, baseline_pain=3)
    for week in (3, 2, 1):
        make_visit(course, TODAY - timedelta(weeks=week), status="attended")
    measure = measure_of(course, "odi")
    services.record_response(measure, occasion="baseline", answers=odi(50), source="typed",
                             answered_on=TODAY - timedelta(weeks=4))  # fmt: skip
    services.record_response(measure, occasion="reassessment", answers=odi(30), source="typed")
    client.force_login(physiotherapist)
    response = client.get(course.get_absolute_url())
    text = page_text(response)
    assert "Function: questionnaires" in text
    assert "Change from baseline: 20 points (positive is better): an important change." in text
    assert "Reached after 3 IMS treatments." in text
    assert "Severe disability" in text and "Moderate disability" in text
    assert "Important change in function: ODI." in text
    data = json.loads(re.search(
        rf'<script id="measure-{measure.pk}-chart"[^>]*>(.*?)</script>', text, re.S).group(1)
    )  # fmt: skip
    assert [line["y"] for line in data["referenceLines"]] == [50, 40]
    assert "chart.umd" in text


def test_the_course_page_says_which_questionnaires_are_due(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    measure_of(course, "psfs")
    client.force_login(physiotherapist)
    assert "Questionnaires due: PSFS baseline." in page_text(client.get(course.get_absolute_url()))


def test_the_dashboard_flags_a_course_with_questionnaires_due(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    measure_of(course, "odi")
    client.force_login(physiotherapist)
    text = page_text(client.get(reverse("treatments:dashboard")))
    assert "Questionnaires due: ODI baseline." in text
    assert course.get_absolute_url() in text


# The discharge summary ------------------------------------------------------------------


def test_the_discharge_summary_holds_treatments_scores_and_the_session_of_change(
    client, physiotherapist
):
    course = make_course(physiotherapist=physiotherapist, expected_length="short")
    for week in (3, 2, 1):
        make_visit(course, TODAY - timedelta(weeks=week), status="attended")
    measure = measure_of(course, "odi")
    services.record_response(measure, occasion="baseline", answers=odi(50), source="typed",
                             answered_on=TODAY - timedelta(weeks=4))  # fmt: skip
    services.record_response(measure, occasion="discharge", answers=odi(20), source="typed")
    client.force_login(physiotherapist)
    response = client.post(discharge_url(course), {"note": "Back to gardening.\nExercises daily."})
    assert response["Location"] == discharge_url(course)
    text = page_text(client.get(discharge_url(course)))
    assert text.count("<h1") == 1
    assert "3 treatments, against the expected 2-3" in text
    assert "Oswestry Disability Index" in text
    assert "after 3 IMS treatments" in text
    assert "Back to gardening.<br>Exercises daily." in text
    assert "Written by Priya Physio" in text


def test_a_refused_note_leaves_the_one_on_file_on_the_summary(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    DischargeSummary.objects.create(course=course, note="Kept note", written_by=physiotherapist)
    client.force_login(physiotherapist)
    response = client.post(discharge_url(course), {"note": "x" * 5001})
    assert response.context["summary"].written.note == "Kept note"
    assert DischargeSummary.objects.get().note == "Kept note"


def test_the_discharge_note_is_corrected_with_its_history_kept(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    client.force_login(physiotherapist)
    client.post(discharge_url(course), {"note": "First"})
    client.post(discharge_url(course), {"note": "Second"})
    summary = DischargeSummary.objects.get()
    assert summary.note == "Second"
    assert [v.note for v in summary.history.order_by("history_date")] == ["First", "Second"]


@pytest.mark.parametrize("note", ["", "   ", "x" * 5001], ids=["empty", "blank", "huge"])
def test_a_bad_discharge_note_is_refused_with_a_message(client, physiotherapist, note):
    course = make_course(physiotherapist=physiotherapist)
    client.force_login(physiotherapist)
    response = client.post(discharge_url(course), {"note": note})
    assert response.status_code == 200
    assert response.context["form"].errors["note"]
    assert not DischargeSummary.objects.exists()


def test_the_whole_record_export_holds_the_questionnaires_and_discharge_summary(
    client, physiotherapist
):
    course = make_course(physiotherapist=physiotherapist)
    answered(course, "odi")
    DischargeSummary.objects.create(course=course, note="Done well", written_by=physiotherapist)
    client.force_login(physiotherapist)
    record = client.get(reverse("treatments:record-json", args=[course.patient.pk]))
    exported = json.loads(record.content)["patient"]["courses"][0]
    assert exported["questionnaires"][0]["answers"][0]["score"] == "40.00"
    assert exported["discharge_summary"][0]["note"] == "Done well"


@pytest.mark.parametrize("size", [1, 5])
def test_the_discharge_summary_takes_the_same_queries_however_many_answers(
    client, physiotherapist, django_assert_num_queries, size
):
    course = make_course(physiotherapist=physiotherapist)
    for week in range(size, 0, -1):
        make_visit(course, TODAY - timedelta(weeks=week), status="attended")
    answered(course, "odi", *["baseline"] + ["reassessment"] * size)
    client.force_login(physiotherapist)
    # session, user; course with its questionnaires and answers; the written summary; its
    # visits; the clinic's settings; the audit entry
    with django_assert_num_queries(8):
        assert client.get(discharge_url(course)).status_code == 200


# On the patient's page, for the front desk -----------------------------------------------


def test_the_front_desk_sees_the_questionnaires_due_with_the_tablet_and_email(
    client, front_desk, physiotherapist
):
    course = make_course(physiotherapist=physiotherapist)
    course.patient.email = "avery@example.org"
    course.patient.save()
    odi_measure = measure_of(course, "odi")
    measure_of(course, "psfs")
    client.force_login(front_desk)
    text = page_text(client.get(course.patient.get_absolute_url()))
    assert "Oswestry Disability Index: baseline, for the course with Priya Physio" in text
    assert reverse("treatments:measure-kiosk", args=[course.pk, odi_measure.pk]) in text
    assert reverse("treatments:measure-email", args=[course.pk, odi_measure.pk]) in text


def test_nothing_is_due_on_the_page_of_a_patient_without_questionnaires_or_archived(
    client, front_desk
):
    course = make_course()
    client.force_login(front_desk)
    assert "Questionnaires to answer" not in page_text(
        client.get(course.patient.get_absolute_url())
    )
    measure_of(course, "odi")
    course.patient.archive()
    assert "Questionnaires to answer" not in page_text(
        client.get(course.patient.get_absolute_url())
    )


def test_without_an_email_address_only_the_tablet_is_offered(client, front_desk):
    course = make_course(make_patient(email=""))
    measure = measure_of(course, "psfs")
    client.force_login(front_desk)
    text = page_text(client.get(course.patient.get_absolute_url()))
    assert reverse("treatments:measure-kiosk", args=[course.pk, measure.pk]) in text
    assert reverse("treatments:measure-email", args=[course.pk, measure.pk]) not in text
    assert "Add the patient's email address to send a link." in text


def test_a_psfs_reassessment_asks_again_about_the_activities_named_at_baseline(
    client, physiotherapist
):
    course = make_course(physiotherapist=physiotherapist)
    measure = measure_of(course, "psfs")
    services.record_response(measure, occasion="baseline", answers={"1": 2, "2": 3, "3": 4},
                             activities={"1": "Tying shoes", "2": "Driving", "3": "Sitting"},
                             source="typed")  # fmt: skip
    _link, token = services.make_link(measure, "reassessment", "email", physiotherapist,
                                      sent_to="avery@example.org")  # fmt: skip
    client.force_login(physiotherapist)
    typed = client.get(reverse("treatments:measure-answer", args=[course.pk, measure.pk]))
    client.logout()
    emailed = client.get(reverse("treatments:answer", args=[token]))
    for response in (typed, emailed):
        assert response.context["form"]["1-name"].value() == "Tying shoes"
        assert 'value="Driving"' in response.content.decode()


# Correcting answers ------------------------------------------------------------------------


def correct_url(response):
    return reverse("treatments:response-correct", args=[response.pk])


def test_a_correction_rescores_the_answers_and_keeps_the_earlier_version(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    measure = measure_of(course, "odi")
    baseline = services.record_response(measure, occasion="baseline", answers=odi(50),
                                        source="typed")  # fmt: skip
    later = services.record_response(measure, occasion="reassessment", answers=odi(36),
                                     source="typed")  # fmt: skip
    assert later.is_important_change
    client.force_login(physiotherapist)
    form = client.get(correct_url(baseline))
    assert form.context["form"]["1"].value() == 5
    data = {**odi(40), "answered_on": TODAY.isoformat(), "reason": "Typed the wrong sheet"}
    assert client.post(correct_url(baseline), data)["Location"] == course.get_absolute_url()
    baseline.refresh_from_db()
    later.refresh_from_db()
    assert baseline.score == 40
    assert not later.is_important_change  # 4 points from the corrected baseline
    versions = baseline.history.order_by("history_id")
    assert [v.score for v in versions] == [50, 40]
    assert versions.last().history_change_reason == "Corrected: Typed the wrong sheet"
    assert versions.last().history_user == physiotherapist


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"reason": ""}, "reason"), ({"reason": "x" * 501}, "reason"), ({"1": "9"}, "1"),
     ({"answered_on": "2999-01-01"}, "answered_on"), ({"answered_on": "soon"}, "answered_on")],
    ids=["no reason", "huge reason", "out of range", "future", "not a date"],
)  # fmt: skip
def test_a_bad_correction_is_refused_with_a_message(client, physiotherapist, changes, field):
    course = make_course(physiotherapist=physiotherapist)
    response = answered(course, "odi").responses.get()
    client.force_login(physiotherapist)
    data = {**odi(20), "answered_on": TODAY.isoformat(), "reason": "Wrong sheet", **changes}
    page = client.post(correct_url(response), data)
    assert page.status_code == 200
    assert page.context["form"].errors[field]
    response.refresh_from_db()
    assert response.score == 40
    assert response.history.count() == 1


def test_only_physiotherapists_correct_answers(client, front_desk, clinic_admin):
    response = answered(make_course(), "odi").responses.get()
    for person in (front_desk, clinic_admin):
        client.force_login(person)
        assert client.get(correct_url(response)).status_code == 403
    client.logout()
    assert client.get(correct_url(response)).status_code == 302


def test_the_course_page_links_each_answer_to_its_correction(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    response = answered(course, "odi").responses.get()
    client.force_login(physiotherapist)
    assert correct_url(response) in client.get(course.get_absolute_url()).content.decode()
    assert client.get("/treatments/answers/999999/correct/").status_code == 404


def test_the_json_export_holds_the_answers_as_valid_fhir_resources(client, physiotherapist):
    from fhir.resources.questionnaire import Questionnaire
    from fhir.resources.questionnaireresponse import QuestionnaireResponse

    course = make_course(physiotherapist=physiotherapist)
    answered(course, "odi", "baseline", "reassessment")
    client.force_login(physiotherapist)
    record = client.get(reverse("treatments:record-json", args=[course.patient.pk]))
    exported = json.loads(record.content)["fhir"]
    assert [Questionnaire.model_validate(q).title for q in exported["questionnaires"]] == [
        "Oswestry Disability Index"
    ]
    responses = [
        QuestionnaireResponse.model_validate(r) for r in exported["questionnaire_responses"]
    ]
    assert [r.subject.reference for r in responses] == [f"Patient/{course.patient.pk}"] * 2
