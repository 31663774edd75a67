"""Moving a visit by the emailed link, without signing in: the same page, rules and refusals as
a signed-in patient's move, and the link of the new time afterwards."""

from datetime import time, timedelta

import pytest
from django.urls import reverse

from ims_clinic.models import AuditEntry
from patients.online.session import SESSION_KEY
from patients.online.visit_links import make_token
from tests.factories import TODAY, make_course, make_physiotherapist, make_visit
from tests.patients.online.helpers import bookable_online, online_patient, open_online_booking
from treatments.models import ClinicSettings, Visit

pytestmark = pytest.mark.django_db
MONDAY = TODAY + timedelta(days=6)  # 16 March 2026
NEW_TIME = {"day": "2026-03-17", "start_time": "11:00"}


@pytest.fixture
def visit(clock):
    open_online_booking()
    priya = bookable_online(make_physiotherapist(first_name="Priya", last_name="Physio"))
    patient = online_patient(email="avery@example.com")
    return make_visit(make_course(patient, priya), MONDAY, time(9))


def link_of(visit: Visit) -> str:
    return reverse("patients:online-visit-link", args=[make_token(visit)])


def move_of(visit: Visit) -> str:
    return reverse("patients:online-visit-link-move", args=[make_token(visit)])


def test_the_link_moves_the_visit_and_goes_on_to_the_new_times_link(client, visit):
    page = client.get(link_of(visit)).content.decode()
    assert f'href="{move_of(visit)}"' in page and "Choose a new time" in page
    page = client.get(move_of(visit), NEW_TIME).content.decode()
    assert "Move this visit to Tuesday 17 March 2026 at 11:00?" in page
    assert "Back to this visit" in page
    old_link = link_of(visit)
    response = client.post(move_of(visit), NEW_TIME)
    visit.refresh_from_db()
    assert (visit.date, visit.start_time) == (MONDAY + timedelta(days=1), time(11))
    assert response["Location"] == link_of(visit) != old_link
    page = client.get(response["Location"]).content.decode()
    assert "Your visit is moved to Tuesday 17 March at 11:00." in page
    assert client.get(old_link).status_code == 400  # it named the old time
    assert SESSION_KEY not in client.session
    entry = AuditEntry.objects.get(detail__startswith="Visit moved by an emailed link")
    assert entry.username == f"patient {visit.patient_id}"
    assert "[link secret]" in entry.path


def test_inside_the_notice_the_link_says_to_call_and_moves_nothing(client, visit, clock):
    clock.shift(timedelta(days=5, hours=20))  # 13 hours before the visit
    page = client.get(link_of(visit)).content.decode()
    assert "Choose a new time" not in page and "cannot be moved online" in page
    assert client.post(move_of(visit), NEW_TIME).status_code == 400
    assert Visit.objects.get(pk=visit.pk).start_time == time(9)


def test_with_online_booking_off_the_link_moves_nothing(client, visit):
    ClinicSettings.objects.filter(pk=1).update(online_booking=False)
    assert "Choose a new time" not in client.get(link_of(visit)).content.decode()
    assert client.post(move_of(visit), NEW_TIME).status_code == 400
    assert Visit.objects.get(pk=visit.pk).start_time == time(9)


@pytest.mark.parametrize(
    "params",
    [{"day": "nope"}, {"day": "2026-03-14"}, {"day": "2026-03-17", "start_time": "25:00"},
     {"day": "9" * 3000}, {"day": "2026-03-17", "start_time": "\x00<script>"}],
)  # fmt: skip
def test_bad_choices_on_the_links_move_page_are_refused_never_a_500(client, visit, params):
    assert client.get(move_of(visit), params).status_code == 400
    assert client.post(move_of(visit), params).status_code == 400
    assert Visit.objects.get(pk=visit.pk).start_time == time(9)


@pytest.mark.parametrize("token", ["x", "A" * 3000, "é", "..", make_token.__name__])
def test_a_made_up_link_cannot_move_anything(client, visit, token):
    url = reverse("patients:online-visit-link-move", args=[token])
    assert client.post(url, NEW_TIME).status_code == 404
    assert Visit.objects.get(pk=visit.pk).start_time == time(9)
