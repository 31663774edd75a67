"""Charting an IMS visit, and correcting a chart with the earlier version kept."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from patients.models import Precaution
from tests.factories import (
    INITIAL_ASSESSMENT,
    TODAY,
    chart_visit,
    make_consent,
    make_course,
    make_patient,
    make_physiotherapist,
    make_screening,
    make_visit,
    ready_for_needling,
)
from tests.treatments.helpers import (
    SECOND_SITE,
    SITE,
    chart_data,
    correction_data,
    page_text,
)
from treatments.models import AdverseEvent, Chart, NeedledSite, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
YESTERDAY = TODAY - timedelta(days=1)


def chart_url(visit) -> str:
    return reverse("treatments:visit-chart", args=[visit.pk])


@pytest.fixture
def visit(physiotherapist):
    """Yesterday's booked visit of a screened patient who has consented."""
    return make_visit(ready_for_needling(physiotherapist=physiotherapist), YESTERDAY)


def saved_counts() -> tuple[int, int, int]:
    return Chart.objects.count(), NeedledSite.objects.count(), AdverseEvent.objects.count()


# The empty form -------------------------------------------------------------------------


def test_it_shows_an_empty_chart_form_with_labelled_fields(client, physiotherapist, visit):
    client.force_login(physiotherapist)
    response = client.get(chart_url(visit))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Chart the visit of" in html
    for field in ["consent_confirmed", "patient_position", "pain_before", "pain_after", "note"]:
        assert f'for="id_{field}"' in html
    for index in range(3):
        assert f'for="id_sites-{index}-muscle"' in html
    assert 'for="id_events-0-kind"' in html
    assert 'name="sites-3-muscle"' not in html
    assert 'name="correction_reason"' not in html
    assert "Remove this site" in html  # a row can be set aside before saving


def test_it_copies_nothing_forward_from_the_previous_visit(client, physiotherapist, visit):
    earlier = make_visit(visit.course, YESTERDAY - timedelta(days=7), status="attended")
    chart_visit(earlier, physiotherapist, note="Last week's note: grasp at L5", pain=(8, 3))
    client.force_login(physiotherapist)
    response = client.get(chart_url(visit))
    html = page_text(response)
    assert "Last week's note: grasp at L5" not in html
    assert "Muscle 1" not in html
    assert not response.context["form"]["note"].value()
    assert response.context["form"]["pain_before"].value() is None
    assert not response.context["sites"].initial_forms


# A visit without needling: its visit note ---------------------------------------------


@pytest.fixture
def assessment(physiotherapist, patient):
    """Yesterday's initial assessment of a new patient: no screening, consent or course yet."""
    return make_visit(
        None, YESTERDAY, kind=INITIAL_ASSESSMENT, patient=patient,
        physiotherapist=physiotherapist,
    )  # fmt: skip


NOTE = {"reported": "Stiff neck for two months", "findings": "Taut band in upper trapezius",
        "pain_before": "6", "plan": "Screen and consent; IMS from next week"}  # fmt: skip


def test_a_visit_without_needling_gets_a_visit_note_without_the_needling_gates(client, assessment):
    """Written by someone with no needling authorization, for a patient not yet screened."""
    unauthorized = make_physiotherapist(authorized_until=YESTERDAY - timedelta(days=30))
    assessment.physiotherapist = unauthorized
    assessment.save()
    client.force_login(unauthorized)
    response = client.get(chart_url(assessment))
    html = page_text(response)
    assert response.status_code == 200 and html.count("<h1") == 1
    assert "Visit note" in html and 'name="consent_confirmed"' not in html
    assert 'name="sites-TOTAL_FORMS"' not in html
    for field in ["reported", "findings", "pain_before", "plan"]:
        assert f'for="id_{field}"' in html
    assert client.post(chart_url(assessment), {**NOTE, "sign": "1"}).status_code == 302
    assessment.refresh_from_db()
    note = assessment.chart
    assert (note.kind, note.reported, note.pain_before) == ("note", NOTE["reported"], 6)
    assert assessment.status == Visit.Status.ATTENDED and note.is_signed


def test_an_assessment_links_to_record_the_screening_and_consent_during_the_visit(
    client, physiotherapist, assessment
):
    client.force_login(physiotherapist)
    html = client.get(chart_url(assessment)).content.decode()
    back = f"?next={chart_url(assessment)}"
    screening = reverse("patients:screening-create", args=[assessment.patient_id])
    consent = reverse("patients:consent-create", args=[assessment.patient_id])
    assert f'href="{screening}{back}"' in html and f'href="{consent}{back}"' in html


