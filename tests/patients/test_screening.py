from datetime import timedelta

import pytest
from django.db import IntegrityError
from django.urls import reverse

from patients.models import Precaution, Screening
from tests.factories import TODAY
from tests.patients.helpers import HOSTILE, HUGE, unlabelled_fields

pytestmark = pytest.mark.django_db


def url(patient) -> str:
    return reverse("patients:screening-create", args=[patient.pk])


def screening_data(**overrides) -> dict:
    return {"screened_on": TODAY.isoformat(), "note": "", **overrides}


def test_the_form_is_dated_today_and_labels_every_field(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    response = client.get(url(patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f'type="date" name="screened_on" value="{TODAY.isoformat()}"' in html
    assert unlabelled_fields(html) == []
    for _kind, label in Precaution.Kind.choices:
        assert f">{label}</legend>" in html.replace("&#x27;", "'")
    assert "Lymphedema in the area" in html


def test_a_physiotherapist_signs_a_screening_with_its_precautions(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    data = screening_data(
        note="Fit and well",
        bleeding_applies="on", bleeding_decision="modify", bleeding_note="On warfarin: fewer sites",
        diabetes_applies="on", diabetes_decision="proceed", diabetes_note="Well controlled",
    )  # fmt: skip
    response = client.post(url(patient), data, follow=True)
    assert response.redirect_chain == [(patient.get_absolute_url(), 302)]
    screening = Screening.objects.get()
    assert screening.patient == patient
    assert screening.signed_by == physiotherapist
    assert screening.screened_on == TODAY
    assert screening.allows_needling
    kinds = {p.kind: (p.decision, p.note) for p in screening.precautions.all()}
    assert kinds == {
        "bleeding": ("modify", "On warfarin: fewer sites"),
        "diabetes": ("proceed", "Well controlled"),
    }
    html = response.content.decode()
    assert "Recorded the screening of Avery Lopez." in html
    assert "On warfarin: fewer sites" in html


def test_a_do_not_needle_answer_is_saved_and_shown_as_a_warning(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    response = client.post(url(patient), screening_data(needle_phobia="on"), follow=True)
    assert not Screening.objects.get().allows_needling
    html = response.content.decode()
    assert "Recorded the screening of Avery Lopez: do not needle (needle phobia)." in html
    assert 'alert-heading">Do not needle</h2>' in html


def test_a_precaution_decided_do_not_needle_stops_needling(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    data = screening_data(
        pregnancy_applies="on", pregnancy_decision="do_not_needle", pregnancy_note="12 weeks"
    )
    client.post(url(patient), data)
    assert Screening.objects.get().do_not_needle_reasons == ["Pregnancy (decided: do not needle)"]


def test_precautions_left_unticked_are_not_recorded(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    client.post(url(patient), screening_data())
    assert Screening.objects.count() == 1
    assert Precaution.objects.count() == 0


def test_a_ticked_precaution_needs_a_decision_and_a_note(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    response = client.post(url(patient), screening_data(epilepsy_applies="on"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Choose a decision for “Epilepsy”." in html
    assert "Write a note for “Epilepsy”: why, and any changes to the treatment." in html
    assert Screening.objects.count() == 0


def test_a_ticked_precaution_with_a_blank_note_is_refused(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    data = screening_data(epilepsy_applies="on", epilepsy_decision="proceed", epilepsy_note="  ")
    response = client.post(url(patient), data)
    assert "Write a note for “Epilepsy”" in response.content.decode()
    assert Screening.objects.count() == 0


def test_a_decision_on_an_unticked_precaution_is_not_silently_dropped(
    client, physiotherapist, patient
):
    client.force_login(physiotherapist)
    data = screening_data(tumour_decision="do_not_needle", tumour_note="Under investigation")
    response = client.post(url(patient), data)
    html = response.content.decode()
    assert "Tick “Tumour” to record its decision and note, or clear them." in html
    # Kept open, with what was written, even where script hides the unticked ones.
    assert 'id="precaution-tumour" data-keep-open' in html
    assert Screening.objects.count() == 0


def test_only_a_ticked_precaution_opens_its_decision_and_note_where_script_runs(
    client, physiotherapist, patient
):
    client.force_login(physiotherapist)
    html = client.get(url(patient)).content.decode()
    assert 'data-discloses="precaution-bleeding"' in html
    assert 'aria-controls="precaution-bleeding"' in html
    assert "data-keep-open" not in html


@pytest.mark.parametrize(
    "data,message",
    [
        ({"screened_on": ""}, "This field is required."),
        ({"screened_on": "2024-13-45"}, "Enter a valid date."),
        ({"screened_on": HUGE}, "Enter a valid date."),
        ({"screened_on": HOSTILE}, "Enter a valid date."),
        (
            {"screened_on": (TODAY + timedelta(days=1)).isoformat()},
            "A screening cannot be dated in the future.",
        ),
        (
            {"child_applies": "on", "child_decision": HUGE, "child_note": "x"},
            "Select a valid choice.",
        ),
        (
            {"child_applies": "on", "child_decision": HOSTILE, "child_note": "x"},
            "Select a valid choice.",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(
    client, physiotherapist, patient, data, message
):
    client.force_login(physiotherapist)
    response = client.post(url(patient), screening_data(**data))
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "Nothing was saved. Please correct" in html
    assert "<script>alert(1)" not in html
    assert Screening.objects.count() == 0
    assert Precaution.objects.count() == 0


def test_a_script_in_a_note_is_kept_as_text_and_never_run(client, physiotherapist, patient):
    client.force_login(physiotherapist)
    data = screening_data(note=HOSTILE, frailty_applies="on", frailty_decision="modify",
                          frailty_note=HOSTILE)  # fmt: skip
    html = client.post(url(patient), data, follow=True).content.decode()
    assert Screening.objects.get().note == HOSTILE
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_screening_and_its_precautions_are_saved_together_or_not_at_all(
    client, physiotherapist, patient, monkeypatch
):
    def fail(*args, **kwargs):
        raise IntegrityError("the database refused the precaution")

    monkeypatch.setattr(Precaution, "save", fail)
    client.force_login(physiotherapist)
    data = screening_data(child_applies="on", child_decision="modify", child_note="Age 15")
    with pytest.raises(IntegrityError):
        client.post(url(patient), data)
    assert Screening.objects.count() == 0


def test_a_screening_recorded_during_an_assessment_returns_to_its_chart(
    client, physiotherapist, patient
):
    chart = reverse("treatments:visit-chart", args=[1])
    client.force_login(physiotherapist)
    response = client.post(f"{url(patient)}?next={chart}", screening_data())
    assert response["Location"] == chart


@pytest.mark.parametrize("elsewhere", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_a_screening_never_returns_to_another_site(client, physiotherapist, patient, elsewhere):
    client.force_login(physiotherapist)
    response = client.post(f"{url(patient)}?next={elsewhere}", screening_data())
    assert response["Location"] == patient.get_absolute_url()


def test_the_front_desk_is_refused_and_nothing_is_saved(client, front_desk, patient):
    client.force_login(front_desk)
    assert client.get(url(patient)).status_code == 403
    response = client.post(url(patient), screening_data())
    assert response.status_code == 403
    assert "You do not have access to this page" in response.content.decode()
    assert Screening.objects.count() == 0


def test_a_clinic_admin_is_refused(client, clinic_admin, patient):
    client.force_login(clinic_admin)
    assert client.post(url(patient), screening_data()).status_code == 403
    assert Screening.objects.count() == 0


def test_a_visitor_is_sent_to_sign_in(client, patient):
    response = client.post(url(patient), screening_data())
    assert response["Location"] == f"/accounts/login/?next={url(patient)}"
    assert Screening.objects.count() == 0


def test_a_made_up_patient_is_not_found(client, physiotherapist):
    client.force_login(physiotherapist)
    response = client.post(reverse("patients:screening-create", args=[999999]), screening_data())
    assert response.status_code == 404
    assert Screening.objects.count() == 0
