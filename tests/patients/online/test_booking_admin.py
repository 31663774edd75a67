"""The clinic admin's online-booking settings: grouped on the settings page, and which visit
types and physiotherapists patients may book online."""

import pytest
from django.urls import reverse

from tests.factories import make_physiotherapist
from treatments.models import ClinicSettings, PhysiotherapistProfile, VisitType

pytestmark = pytest.mark.django_db
SETTINGS_URL = reverse("admin:treatments_clinicsettings_change", args=[1])
DEFAULTS = {"reassess_every": "4", "online_cancellation_notice_hours": "24",
            "online_booking_notice_hours": "12", "online_booking_weeks_ahead": "8",
            "online_booking_most_upcoming": "2"}  # fmt: skip


def test_the_settings_page_groups_questionnaires_and_patients_online(client, clinic_admin):
    client.force_login(clinic_admin)
    page = client.get(SETTINGS_URL).content.decode()
    assert 'class="fieldset-heading">Questionnaires</h2>' in page
    assert 'class="fieldset-heading">Patients online</h2>' in page
    assert page.index("Patients online") < page.index("Online booking is on")


def test_a_clinic_admin_turns_online_booking_on_with_its_limits(client, clinic_admin):
    client.force_login(clinic_admin)
    data = {**DEFAULTS, "online_booking": "on", "online_booking_most_upcoming": "3"}
    assert client.post(SETTINGS_URL, data).status_code == 302
    clinic = ClinicSettings.load()
    assert clinic.online_booking and clinic.online_booking_most_upcoming == 3


@pytest.mark.parametrize("value", ["0", "11", "-1", "x", "9" * 300])
def test_a_bad_limit_is_refused_and_nothing_changes(client, clinic_admin, value):
    client.force_login(clinic_admin)
    data = {**DEFAULTS, "online_booking": "on", "online_booking_most_upcoming": value}
    assert client.post(SETTINGS_URL, data).status_code == 200
    assert not ClinicSettings.load().online_booking


def test_visit_types_and_physiotherapists_are_made_bookable_online_from_their_lists(
    client, clinic_admin
):
    priya = make_physiotherapist(first_name="Priya")
    client.force_login(clinic_admin)
    profile = PhysiotherapistProfile.objects.get(user=priya)
    page = client.get(reverse("admin:treatments_physiotherapistprofile_changelist"))
    assert 'name="form-0-bookable_online"' in page.content.decode()
    url = reverse("admin:treatments_physiotherapistprofile_change", args=[profile.pk])
    assert 'name="bookable_online"' in client.get(url).content.decode()
    ims = VisitType.objects.get(name="IMS treatment")
    url = reverse("admin:treatments_visittype_change", args=[ims.pk])
    assert 'name="bookable_online"' in client.get(url).content.decode()
