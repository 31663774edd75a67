"""Exporting a patient's whole record for an access request, as a printable page and JSON."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse

from ims_clinic.models import AuditEntry
from tests.factories import (
    INITIAL_ASSESSMENT,
    TODAY,
    chart_visit,
    make_clinic_admin,
    make_consent,
    make_front_desk,
    make_patient,
    make_screening,
    make_visit,
    ready_for_needling,
)
from tests.treatments.helpers import correction_data
from tests.treatments.outcomes.helpers import answered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def urls(patient_pk: int) -> tuple[str, str]:
    return (reverse("treatments:record-print", args=[patient_pk]),
            reverse("treatments:record-json", args=[patient_pk]))  # fmt: skip


@pytest.fixture
def treated(client, physiotherapist):
    """A patient with a course of two charted visits, one chart amended."""
    course = ready_for_needling(physiotherapist=physiotherapist)
    first = make_visit(course, TODAY - timedelta(days=8))
    second = make_visit(course, TODAY - timedelta(days=1))
    chart_visit(first, physiotherapist, note="First visit note")
    chart_visit(second, physiotherapist, note="Left side", sites=2)
    client.force_login(physiotherapist)
    data = correction_data(second.chart, note="Right side", reason="Wrong side recorded")
    client.post(reverse("treatments:visit-chart", args=[second.pk]), data)
    return course.patient


def test_the_json_holds_the_whole_record_with_amendments(client, physiotherapist, treated):
    response = client.get(urls(treated.pk)[1])
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["exported_by"] == physiotherapist.username
    record = data["patient"]
    assert record["legal_last_name"] == treated.legal_last_name
    assert len(record["screenings"]) == 1 and len(record["consents"]) == 1
    (course,) = record["courses"]
    notes = [s["chart"][0]["note"] for s in course["visits"]]
    assert notes == ["First visit note", "Right side"]
    versions = course["visits"][1]["chart"][0]["versions"]
    assert [v["reason"] for v in versions] == ["Charted and signed", "Amended: Wrong side recorded"]
    assert len(course["visits"][1]["chart"][0]["needled_sites"]) == 2
    assert "phone_digits" not in record


def test_the_printable_page_shows_the_record_and_offers_the_json(client, treated):
    response = client.get(urls(treated.pk)[0])
    html = response.content.decode()
    assert response.status_code == 200 and html.count("<h1") == 1
    assert f"Record of {treated.full_name}" in html
    assert "First visit note" in html and "Right side" in html
    assert "Amended: Wrong side recorded" in html
    assert urls(treated.pk)[1] in html


def test_each_export_is_an_audit_entry(client, physiotherapist, treated):
    for url, detail in zip(urls(treated.pk), ["printable page", "JSON"], strict=True):
        client.get(url)
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).latest("pk")
        assert entry.user == physiotherapist and entry.patient == treated and detail in entry.detail


def test_a_patient_with_nothing_on_file_exports_empty_sections(client, physiotherapist):
    patient = make_patient()
    client.force_login(physiotherapist)
    record = json.loads(client.get(urls(patient.pk)[1]).content)["patient"]
    assert (record["screenings"], record["consents"], record["courses"]) == ([], [], [])
    assert "None." in client.get(urls(patient.pk)[0]).content.decode()


@pytest.mark.parametrize("make_person", [make_front_desk, make_clinic_admin])
def test_only_physiotherapists_export_a_record(client, treated, make_person):
    client.force_login(make_person())
    for url in urls(treated.pk):
        assert client.get(url).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).exists()


def test_a_made_up_patient_gives_not_found(client, physiotherapist):
    client.force_login(physiotherapist)
    for url in urls(999999):
        assert client.get(url).status_code == 404


def test_it_holds_an_assessment_that_came_before_any_course(client, physiotherapist, patient):
    assessment = make_visit(
        None, TODAY - timedelta(days=3), kind=INITIAL_ASSESSMENT, patient=patient,
        physiotherapist=physiotherapist,
    )  # fmt: skip
    chart_visit(assessment, physiotherapist, note="Stiff neck for two months")
    client.force_login(physiotherapist)
    record = client.get(reverse("treatments:record-json", args=[patient.pk])).json()["patient"]
    [visit] = record["visits_outside_courses"]
    assert visit["visit_type"] == "Initial assessment"
    assert visit["chart"][0]["reported"] == "Stiff neck for two months"


@pytest.mark.parametrize("visits", [1, 4])
def test_the_export_takes_the_same_queries_however_long_the_record(
    client, physiotherapist, django_assert_num_queries, visits
):
    course = ready_for_needling(physiotherapist=physiotherapist)
    make_screening(course.patient, physiotherapist)
    make_consent(course.patient, physiotherapist)
    for week in range(visits):
        chart_visit(
            make_visit(course, TODAY - timedelta(days=1 + 7 * week)), physiotherapist, sites=2
        )
        assessment = make_visit(
            None, TODAY - timedelta(days=4 + 7 * week), kind=INITIAL_ASSESSMENT,
            patient=course.patient, physiotherapist=physiotherapist,
        )  # fmt: skip
        chart_visit(assessment, physiotherapist)
    answered(course, "odi", *["baseline"] + ["reassessment"] * visits)
    client.force_login(physiotherapist)
    # session, user (with roles and two-step device); patient (x2: the 404 check, then the record);
    # screenings, precautions, consents, courses, visits with charts, sites, adverse events; the
    # visits outside courses, their sites and adverse events; the courses' questionnaires and
    # their answers; versions; the answers again for their FHIR copy; the audit entry
    with django_assert_num_queries(19):
        client.get(urls(course.patient.pk)[1])
