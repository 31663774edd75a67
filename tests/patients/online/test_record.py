"""A signed-in patient downloads their whole record (the access request PIPA and PHIPA give
them): a page that opens without the internet, and their answers as FHIR JSON. Only ever
their own, each download an audit entry, in the same number of queries however long."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from ims_clinic.models import AuditEntry
from tests.factories import (
    INITIAL_ASSESSMENT,
    TODAY,
    chart_visit,
    make_front_desk,
    make_physiotherapist,
    make_visit,
    ready_for_needling,
)
from tests.patients.online.helpers import online_patient, sign_in_by_link
from tests.treatments.outcomes.helpers import answered

pytestmark = pytest.mark.django_db
PAGE = reverse("patients:online-record")
FILE = reverse("patients:online-record-file")
ANSWERS = reverse("patients:online-record-answers")


def treated(email: str, name: str, note: str, visits: int = 1):
    """A patient screened, consenting, with a course of charted IMS treatments, an
    assessment before it and their ODI answered."""
    physiotherapist = make_physiotherapist(first_name="Priya", last_name="Physio")
    patient = online_patient(email=email, legal_first_name=name, legal_last_name="Lopez")
    course = ready_for_needling(patient, physiotherapist)
    for week in range(visits):
        visit = make_visit(course, TODAY - timedelta(days=1 + 7 * week))
        chart_visit(visit, physiotherapist, note=f"{note} {week}", sites=2)
    assessment = make_visit(
        None, TODAY - timedelta(days=40), kind=INITIAL_ASSESSMENT, patient=patient,
        physiotherapist=physiotherapist,
    )  # fmt: skip
    chart_visit(assessment, physiotherapist, note=f"{note} at assessment")
    answered(course, "odi", "baseline", percent=40)
    return patient


@pytest.fixture
def avery(clock):
    return treated("avery@example.com", "Avery", "Needled the left gluteus")


@pytest.fixture
def blake(avery):
    return treated("blake@example.com", "Blake", "Blake's shoulder")


def test_the_record_page_offers_the_downloads(client, avery):
    sign_in_by_link(client, avery)
    page = client.get(PAGE).content.decode()
    assert page.count("<h1") == 1 and "Download my record" in page
    assert FILE in page and ANSWERS in page


def test_the_downloaded_record_holds_the_patients_whole_record(client, avery, blake):
    sign_in_by_link(client, avery)
    response = client.get(FILE)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="my-record-2026-03-10.html"'
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert html.count("<h1") == 1 and "Record of Avery Lopez" in html
    for part in ["Screenings", "Consents", "Courses of treatment", "IMS treatment of 9 March 2026",
                 "Needled the left gluteus 0", "Muscle 1", "Charted and signed",
                 "Needled the left gluteus at assessment", "Oswestry Disability Index",
                 "Baseline of 10 March 2026", "40.00", "Priya Physio"]:  # fmt: skip
        assert part in html, part
    assert "Blake" not in html and "Blake's shoulder" not in html
    # Left out: the front desk's copy of the email for online access.
    assert "email confirmed for online access" not in html


def test_the_downloaded_page_opens_without_the_internet(client, avery):
    sign_in_by_link(client, avery)
    html = client.get(FILE).content.decode()
    assert not re.search(r"<(script|link|img|iframe)\b|\bsrc=|url\(|@import", html)
    assert not re.search(r"href=", html)


def test_the_answers_download_as_fhir_json_the_patients_own_only(client, avery, blake):
    sign_in_by_link(client, avery)
    response = client.get(ANSWERS)
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    fhir = json.loads(response.content)["fhir"]
    [answer] = fhir["questionnaire_responses"]
    assert answer["resourceType"] == "QuestionnaireResponse"
    assert answer["subject"]["reference"] == f"Patient/{avery.pk}"


def test_each_download_is_an_audit_entry_under_the_patient(client, avery):
    sign_in_by_link(client, avery)
    for url, detail in [(FILE, "printable page"), (ANSWERS, "FHIR")]:
        client.get(url)
        entry = AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).latest("pk")
        assert entry.username == f"patient {avery.pk}" and entry.user is None
        assert entry.patient_id == avery.pk and detail in entry.detail


def test_a_patient_with_nothing_on_file_downloads_empty_sections(client, clock):
    patient = online_patient(email="casey@example.com")
    sign_in_by_link(client, patient)
    html = client.get(FILE).content.decode()
    assert html.count("None.") == 4


@pytest.mark.parametrize("visits", [1, 4])
def test_the_download_takes_the_same_queries_however_long_the_record(
    client, clock, django_assert_num_queries, visits
):
    patient = treated("dana@example.com", "Dana", "Note", visits=visits)
    sign_in_by_link(client, patient)
    # session, patient; the record: patient, screenings, precautions, consents, courses, visits
    # with charts, sites, adverse events, the visits outside courses, their sites and adverse
    # events, questionnaires, answers, versions; the audit entry
    with django_assert_num_queries(17):
        client.get(FILE)
    # session, patient; the answers; the audit entry
    with django_assert_num_queries(4):
        client.get(ANSWERS)


@pytest.mark.parametrize("person", ["staff", "anonymous"])
def test_only_a_signed_in_patient_downloads_a_record(client, avery, person):
    if person == "staff":
        client.force_login(make_front_desk())
    for url in [PAGE, FILE, ANSWERS]:
        assert client.get(url)["Location"].split("?")[0] == reverse("patients:online-sign-in")
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).exists()


def test_no_id_in_the_request_reaches_another_patients_record(client, avery, blake):
    sign_in_by_link(client, avery)
    html = client.get(FILE, {"patient": blake.pk, "pk": blake.pk}).content.decode()
    assert "Avery" in html and "Blake" not in html