@pytest.mark.parametrize(
    ("change", "message"),
    [({"reported": ""}, "This field is required."), ({"plan": "  "}, "This field is required."),
     ({"pain_before": "11"}, "Score pain from 0 (none) to 10 (worst).")],
)  # fmt: skip
def test_a_visit_note_without_what_the_patient_reports_or_the_plan_is_refused(
    client, physiotherapist, assessment, change, message
):
    client.force_login(physiotherapist)
    response = client.post(chart_url(assessment), {**NOTE, **change})
    assert response.status_code == 200 and message in page_text(response)
    assert not Chart.objects.exists()


def test_a_visit_note_cannot_carry_needled_sites(physiotherapist, assessment):
    from treatments.charting import record_chart

    note = Chart(reported="Sore", plan="Rest", pain_before=3)
    site = NeedledSite(muscle="Multifidus", side="left", site_type="paraspinal",
                       spinal_segment="L4", response="grasp")  # fmt: skip
    with pytest.raises(ValidationError, match="A visit without needling has no needled sites"):
        record_chart(visit=assessment, chart=note, sites=[site], adverse_events=[],
                     charted_by=physiotherapist)  # fmt: skip
    assert not Chart.objects.exists()


def test_an_ims_treatment_still_needs_the_screening_consent_and_authorization(
    client, physiotherapist, patient
):
    course = make_course(patient, physiotherapist)
    treatment = make_visit(course, YESTERDAY)
    client.force_login(physiotherapist)
    html = page_text(client.get(chart_url(treatment)))
    assert "No screening is on file for this patient." in html
    assert "No consent to IMS is on file for this date." in html


# Charting -------------------------------------------------------------------------------


def test_charting_two_sites_updates_the_course_page(client, physiotherapist, visit):
    client.force_login(physiotherapist)
    data = chart_data(sites=[SITE, SECOND_SITE], pain_before="7", pain_after="3")
    response = client.post(chart_url(visit), data, follow=True)
    assert response.redirect_chain == [(visit.get_absolute_url(), 302)]
    assert "Draft chart saved. Sign it when it is complete." in response.content.decode()
    visit.refresh_from_db()
    assert visit.status == Visit.Status.ATTENDED
    chart = visit.chart
    assert (chart.pain_before, chart.pain_after, chart.charted_by) == (7, 3, physiotherapist)
    assert [s.muscle for s in chart.sites.all()] == ["Multifidus", "Gluteus medius"]
    course_page = page_text(client.get(visit.course.get_absolute_url()))
    assert "IMS treatment 1 of an expected 2-3" in course_page
    # The pain chart's table, then the attended visits' own.
    assert '<tr><th scope="row">1</th><td>7</td><td>3</td></tr>' in course_page
    assert "<td>7</td>\n                <td>3</td>\n                <td>2</td>" in course_page
    assert "Pain is unchanged from 7" in course_page


def test_it_records_electrical_stimulation_and_an_adverse_event(client, physiotherapist, visit):
    client.force_login(physiotherapist)
    event = {"kind": "bruising", "severity": "mild", "note": "Small bruise at L4"}
    data = chart_data(
        electrical_stimulation="on", stimulation_hz="2.5", stimulation_ma="1.0",
        stimulation_minutes="10", events=[event],
    )  # fmt: skip
    client.post(chart_url(visit), data)
    chart = Chart.objects.get()
    assert (chart.stimulation_hz, chart.stimulation_minutes) == (2.5, 10)
    assert chart.adverse_events.get().get_kind_display() == "Bruising"
    html = client.get(visit.get_absolute_url()).content.decode()
    assert "2.5 Hz, 1.0 mA, 10 minutes" in html
    assert "Bruising (mild): Small bruise at L4" in html


