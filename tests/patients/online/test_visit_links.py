"""The signed link to one visit that the reminder and aftercare emails carry
(patients/online/visit_links.py): it opens that visit while it is booked and has not started,
for its own patient, and nothing else."""

import base64
import json
from datetime import time, timedelta

import pytest
from django.core import signing
from hypothesis import given
from hypothesis import strategies as st

from patients.online.visit_links import SALT, VisitLinkError, link_for, make_token, visit_for
from tests.factories import TODAY, make_course, make_patient, make_physiotherapist, make_visit
from tests.patients.online.helpers import online_patient
from treatments.booking.services import cancel_visit, move_visit
from treatments.models import Visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit(clock):
    patient = online_patient(email="avery@example.com", legal_first_name="Avery")
    course = make_course(patient, make_physiotherapist(first_name="Priya", last_name="Physio"))
    return make_visit(course, TODAY + timedelta(days=2), time(9, 30))


def refusal(token: str) -> VisitLinkError:
    with pytest.raises(VisitLinkError) as refused:
        visit_for(token)
    return refused.value


def test_a_link_opens_its_visit_until_the_visit_starts(visit, clock):
    token = make_token(visit)
    assert visit_for(token) == visit
    clock.shift(timedelta(days=1, hours=21, minutes=29))  # a minute before 09:30
    assert visit_for(token) == visit
    clock.shift(timedelta(minutes=1))
    error = refusal(token)
    assert (error.status, str(error)) == (
        400,
        "This link has expired: it works until the visit starts.",
    )


def test_a_moved_visits_old_link_names_the_old_time_and_no_longer_works(visit):
    old = make_token(visit)
    move_visit(visit, day=TODAY + timedelta(days=3), start_time=time(11))
    error = refusal(old)
    assert error.status == 400
    assert "This link was for your visit on Thursday 12 March at 09:30" in str(error)
    assert "has been moved" in str(error)
    assert visit_for(make_token(visit)) == visit  # the new time's link works


def test_a_cancelled_visits_link_says_so(visit):
    token = make_token(visit)
    cancel_visit(visit, reason="Called in sick")
    error = refusal(token)
    assert (error.status, str(error)) == (
        400,
        "This visit is cancelled, so this link no longer works.",
    )


@pytest.mark.parametrize("status", [Visit.Status.ATTENDED, Visit.Status.NO_SHOW])
def test_a_visit_no_longer_booked_is_refused(visit, status):
    token = make_token(visit)
    Visit.objects.filter(pk=visit.pk).update(status=status)
    assert refusal(token).status == 400


def test_a_checked_in_visit_is_refused(visit):
    token = make_token(visit)
    Visit.objects.filter(pk=visit.pk).update(checked_in_at=visit.starts_at)
    assert refusal(token).status == 400


def test_a_link_stops_working_when_online_access_is_turned_off(visit):
    token = make_token(visit)
    visit.patient.turn_off_online_access()
    assert "Online access is not turned on" in str(refusal(token))


def _payload(token: str) -> list:
    encoded = token.split(":")[0]
    return json.loads(base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)))


def _encode(payload: list) -> str:
    return (
        base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode())
        .decode()
        .rstrip("=")
    )


def test_another_visit_id_written_into_a_link_is_not_ours(visit):
    blakes = make_visit(
        make_course(online_patient(email="blake@example.com")), TODAY + timedelta(days=4)
    )
    token = make_token(visit)
    payload = _payload(token)
    payload[0], payload[1] = blakes.pk, blakes.patient_id
    forged = ":".join([_encode(payload), *token.split(":")[1:]])
    error = refusal(forged)
    assert (error.status, str(error)) == (
        404,
        "This link is not one we sent. Copy the whole link from the email.",
    )


def test_a_link_signed_for_another_purpose_is_not_ours(visit):
    payload = [visit.pk, visit.patient_id, int(visit.starts_at.timestamp())]
    assert refusal(signing.dumps(payload)).status == 404  # Django's default salt
    assert refusal(signing.dumps(payload, salt=SALT + "x")).status == 404
    assert (
        refusal(signing.dumps({"visit": visit.pk}, salt=SALT)).status == 404
    )  # our key, odd shape
    assert refusal(signing.dumps(["1", "2", "3"], salt=SALT)).status == 404


def test_a_visit_given_to_another_patient_is_not_opened_by_the_first_ones_link(visit):
    token = make_token(visit)
    Visit.objects.filter(pk=visit.pk).update(patient=make_patient())
    assert refusal(token).status == 404


@pytest.mark.parametrize(
    "token", ["", "x", "x" * 43, "x" * 5000, "é" * 40, "a:b:c" * 10, "<script>" * 5]
)
def test_a_token_we_never_made_is_not_ours(token, db):
    assert refusal(token).status == 404


@given(st.text(max_size=300))
def test_no_text_at_all_opens_a_visit_or_fails_otherwise(token):
    assert refusal(token).status == 404


def test_an_email_carries_a_link_only_for_a_patient_with_online_access(visit, settings):
    settings.SITE_URL = "https://clinic.example"
    assert link_for(visit).startswith("https://clinic.example/patients/online/visit/")
    visit.patient.turn_off_online_access()
    assert link_for(visit) is None
