from datetime import time, timedelta

import pytest
from django.urls import reverse

from patients.models import Consent, Precaution
from tests.factories import (
    TODAY,
    chart_visit,
    make_consent,
    make_course,
    make_screening,
    make_visit,
)
from tests.treatments.outcomes.helpers import answered

pytestmark = pytest.mark.django_db
BRUISE = [{"kind": "bruising", "severity": "mild", "note": "Bruise the size of a coin"}]

# What only a physiotherapist may read, as the records below write it.
CLINICAL = [
    "Takes warfarin daily",  # screening note
    "INR checked every week",  # precaution note
    "Bleeding tendency or blood thinners",  # precaution
    "Do not needle",
    "needle phobia",
    "Left gluteus medius",  # course region
    "Jordan Substitute",  # consent given by a substitute
    "Tender taut band at L5",  # chart note
    "Piriformis",  # needled site
    "Bruise the size of a coin",  # adverse event
    "pain before",  # pain scores, as the chart and the course label them
    "baseline pain",
]


def url(patient) -> str:
    return reverse("patients:patient-detail", args=[patient.pk])


@pytest.fixture
def chart(patient, physiotherapist):
    """A patient with a full clinical record: screening, consent, course, a charted visit."""
    course = make_course(patient, physiotherapist, region="Left gluteus medius")
    visit = make_visit(course, TODAY - timedelta(days=14), time(9, 30))
    chart_visit(
        visit,
        physiotherapist,
        muscles=["Piriformis"],
        pain=(8, 3),
        note="Tender taut band at L5",
        events=BRUISE,
    )
    # Screened again since, and found to be afraid of needles now.
    screening = make_screening(
        patient, physiotherapist, needle_phobia=True, note="Takes warfarin daily", screened_on=TODAY
    )
    Precaution.objects.create(
        screening=screening, kind=Precaution.Kind.BLEEDING,
        decision=Precaution.Decision.MODIFY, note="INR checked every week",
    )  # fmt: skip
    make_consent(
        patient,
        physiotherapist,
        given_by=Consent.GivenBy.SUBSTITUTE,
        substitute_name="Jordan Substitute",
    )

    make_visit(course, TODAY + timedelta(days=7), time(14, 0))
    return course