def test_it_keeps_hostile_text_as_text(client, physiotherapist, visit):
    client.force_login(physiotherapist)
    hostile = "<script>alert(1)</script>"
    client.post(chart_url(visit), chart_data(note=hostile, sites=[{**SITE, "muscle": hostile}]))
    assert Chart.objects.get().note == hostile
    html = client.get(visit.get_absolute_url()).content.decode()
    assert hostile not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize(
    "data,message",
    [
        (chart_data(pain_before="11"), "Score pain from 0 (none) to 10 (worst)."),
        (chart_data(pain_after="-1"), "Score pain from 0 (none) to 10 (worst)."),
        (chart_data(pain_after="4.5"), "Score pain as a whole number from 0 to 10."),
        (chart_data(pain_before=""), "This field is required."),
        (chart_data(consent_confirmed=None), "Confirm consent for this visit before needling."),
        (chart_data(patient_position="upside down"), "Select a valid choice."),
        (chart_data(note=""), "This field is required."),
        (chart_data(note="n" * 10_000), "Keep this to 5000 characters or fewer"),
        (
            chart_data(electrical_stimulation="on"),
            "Give Hz, mA and minutes with electrical stimulation, and none without it.",
        ),
        (
            chart_data(stimulation_hz="2"),
            "Give Hz, mA and minutes with electrical stimulation, and none without it.",
        ),
        (
            chart_data(
                electrical_stimulation="on",
                stimulation_hz="2,5x",
                stimulation_ma="1",
                stimulation_minutes="10",
            ),
            "Enter a number.",
        ),
        (
            chart_data(
                electrical_stimulation="on",
                stimulation_hz="500",
                stimulation_ma="1",
                stimulation_minutes="10",
            ),
            "Ensure this value is less than or equal to 200.",
        ),
        (chart_data(sites=[{**SITE, "spinal_segment": "Z9"}]), "Choose a spinal segment from C1"),
        (chart_data(sites=[{**SITE, "muscle": "m" * 10_000}]), "at most 80 characters"),
        (chart_data(sites=[{**SITE, "insertions": "0"}]), "greater than or equal to 1"),
        (chart_data(sites=[{**SITE, "insertions": "many"}]), "Enter a whole number."),
        (chart_data(sites=[{**SITE, "side": ""}]), "Choose the side of Multifidus."),
        (chart_data(sites=[]), "Record at least one needled site."),
        (chart_data(events=[{"kind": "bruising", "severity": ""}]), "This field is required."),
        (chart_data(events=[{"kind": "alien", "severity": "mild"}]), "Select a valid choice."),
        ({**chart_data(), "sites-TOTAL_FORMS": "x"}, "ManagementForm data is missing"),
    ],
)
def test_it_explains_bad_chart_input_and_saves_nothing(
    client, physiotherapist, visit, data, message
):
    client.force_login(physiotherapist)
    response = client.post(chart_url(visit), data)
    assert response.status_code == 200
    assert message in page_text(response)
    assert "Nothing was saved" in response.content.decode()
    assert saved_counts() == (0, 0, 0)
    visit.refresh_from_db()
    assert visit.status == Visit.Status.BOOKED


# Why a visit cannot be charted --------------------------------------------------------


def refused(client, physiotherapist, visit, message: str) -> None:
    client.force_login(physiotherapist)
    for response in (client.get(chart_url(visit)), client.post(chart_url(visit), chart_data())):
        assert response.status_code == 200
        html = page_text(response)
        assert "This visit cannot be charted" in html
        assert message in html
        assert 'name="note"' not in html
    assert saved_counts() == (0, 0, 0)


def test_it_refuses_a_patient_without_a_screening(client, physiotherapist):
    patient = make_patient()
    make_consent(patient, physiotherapist)
    visit = make_visit(make_course(patient, physiotherapist), YESTERDAY)
    refused(client, physiotherapist, visit, "No screening is on file for this patient.")


def test_it_refuses_a_patient_screened_as_do_not_needle(client, physiotherapist):
    patient = make_patient()
    make_screening(patient, physiotherapist, needle_phobia=True)
    make_consent(patient, physiotherapist)
    visit = make_visit(make_course(patient, physiotherapist), YESTERDAY)
    refused(client, physiotherapist, visit, "says do not needle: needle phobia.")


def test_it_refuses_a_precaution_decided_as_do_not_needle(client, physiotherapist):
    patient = make_patient()
    screening = make_screening(patient, physiotherapist)
    Precaution.objects.create(
        screening=screening, kind="bleeding", decision="do_not_needle", note="On warfarin"
    )
    make_consent(patient, physiotherapist)
    visit = make_visit(make_course(patient, physiotherapist), YESTERDAY)
    refused(client, physiotherapist, visit, "Bleeding tendency or blood thinners (decided: do not")


def test_it_refuses_a_patient_without_consent(client, physiotherapist):
    patient = make_patient()
    make_screening(patient, physiotherapist)
    visit = make_visit(make_course(patient, physiotherapist), YESTERDAY)
    refused(client, physiotherapist, visit, "No consent to IMS is on file for this date.")


