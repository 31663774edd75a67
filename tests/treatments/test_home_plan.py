"""The home plan on the chart: written with the chart or the visit note, shown on the visit
page, kept in the whole-record export, and linked (never copied) in the aftercare email."""

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from tests.factories import INITIAL_ASSESSMENT, TODAY, chart_visit, make_visit, ready_for_needling
from tests.treatments.helpers import chart_data
from treatments.models import Chart

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
PLAN = "Walk 20 minutes a day; heat for 15 minutes if stiff."


@pytest.fixture
def visit(physiotherapist):
    return make_visit(ready_for_needling(physiotherapist=physiotherapist),
                      TODAY - timedelta(days=1))  # fmt: skip


def test_a_physiotherapist_writes_the_home_plan_with_the_chart(client, physiotherapist, visit):
    client.force_login(physiotherapist)
    url = reverse("treatments:visit-chart", args=[visit.pk])
    assert 'for="id_home_plan"' in client.get(url).content.decode()
    client.post(url, chart_data(home_plan=PLAN, sign="1"))
    assert Chart.objects.get(visit=visit).home_plan == PLAN
    page = client.get(visit.get_absolute_url()).content.decode()
    assert "Home plan" in page and PLAN in page


def test_a_visit_note_carries_a_home_plan_too(client, physiotherapist, visit):
    assessment = make_visit(visit.course, TODAY - timedelta(days=9), kind=INITIAL_ASSESSMENT)
    client.force_login(physiotherapist)
    url = reverse("treatments:visit-chart", args=[assessment.pk])
    data = {"reported": "Sore back", "findings": "", "pain_before": "6", "plan": "IMS weekly",
            "home_plan": PLAN, "sites-TOTAL_FORMS": "0", "sites-INITIAL_FORMS": "0",
            "events-TOTAL_FORMS": "0", "events-INITIAL_FORMS": "0"}  # fmt: skip
    client.post(url, data)
    assert Chart.objects.get(visit=assessment).home_plan == PLAN


def test_a_home_plan_too_long_is_refused_and_nothing_saved(client, physiotherapist, visit):
    client.force_login(physiotherapist)
    url = reverse("treatments:visit-chart", args=[visit.pk])
    response = client.post(url, chart_data(home_plan="x" * 5001))
    assert "Keep this to 5000 characters or fewer" in response.content.decode()
    assert not Chart.objects.exists()


def test_the_record_export_holds_the_home_plan(client, physiotherapist, visit):
    chart_visit(visit, physiotherapist, home_plan=PLAN)
    client.force_login(physiotherapist)
    response = client.get(reverse("treatments:record-json", args=[visit.patient_id]))
    (course,) = json.loads(response.content)["patient"]["courses"]
    assert course["visits"][0]["chart"][0]["home_plan"] == PLAN


def test_the_aftercare_email_links_to_the_home_plan_without_carrying_it(
    physiotherapist, visit, settings
):
    visit.patient.turn_on_online_access()
    chart_visit(visit, physiotherapist, home_plan=PLAN)
    settings.SITE_URL = "https://clinic.example"
    call_command("send_reminders", stdout=StringIO())
    [message] = mail.outbox
    assert "https://clinic.example/patients/online/home-plan/" in message.body
    assert PLAN not in message.body


def test_without_a_home_plan_or_online_access_the_aftercare_email_has_no_such_link(
    physiotherapist, visit
):
    chart_visit(visit, physiotherapist, home_plan=PLAN)  # no online access
    other = make_visit(ready_for_needling(physiotherapist=physiotherapist), TODAY - timedelta(1))
    other.patient.turn_on_online_access()
    chart_visit(other, physiotherapist)  # no home plan
    call_command("send_reminders", stdout=StringIO())
    assert len(mail.outbox) == 2
    assert all("home-plan" not in message.body for message in mail.outbox)
