"""Clinic admins read new patients' requests in the admin; nobody changes or deletes one."""

import pytest
from django.urls import reverse

from tests.factories import make_clinic_admin, make_front_desk
from tests.treatments.booking.requests.helpers import a_request, turn_on_online_booking
from tests.treatments.helpers import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


@pytest.fixture
def found():
    turn_on_online_booking()
    return a_request()


def test_the_clinic_admin_reads_the_requests_but_cannot_change_or_delete_them(client, found):
    client.force_login(make_clinic_admin())
    listing = client.get(reverse("admin:treatments_appointmentrequest_changelist"))
    assert listing.status_code == 200 and "Jordan Reyes" in page_text(listing)
    change_url = reverse("admin:treatments_appointmentrequest_change", args=[found.pk])
    page = client.get(change_url)
    assert page.status_code == 200
    assert 'name="first_name"' not in page.content.decode()  # read only
    client.post(change_url, {"first_name": "Changed"})
    delete_url = reverse("admin:treatments_appointmentrequest_delete", args=[found.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert client.get(reverse("admin:treatments_appointmentrequest_add")).status_code == 403
    found.refresh_from_db()
    assert found.first_name == "Jordan"


def test_front_desk_staff_cannot_open_the_admin(client, found):
    client.force_login(make_front_desk())
    response = client.get(reverse("admin:treatments_appointmentrequest_changelist"))
    assert response.status_code == 302
