"""Front desk staff open no admin page of a clinical record, whatever permissions they hold.

The models with clinical fields (see test_front_desk_fields.py) that have admin pages of their
own; precautions, needled sites and adverse events are shown only inside a screening's or a
chart's page. A visit's admin form names its course by region, so it counts too.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from tests.factories import chart_visit, make_front_desk, make_visit, ready_for_needling

pytestmark = pytest.mark.django_db
BRUISE = [{"kind": "bruising", "severity": "mild", "note": "Bruise the size of a coin"}]


@pytest.fixture
def records() -> dict:
    course = ready_for_needling()
    visit = make_visit(course, timezone.localdate() - timedelta(days=7))
    chart = chart_visit(visit, course.physiotherapist, muscles=["Piriformis"], events=BRUISE)
    patient = course.patient
    return {"patients.patient": patient, "patients.screening": patient.screenings.get(),
            "patients.consent": patient.consents.get(), "treatments.treatmentcourse": course,
            "treatments.visit": visit, "treatments.chart": chart}  # fmt: skip


def admin_urls(records: dict) -> list[str]:
    urls = []
    for label, obj in records.items():
        name = "admin:" + label.replace(".", "_")
        urls += [reverse(f"{name}_changelist"), reverse(f"{name}_add")]
        urls += [
            reverse(f"{name}_change", args=[obj.pk]),
            reverse(f"{name}_history", args=[obj.pk]),
        ]
    # What the course and patient pickers of the visit form fetch as you type.
    for field in ["course", "patient"]:
        urls.append(reverse("admin:autocomplete") + f"?app_label=treatments&model_name=visit"
                    f"&field_name={field}&term=")  # fmt: skip
    return urls


def test_the_front_desk_is_sent_to_the_admin_sign_in_from_every_clinical_page(client, records):
    client.force_login(make_front_desk())
    for url in [reverse("admin:index"), *admin_urls(records)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("admin:login")), url


def test_front_desk_staff_with_every_permission_still_see_no_clinical_record(client, records):
    """Made staff and given every permission by mistake: the role still decides."""
    desk = make_front_desk(is_staff=True)
    desk.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["patients", "treatments"])
    )
    client.force_login(desk)
    index = client.get(reverse("admin:index")).content.decode()
    for label in records:
        assert reverse("admin:" + label.replace(".", "_") + "_changelist") not in index
    for url in admin_urls(records):
        assert client.get(url).status_code == 403, url


def test_a_physiotherapist_opens_the_same_records(client, records):
    """The control: the pages above exist and show the records to the right role."""
    client.force_login(records["treatments.treatmentcourse"].physiotherapist)
    for label, obj in records.items():
        name = "admin:" + label.replace(".", "_")
        for url in [reverse(f"{name}_changelist"), reverse(f"{name}_change", args=[obj.pk])]:
            assert client.get(url).status_code == 200, url
