"""The patient's pages after their visits: the home plan of their signed charts (and nothing
else of them), and how their pain and function have changed over the course."""

from datetime import timedelta

import pytest
from django.urls import reverse

from ims_clinic.models import AuditEntry
from tests.factories import TODAY, chart_visit, make_physiotherapist, make_visit, ready_for_needling
from tests.patients.online.helpers import online_patient, sign_in_by_link
from tests.treatments.outcomes.helpers import measure_of, odi
from treatments.outcomes.services import record_response

pytestmark = pytest.mark.django_db
HOME_PLAN = reverse("patients:online-home-plan")
PROGRESS = reverse("patients:online-progress")


def treat(course, physiotherapist, pains, *, plans=None, sign=True):
    """A charted IMS treatment a week apart for each pain score, the last one yesterday."""
    for number, pain in enumerate(pains):
        day = TODAY - timedelta(days=1 + 7 * (len(pains) - 1 - number))
        plan = (plans or {}).get(number, "")
        chart_visit(make_visit(course, day), physiotherapist, pain=(pain, max(pain - 2, 0)),
                    note=f"Clinical note {number}", home_plan=plan, sign=sign)  # fmt: skip


@pytest.fixture
def priya(db):
    return make_physiotherapist(first_name="Priya", last_name="Physio")


@pytest.fixture
def avery(clock, priya):
    patient = online_patient(email="avery@example.com", legal_first_name="Avery")
    return ready_for_needling(patient, priya)


def test_a_patient_reads_their_home_plans_newest_first_with_the_aftercare_page(
    client, avery, priya
):
    treat(avery, priya, [7, 5], plans={0: "Heat 15 minutes at night", 1: "Walk every day"})
    sign_in_by_link(client, avery.patient)
    html = client.get(HOME_PLAN).content.decode()
    assert html.count("<h1") == 1
    assert html.index("Walk every day") < html.index("Heat 15 minutes at night")
    assert "After your visit on 9 March 2026, from Priya Physio" in html
    assert reverse("content:page-detail", args=["aftercare"]) in html
    assert "Clinical note" not in html  # nothing else of the chart
    assert AuditEntry.objects.filter(detail="Their home plan, online").exists()


def test_a_draft_charts_home_plan_waits_until_it_is_signed(client, avery, priya):
    treat(avery, priya, [6], plans={0: "Not final yet"}, sign=False)
    sign_in_by_link(client, avery.patient)
    html = client.get(HOME_PLAN).content.decode()
    assert "Not final yet" not in html
    assert "has not written a home plan for you yet" in html


def test_another_patients_home_plan_is_never_shown(client, avery, priya):
    other = ready_for_needling(physiotherapist=priya)
    treat(other, priya, [6], plans={0: "Blake's own plan"})
    sign_in_by_link(client, avery.patient)
    assert "Blake's own plan" not in client.get(HOME_PLAN).content.decode()


@pytest.mark.parametrize("visits", [1, 5])
def test_the_home_plan_page_takes_the_same_queries_however_many_visits(
    client, avery, priya, django_assert_num_queries, visits
):
    treat(avery, priya, [6] * visits, plans=dict.fromkeys(range(visits), "Stretch"))
    sign_in_by_link(client, avery.patient)
    with django_assert_num_queries(4):  # session, patient, the home plans, audit
        client.get(HOME_PLAN)


def test_a_patient_reads_how_their_pain_and_function_went(client, avery, priya):
    treat(avery, priya, [7, 6, 4])
    measure = measure_of(avery, "odi")
    record_response(measure, occasion="baseline", answers=odi(40), source="typed")
    record_response(measure, occasion="reassessment", answers=odi(20), source="online")
    sign_in_by_link(client, avery.patient)
    response = client.get(PROGRESS)
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Your pain went from 7 to 4 since your first visit." in html
    assert "your score went from 40 to 20 (a lower score is better)" in html
    assert 'id="pain-chart-canvas"' in html and "<table" in html  # the chart and its numbers
    assert "chart.umd.min.js" in html
    assert "Clinical note" not in html


def test_before_any_treatment_the_page_says_it_fills_in_later(client, clock):
    patient = online_patient(email="new@example.com")
    sign_in_by_link(client, patient)
    assert "fills in once your treatment has started" in client.get(PROGRESS).content.decode()


def test_one_visit_is_said_as_one_score(client, avery, priya):
    treat(avery, priya, [5])
    sign_in_by_link(client, avery.patient)
    html = client.get(PROGRESS).content.decode()
    assert "Your pain was 5 out of 10 at your visit on 9 March." in html


def test_another_patients_pain_is_never_shown(client, avery, priya):
    treat(ready_for_needling(physiotherapist=priya), priya, [9, 8])
    treat(avery, priya, [3])
    sign_in_by_link(client, avery.patient)
    html = client.get(PROGRESS).content.decode()
    assert "Your pain was 3 out of 10" in html
    assert response_numbers(html) == ["3"]


def response_numbers(html: str) -> list[str]:
    """The pain scores in the chart's table."""
    body = html.split('id="pain-chart-table-caption"')[1].split("</tbody>")[0]
    return [cell.split("</td>")[0] for cell in body.split("<td>")[1:]]


@pytest.mark.parametrize("visits", [1, 6])
def test_the_progress_page_takes_the_same_queries_however_long_the_course(
    client, avery, priya, django_assert_num_queries, visits
):
    treat(avery, priya, list(range(visits, 0, -1)))
    measure = measure_of(avery, "odi")
    record_response(measure, occasion="baseline", answers=odi(40), source="typed")
    sign_in_by_link(client, avery.patient)
    # session, patient, the course, its questionnaires, their answers, the pain scores, audit
    with django_assert_num_queries(7):
        client.get(PROGRESS)


@pytest.mark.parametrize("page", [HOME_PLAN, PROGRESS])
def test_staff_and_visitors_are_sent_to_the_patient_sign_in(client, physiotherapist, page):
    assert client.get(page)["Location"].split("?")[0] == reverse("patients:online-sign-in")
    client.force_login(physiotherapist)
    assert client.get(page)["Location"].split("?")[0] == reverse("patients:online-sign-in")