def test_the_front_desk_sees_contact_details_and_appointments(client, front_desk, chart):
    patient = chart.patient
    client.force_login(front_desk)
    response = client.get(url(patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert '<h1 class="mb-0">Avery Lopez</h1>' in html
    assert "604-555-0199" in html
    assert patient.email in html
    for visit in patient.visits.all():
        assert reverse("treatments:visit-detail", args=[visit.pk]) in html
    assert "09:30" in html and "14:00" in html
    assert "Attended" in html and "Booked" in html
    assert "Priya Physio" in html


def test_the_front_desk_never_receives_clinical_content(client, front_desk, chart):
    client.force_login(front_desk)
    html = client.get(url(chart.patient)).content.decode()
    for words in CLINICAL:
        assert words.lower() not in html.lower(), words
    assert "Record screening" not in html
    assert "Open a course" not in html
    assert f'href="{reverse("treatments:course-detail", args=[chart.pk])}"' not in html


def test_a_physiotherapist_sees_the_screening_consent_and_course(client, physiotherapist, chart):
    client.force_login(physiotherapist)
    html = client.get(url(chart.patient)).content.decode()
    assert "Takes warfarin daily" in html
    assert "Bleeding tendency or blood thinners</strong>: Proceed with changes." in html
    assert "INR checked every week" in html
    assert "Jordan Substitute" in html
    assert "Signed by Priya Physio" in html
    assert f'<a href="{reverse("treatments:course-detail", args=[chart.pk])}">' in html
    assert "Left gluteus medius" in html
    assert "Short: 2-3 IMS treatments" in html
    assert "Tender taut band at L5" not in html  # charts are read on the visit's page


def test_a_physiotherapist_gets_links_to_screen_consent_and_open_a_course(
    client, physiotherapist, patient
):
    client.force_login(physiotherapist)
    html = client.get(url(patient)).content.decode()
    assert (
        f'href="{reverse("patients:screening-create", args=[patient.pk])}">Record screening' in html
    )
    assert f'href="{reverse("patients:consent-create", args=[patient.pk])}">Record consent' in html
    course_create = reverse("treatments:course-create", kwargs={"patient_pk": patient.pk})
    assert f'href="{course_create}">Open a course' in html
    assert "No screening is on file" in html


def test_the_latest_screening_saying_do_not_needle_shows_a_banner(client, physiotherapist, patient):
    make_screening(patient, physiotherapist, screened_on=TODAY - timedelta(days=30))
    make_screening(patient, physiotherapist, screened_on=TODAY, acute_illness=True)
    client.force_login(physiotherapist)
    html = client.get(url(patient)).content.decode()
    assert '<h2 class="h4 alert-heading">Do not needle</h2>' in html
    assert "acute illness or medical emergency" in html
    assert html.index(TODAY.strftime("%-d %b %Y")) < html.index(
        (TODAY - timedelta(days=30)).strftime("%-d %b %Y")
    )


def test_a_precaution_decided_do_not_needle_shows_the_banner_too(client, physiotherapist, patient):
    screening = make_screening(patient, physiotherapist)
    Precaution.objects.create(
        screening=screening, kind=Precaution.Kind.PREGNANCY,
        decision=Precaution.Decision.DO_NOT_NEEDLE, note="First trimester",
    )  # fmt: skip
    client.force_login(physiotherapist)
    html = client.get(url(patient)).content.decode()
    assert 'alert-heading">Do not needle</h2>' in html
    assert "Pregnancy (decided: do not needle)" in html


def test_an_earlier_do_not_needle_screening_no_longer_shows_the_banner(
    client, physiotherapist, patient
):
    make_screening(patient, physiotherapist, screened_on=TODAY - timedelta(days=30), unwilling=True)
    make_screening(patient, physiotherapist, screened_on=TODAY)
    client.force_login(physiotherapist)
    html = client.get(url(patient)).content.decode()
    assert "alert-heading" not in html
    assert "needling allowed" in html
    assert "unwilling to be needled" in html  # still on file, in the history


def test_an_active_patient_has_an_archive_link_to_its_confirmation(client, front_desk, patient):
    client.force_login(front_desk)
    html = client.get(url(patient)).content.decode()
    assert f'href="{reverse("patients:patient-archive", args=[patient.pk])}">Archive</a>' in html
    assert ">Restore</button>" not in html


def test_an_archived_patient_has_a_badge_and_a_restore_button(client, front_desk, patient):
    patient.archive()
    client.force_login(front_desk)
    html = client.get(url(patient)).content.decode()
    assert '<span class="badge text-bg-secondary fs-6">Archived</span>' in html
    assert f'action="{reverse("patients:patient-restore", args=[patient.pk])}"' in html
    assert ">Archive</button>" not in html


def test_a_withdrawn_consent_shows_when_it_was_withdrawn(client, physiotherapist, patient):
    make_consent(patient, physiotherapist, withdrawn_on=TODAY)
    client.force_login(physiotherapist)
    html = client.get(url(patient)).content.decode()
    assert f"Withdrawn on {TODAY:%-d %b %Y}" in html
    assert ">Withdraw<" not in html


def test_it_sends_a_visitor_to_sign_in(client, patient):
    response = client.get(url(patient))
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/patients/{patient.pk}/"


def test_it_refuses_a_clinic_admin(client, clinic_admin, chart):
    client.force_login(clinic_admin)
    response = client.get(url(chart.patient))
    assert response.status_code == 403
    assert "Avery Lopez" not in response.content.decode()


def test_a_made_up_patient_is_not_found(client, front_desk):
    client.force_login(front_desk)
    response = client.get(reverse("patients:patient-detail", args=[999999]))
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()


def add_history(patient, physiotherapist, courses: int) -> None:
    """Courses with two visits and an answered questionnaire each, a week apart, plus a
    screening and consent per course."""
    for n in range(courses):
        course = make_course(patient, physiotherapist, region=f"Region {n}")
        answered(course, "odi")
        for week in range(2):
            make_visit(course, TODAY - timedelta(days=7 * (2 * n + week)))
        screening = make_screening(patient, physiotherapist)
        Precaution.objects.create(
            screening=screening, kind=Precaution.Kind.DIABETES,
            decision=Precaution.Decision.PROCEED, note="Well controlled",
        )  # fmt: skip
        make_consent(patient, physiotherapist)


@pytest.mark.parametrize("courses", [1, 6])
def test_a_physiotherapist_reads_the_chart_in_a_fixed_number_of_queries(
    client, physiotherapist, patient, django_assert_num_queries, courses
):
    add_history(patient, physiotherapist, courses)
    client.force_login(physiotherapist)
    # Visit, user (with roles and two-step device), patient, appointments, courses (the active
    # ones to book on among them), screenings, precautions, consents, the latest intake; the
    # questionnaires due (courses, their questionnaires and answers, the clinic's settings);
    # the audit entry.
    with django_assert_num_queries(14):
        response = client.get(url(patient))
    assert len(response.context["screenings"]) == courses


@pytest.mark.parametrize("courses", [1, 6])
def test_the_front_desk_reads_the_chart_in_a_fixed_number_of_queries(
    client, front_desk, physiotherapist, patient, django_assert_num_queries, courses
):
    add_history(patient, physiotherapist, courses)
    client.force_login(front_desk)
    # Visit, user (with roles and two-step device), patient, appointments, active courses, when
    # the latest intake was sent; the questionnaires due (courses, their questionnaires and
    # answers, the clinic's settings: read to say what is due, never shown); the audit entry.
    with django_assert_num_queries(11):
        response = client.get(url(patient))
    html = response.content.decode()
    assert html.count("<tr>") == 1 + 2 * courses
    assert html.count("Book a visit:") == courses