def test_it_refuses_a_physiotherapist_without_a_current_authorization(client, physiotherapist):
    lapsed = make_physiotherapist(
        first_name="Lee", last_name="Lapsed", authorized_until=TODAY - timedelta(days=30)
    )
    visit = make_visit(ready_for_needling(physiotherapist=physiotherapist), YESTERDAY)
    refused(client, lapsed, visit, "Lee Lapsed has no current needling authorization")


def test_it_refuses_a_visit_in_the_future(client, physiotherapist):
    visit = make_visit(
        ready_for_needling(physiotherapist=physiotherapist), TODAY + timedelta(days=2)
    )
    refused(client, physiotherapist, visit, "A visit is charted once it has started.")


def test_it_refuses_a_cancelled_visit(client, physiotherapist):
    visit = make_visit(
        ready_for_needling(physiotherapist=physiotherapist), YESTERDAY, status="cancelled",
        cancellation_reason="Sick",
    )  # fmt: skip
    refused(client, physiotherapist, visit, "A cancelled or missed visit cannot be charted.")


# Correcting -----------------------------------------------------------------------------


@pytest.fixture
def charted(physiotherapist, visit):
    chart_visit(visit, physiotherapist, sites=2, note="Needled the left side", pain=(6, 3))
    visit.refresh_from_db()
    return visit


def test_the_correction_form_is_filled_and_asks_for_a_reason(client, physiotherapist, charted):
    client.force_login(physiotherapist)
    response = client.get(chart_url(charted))
    html = response.content.decode()
    assert "Amend the signed chart of" in html
    assert "Needled the left side" in html
    assert 'value="Muscle 1"' in html and 'value="Muscle 2"' in html
    assert 'for="id_correction_reason"' in html
    assert 'name="sites-0-DELETE"' in html
    assert response.context["form"]["pain_before"].value() == 6


def test_a_correction_keeps_the_earlier_version_with_the_reason(client, physiotherapist, charted):
    chart = charted.chart
    client.force_login(physiotherapist)
    data = correction_data(chart, note="Needled the right side", reason="Wrong side recorded")
    response = client.post(chart_url(charted), data, follow=True)
    assert "Chart amended; the earlier version is kept." in response.content.decode()
    chart.refresh_from_db()
    assert chart.note == "Needled the right side"
    latest, earlier = chart.history.all()
    assert earlier.note == "Needled the left side"
    assert latest.history_change_reason == "Amended: Wrong side recorded"
    assert latest.history_user == physiotherapist
    html = client.get(charted.get_absolute_url()).content.decode()
    assert "Needled the left side" in html and "Wrong side recorded" in html


def test_a_correction_without_a_reason_changes_nothing(client, physiotherapist, charted):
    client.force_login(physiotherapist)
    data = correction_data(charted.chart, note="Changed", reason="")
    response = client.post(chart_url(charted), data)
    assert "A signed chart is amended only with a reason: say why." in response.content.decode()
    charted.chart.refresh_from_db()
    assert charted.chart.note == "Needled the left side"
    assert charted.chart.history.count() == 1


def test_a_correction_can_remove_a_site(client, physiotherapist, charted):
    chart = charted.chart
    client.force_login(physiotherapist)
    data = {**correction_data(chart, reason="Site 2 was not needled"), "sites-1-DELETE": "on"}
    client.post(chart_url(charted), data)
    assert [site.muscle for site in chart.sites.all()] == ["Muscle 1"]


def test_a_correction_cannot_remove_every_site(client, physiotherapist, charted):
    client.force_login(physiotherapist)
    data = {
        **correction_data(charted.chart),
        "sites-0-DELETE": "on",
        "sites-1-DELETE": "on",
    }
    response = client.post(chart_url(charted), data)
    assert "Record at least one needled site." in response.content.decode()
    assert charted.chart.sites.count() == 2


# Who may chart --------------------------------------------------------------------------


def test_charting_sends_visitors_to_sign_in(client, visit):
    target = chart_url(visit)
    assert client.get(target)["Location"] == f"/accounts/login/?next={target}"


@pytest.mark.parametrize("person", ["front_desk", "clinic_admin", "outsider"])
def test_charting_is_refused_to_staff_who_are_not_physiotherapists(client, request, visit, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(chart_url(visit)).status_code == 403
    assert client.post(chart_url(visit), chart_data()).status_code == 403
    assert saved_counts() == (0, 0, 0)


def test_charting_gives_404_for_a_visit_that_does_not_exist(client, physiotherapist):
    client.force_login(physiotherapist)
    assert client.get(reverse("treatments:visit-chart", args=[999_999])).status_code == 404
