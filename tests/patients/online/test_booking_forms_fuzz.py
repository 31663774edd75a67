"""The booking and moving forms, fed input Hypothesis makes up, through their real views:
whatever is sent (hostile markup, huge numbers, dates in any format, another patient's visit,
a physiotherapist who cannot be booked online), the answer is a page or a redirect, never a
server error; what was typed is never sent back as a live script; and nothing is booked but a
free time of the patient's own, marked booked online."""

from datetime import time, timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from patients.online.booking import bookable_physiotherapists
from patients.online.forms import ANYONE, BookingChoiceForm, MoveChoiceForm
from patients.online.session import SESSION_KEY
from tests.factories import TODAY, make_course, make_physiotherapist, make_visit
from tests.ims_clinic.test_forms_fuzz import NOON, assert_answered_safely, form_data, spoiled
from tests.patients.online.helpers import bookable_online, online_patient, open_online_booking
from treatments.models import Visit, VisitType

pytestmark = pytest.mark.django_db
DAYS = [TODAY + timedelta(days=n) for n in (-1, 0, 1, 6, 7, 8, 60, 10_000)]


@pytest.fixture
def records(clock):
    open_online_booking()
    priya = bookable_online(make_physiotherapist(first_name="Priya"))
    unbookable = make_physiotherapist(first_name="Omar")
    patient = online_patient()
    course = make_course(patient, priya)
    make_visit(course, TODAY + timedelta(days=6), time(9))
    own = make_visit(course, TODAY + timedelta(days=13), time(9))
    others = make_visit(make_course(online_patient(), priya), TODAY + timedelta(days=14), time(9))
    client = Client()
    session = client.session
    session[SESSION_KEY] = patient.pk
    session.save()
    return {"client": client, "priya": priya, "unbookable": unbookable, "own": own.pk,
            "others": others.pk, "patient": patient}  # fmt: skip


def days() -> st.SearchStrategy[str]:
    return st.sampled_from(DAYS).map(str)


def booking_data(records) -> st.SearchStrategy[dict]:
    people = [ANYONE, str(records["priya"].pk), str(records["unbookable"].pk)]
    types = [str(pk) for pk in VisitType.objects.values_list("pk", flat=True)]
    slots = st.builds(
        "{}-{:02}:{}".format,
        st.sampled_from([records["priya"].pk, records["unbookable"].pk]),
        st.integers(7, 18),
        st.sampled_from(["00", "15", "30", "45"]),
    )
    form = BookingChoiceForm(types=VisitType.objects.all(),
                             physiotherapists=bookable_physiotherapists())  # fmt: skip
    return form_data(form.fields, visit_type=st.sampled_from(types),
                     physiotherapist=st.sampled_from(people), day=days(), slot=slots)  # fmt: skip


def move_data(records) -> st.SearchStrategy[dict]:
    times = st.builds("{:02}:{}".format, st.integers(7, 18), st.sampled_from(["00", "30"]))
    return form_data(MoveChoiceForm().fields, day=days(), start_time=times)


def assert_only_free_times_of_their_own_were_booked(records) -> None:
    for visit in Visit.objects.filter(booked_online=True):
        assert visit.patient == records["patient"]
        assert visit.physiotherapist == records["priya"]
        assert visit.date <= TODAY + timedelta(weeks=8)


FUZZ = hypothesis_settings(
    max_examples=40, deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)  # fmt: skip


@pytest.mark.parametrize("method", ["get", "post"])
@FUZZ
@given(data=st.data())
def test_the_booking_form_fed_made_up_input_never_fails(records, method, data):
    sent = data.draw(spoiled(booking_data(records)), label="form")
    cache.clear()  # the per-patient limit on bookings would soon turn every example away
    with time_machine.travel(NOON, tick=False), transaction.atomic():
        response = getattr(records["client"], method)(reverse("patients:online-book"), sent)
        assert_answered_safely(response)
        assert_only_free_times_of_their_own_were_booked(records)
        transaction.set_rollback(True)


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("whose", ["own", "others"])
@FUZZ
@given(data=st.data())
def test_the_move_form_fed_made_up_input_never_fails(records, method, whose, data):
    sent = data.draw(spoiled(move_data(records)), label="form")
    url = reverse("patients:online-visit-move", args=[records[whose]])
    cache.clear()
    with time_machine.travel(NOON, tick=False), transaction.atomic():
        before = Visit.objects.get(pk=records["others"]).starts_at
        response = getattr(records["client"], method)(url, sent)
        assert_answered_safely(response)
        if whose == "others":
            assert response.status_code == 404
            assert Visit.objects.get(pk=records["others"]).starts_at == before
        transaction.set_rollback(True)
