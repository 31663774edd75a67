"""The visit page: the booking for everyone who books, the chart for the physiotherapist.

The changes to a visit (move, cancel, restore, attended, no-show, undo) and which of them the
page offers are tested in tests/treatments/booking/test_views_visit_changes.py."""

from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import TODAY, chart_visit, make_course, make_visit, ready_for_needling
from tests.treatments.helpers import page_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
NEXT_WEEK = TODAY + timedelta(days=7)


def url(name: str, visit) -> str:
    return reverse(f"treatments:{name}", args=[visit.pk])


# The visit page -----------------------------------------------------------------------

CLINICAL_WORDS = [
    "Secret clinical note",
    "Muscle 1",
    "Pain before",
    "Treatment note",
    "Needled sites",
    "Versions of the chart",
    "Lying face down",
    "Consent",
    "Right low back",
]


def charted_visit(physiotherapist, *, sites: int = 1):
    course = ready_for_needling(physiotherapist=physiotherapist)
    visit = make_visit(course, TODAY - timedelta(days=1), status="attended")
    chart_visit(visit, physiotherapist, sites=sites, note="Secret clinical note")
    return visit


def test_the_physiotherapist_sees_the_booking_and_the_chart(client, physiotherapist):
    visit = charted_visit(physiotherapist, sites=2)
    client.force_login(physiotherapist)
    response = client.get(url("visit-detail", visit))
    assert response.status_code == 200
    html = page_text(response)
    assert html.count("<h1") == 1
    for words in CLINICAL_WORDS:
        assert words in html
    assert "Muscle 2" in html
    assert "Confirmed by the patient" in html
    assert "Priya Physio" in html
    assert "Amend the chart" in html


def test_the_front_desk_sees_the_booking_but_none_of_the_chart(client, physiotherapist, front_desk):
    visit = charted_visit(physiotherapist, sites=2)
    client.force_login(front_desk)
    response = client.get(url("visit-detail", visit))
    assert response.status_code == 200
    html = page_text(response)
    assert str(visit.patient) in html
    assert "Monday 9 March 2026" in html and "10:00" in html
    assert "Priya Physio" in html and "Attended" in html
    for words in CLINICAL_WORDS:
        assert words not in html
    assert url("visit-chart", visit) not in html
    assert "chart" not in response.context


def test_it_shows_the_reason_a_visit_was_cancelled(client, physiotherapist, front_desk):
    course = make_course(physiotherapist=physiotherapist)
    visit = make_visit(
        course, NEXT_WEEK, status="cancelled", cancellation_reason="<b>Snowed in</b>"
    )
    client.force_login(front_desk)
    html = client.get(url("visit-detail", visit)).content.decode()
    assert "&lt;b&gt;Snowed in&lt;/b&gt;" in html
    assert url("visit-restore", visit) in html
    assert url("visit-move", visit) not in html


@pytest.mark.parametrize("sites", [1, 6])
def test_the_visit_page_takes_the_same_queries_however_big_the_chart(
    client, physiotherapist, front_desk, django_assert_num_queries, sites
):
    visit = charted_visit(physiotherapist, sites=sites)
    client.force_login(physiotherapist)
    # session, user (with roles and two-step device); the visit with its chart; whether the
    # clinic has several locations; sites; adverse events; versions; the audit entry
    with django_assert_num_queries(8):
        client.get(url("visit-detail", visit))
    client.force_login(front_desk)
    with django_assert_num_queries(5):
        client.get(url("visit-detail", visit))


def test_the_visit_page_sends_visitors_to_sign_in_and_refuses_admins(client, clinic_admin):
    visit = make_visit(make_course(), TODAY)
    target = url("visit-detail", visit)
    assert client.get(target)["Location"] == f"/accounts/login/?next={target}"
    client.force_login(clinic_admin)
    assert client.get(target).status_code == 403


def test_the_visit_page_gives_404_for_a_visit_that_does_not_exist(client, front_desk):
    client.force_login(front_desk)
    assert client.get(reverse("treatments:visit-detail", args=[999_999])).status_code == 404


def test_the_visit_page_says_when_the_patient_booked_it_online(client, front_desk):
    course = make_course()
    by_desk = make_visit(course, NEXT_WEEK)
    online = make_visit(course, NEXT_WEEK + timedelta(days=7), booked_online=True)
    client.force_login(front_desk)
    assert "Booked online" not in page_text(client.get(url("visit-detail", by_desk)))
    assert "Booked online" in page_text(client.get(url("visit-detail", online)))
