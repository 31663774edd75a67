"""Opening, showing and editing a course of IMS."""

import json
import re
from datetime import time, timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    TODAY,
    chart_visit,
    make_course,
    make_front_desk,
    make_patient,
    make_physiotherapist,
    make_visit,
    ready_for_needling,
)
from tests.treatments.helpers import page_text
from tests.treatments.outcomes.helpers import answered
from treatments.models import TreatmentCourse, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

NEW_COURSE = {
    "region": "Right low back",
    "started_on": "2026-03-10",
    "expected_length": "short",
    "goals": "Lift the grandchildren",
    "baseline_pain": "7",
}


def new_course_url(patient) -> str:
    return reverse("treatments:course-create", args=[patient.pk])


# Who may open a course ------------------------------------------------------------------


def test_it_shows_the_new_course_form_with_the_physiotherapist_chosen(client, physiotherapist):
    patient = make_patient()
    client.force_login(physiotherapist)
    response = client.get(new_course_url(patient))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert f"New course for {patient}" in html
    for field in ["region", "started_on", "expected_length", "goals", "baseline_pain"]:
        assert re.search(rf'<label\s+for="id_{field}"', html)
    assert re.search(rf'<option value="{physiotherapist.pk}" selected>Priya Physio</option>', html)


def test_it_offers_only_active_physiotherapists(client, physiotherapist, front_desk):
    retired = make_physiotherapist(first_name="Rita", last_name="Retired", is_active=False)
    client.force_login(physiotherapist)
    field = client.get(new_course_url(make_patient())).context["form"]["physiotherapist"].field
    assert list(field.queryset) == [physiotherapist]
    assert retired not in field.queryset


def test_it_sends_visitors_to_sign_in(client):
    url = new_course_url(make_patient())
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


@pytest.mark.parametrize("person", ["front_desk", "clinic_admin", "outsider"])
def test_it_refuses_staff_who_are_not_physiotherapists(client, request, person):
    client.force_login(request.getfixturevalue(person))
    patient = make_patient()
    assert client.get(new_course_url(patient)).status_code == 403
    assert client.post(new_course_url(patient), NEW_COURSE).status_code == 403
    assert not TreatmentCourse.objects.exists()


def test_it_gives_404_for_a_patient_who_does_not_exist(client, physiotherapist):
    client.force_login(physiotherapist)
    assert client.get(reverse("treatments:course-create", args=[999_999])).status_code == 404


# Opening a course -----------------------------------------------------------------------


def test_it_opens_a_course_and_goes_to_its_page(client, physiotherapist):
    patient = make_patient()
    client.force_login(physiotherapist)
    response = client.post(
        new_course_url(patient), {**NEW_COURSE, "physiotherapist": physiotherapist.pk}
    )
    course = TreatmentCourse.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("treatments:course-detail", args=[course.pk])
    assert (course.patient, course.physiotherapist, course.baseline_pain) == (
        patient,
        physiotherapist,
        7,
    )
    assert course.started_on == TODAY
    assert course.status == TreatmentCourse.Status.ACTIVE
    assert "Course opened" in client.get(response["Location"]).content.decode()


def test_it_opens_a_course_for_another_physiotherapist(client, physiotherapist):
    colleague = make_physiotherapist(first_name="Cole", last_name="League")
    client.force_login(physiotherapist)
    client.post(new_course_url(make_patient()), {**NEW_COURSE, "physiotherapist": colleague.pk})
    assert TreatmentCourse.objects.get().physiotherapist == colleague


def test_it_refuses_a_course_for_an_archived_patient(client, physiotherapist):
    patient = make_patient()
    patient.archive()
    client.force_login(physiotherapist)
    response = client.get(new_course_url(patient))
    assert "is archived, so no new course can be opened" in response.content.decode()
    assert 'name="region"' not in response.content.decode()
    response = client.post(
        new_course_url(patient), {**NEW_COURSE, "physiotherapist": physiotherapist.pk}
    )
    assert response.status_code == 200
    assert "Restore the record first" in response.content.decode()
    assert not TreatmentCourse.objects.exists()


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("baseline_pain", "11", "Score pain from 0 (none) to 10 (worst)."),
        ("baseline_pain", "-1", "Score pain from 0 (none) to 10 (worst)."),
        ("baseline_pain", "seven", "Score pain as a whole number from 0 to 10."),
        ("baseline_pain", "", "This field is required."),
        ("started_on", "2024-02-30", "Enter a valid date."),
        ("started_on", "2028-01-01", "Start the course within the next year."),
        ("started_on", "1970-01-01", "A course cannot start before the patient's birth."),
        ("started_on", "9" * 10_000, "Enter a valid date."),
        ("region", "", "This field is required."),
        ("region", "x" * 10_000, "Ensure this value has at most 120 characters"),
        ("goals", "g" * 10_000, "Keep this to 5000 characters or fewer"),
        ("expected_length", "forever", "Select a valid choice."),
        ("physiotherapist", "999999", "Select a valid choice."),
    ],
)
def test_it_explains_bad_input_and_saves_nothing(client, physiotherapist, field, value, message):
    client.force_login(physiotherapist)
    data = {**NEW_COURSE, "physiotherapist": physiotherapist.pk, field: value}
    response = client.post(new_course_url(make_patient()), data)
    assert response.status_code == 200
    assert message in page_text(response)
    assert "Nothing was saved" in response.content.decode()
    assert not TreatmentCourse.objects.exists()


def test_it_refuses_front_desk_staff_as_the_courses_physiotherapist(
    client, physiotherapist, front_desk
):
    client.force_login(physiotherapist)
    data = {**NEW_COURSE, "physiotherapist": front_desk.pk}
    response = client.post(new_course_url(make_patient()), data)
    assert "Select a valid choice" in response.content.decode()
    assert not TreatmentCourse.objects.exists()


def test_it_keeps_hostile_text_as_text(client, physiotherapist):
    client.force_login(physiotherapist)
    data = {
        **NEW_COURSE,
        "physiotherapist": physiotherapist.pk,
        "region": "<script>alert(1)</script>",
    }
    response = client.post(new_course_url(make_patient()), data, follow=True)
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# The course page ------------------------------------------------------------------------


def course_url(course) -> str:
    return reverse("treatments:course-detail", args=[course.pk])


def attended_course(physiotherapist, scores=((7, 4),)):
    """A course with one attended, charted visit per pain score, a week apart."""
    course = ready_for_needling(physiotherapist=physiotherapist)
    for weeks_ago, pain in zip(range(len(scores), 0, -1), scores, strict=True):
        visit = make_visit(course, TODAY - timedelta(weeks=weeks_ago), status="attended")
        chart_visit(visit, physiotherapist, pain=pain, sites=2)
    return course


def test_it_shows_the_course_with_its_progress(client, physiotherapist):
    course = attended_course(physiotherapist, scores=[(7, 4)])
    booked = make_visit(course, TODAY + timedelta(days=3))
    client.force_login(physiotherapist)
    response = client.get(course_url(course))
    assert response.status_code == 200
    html = page_text(response)
    assert html.count("<h1") == 1
    assert "<h1>Right low back</h1>" in html
    assert str(course.patient) in html
    assert "Garden without pain" in html
    assert "Active" in html and "Short: 2-3 IMS treatments" in html
    assert "IMS treatment 1 of an expected 2-3" in html
    assert "Pain is unchanged from 7: not yet an important change (2 points or 30%)." in html
    assert booked.get_absolute_url() in html
    assert f"{reverse('treatments:book')}?course={course.pk}" in html
    assert "Book a visit" in html and "Edit or end course" in html


def test_it_says_when_pain_is_down_by_an_important_change(client, physiotherapist):
    course = attended_course(physiotherapist, scores=[(7, 5), (4, 2)])
    client.force_login(physiotherapist)
    html = page_text(client.get(course_url(course)))
    assert "Pain is down 3 points from 7 (43%): an important change." in html
    assert "IMS treatment 2 of an expected 2-3" in html


def test_it_says_when_the_change_is_not_yet_important(client, physiotherapist):
    course = attended_course(physiotherapist, scores=[(7, 5), (6, 3)])
    client.force_login(physiotherapist)
    html = page_text(client.get(course_url(course)))
    assert "Pain is down 1 point from 7 (14%): not yet an important change" in html


def test_it_draws_the_pain_chart_with_its_numbers_in_a_table_beside_it(client, physiotherapist):
    course = attended_course(physiotherapist, scores=[(7, 5), (6, 3), (4, 2)])
    client.force_login(physiotherapist)
    response = client.get(course_url(course))
    html = page_text(response)
    figure = re.search(r'<figure class="chart" data-chart="pain-chart">.*?</figure>', html, re.S)
    figure = figure.group(0)
    assert "<figcaption" in figure and "Pain before and after each visit" in figure
    assert re.search(
        r'<canvas id="pain-chart-canvas" role="img" aria-label="Line chart of pain', figure
    )
    assert "with the baseline of 7" in figure
    rows = re.findall(r'<tr><th scope="row">(\d+)</th><td>(\d+)</td><td>(\d+)</td></tr>', figure)
    assert rows == [("1", "7", "5"), ("2", "6", "3"), ("3", "4", "2")]
    assert '<tr><th scope="row">Baseline</th><td colspan="2">7</td></tr>' in figure
    assert '<tr><th scope="row">Important change</th><td colspan="2">5</td></tr>' in figure
    data = json.loads(
        re.search(r'<script id="pain-chart" type="application/json">(.*?)</script>', figure).group(
            1
        )
    )
    assert data["labels"] == ["1", "2", "3"]
    assert [(s["label"], s["values"], s["dashed"]) for s in data["series"]] == [
        ("Pain before needling", [7, 6, 4], False),
        ("Pain after needling", [5, 3, 2], True),
    ]
    assert data["referenceLines"] == [
        {"label": "Baseline", "y": 7},
        {"label": "Important change", "y": 5},
    ]
    # The attended visits keep their own table, with a link to each.
    table = re.findall(r"<table.*?</table>", html, re.S)[1]
    rows = re.findall(
        r"<tr>\s*<th scope=\"row\">(\d+)</th>.*?<td>(\d+)</td>\s*<td>(\d+)</td>", table, re.S
    )
    assert rows == [("1", "7", "5"), ("2", "6", "3"), ("3", "4", "2")]


def test_the_pain_chart_leaves_a_gap_for_a_visit_not_charted_yet(client, physiotherapist):
    course = attended_course(physiotherapist, scores=[(7, 5)])
    make_visit(course, TODAY, status="attended")
    client.force_login(physiotherapist)
    html = page_text(client.get(course_url(course)))
    assert '<tr><th scope="row">2</th><td>not charted</td><td>not charted</td></tr>' in html
    data = json.loads(
        re.search(r'<script id="pain-chart" type="application/json">(.*?)</script>', html).group(1)
    )
    assert [s["values"] for s in data["series"]] == [[7, None], [5, None]]


def test_the_course_page_loads_the_chart_scripts_from_the_site_and_nothing_inline(
    client, physiotherapist
):
    course = attended_course(physiotherapist)
    client.force_login(physiotherapist)
    response = client.get(course_url(course))
    html = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", html)
    assert '<script src="/static/chartjs/chart.umd.min.js" defer>' in scripts
    assert '<script src="/static/js/charts.js" defer>' in scripts
    # json_script's data is the only script without src, and browsers never run JSON.
    assert [s for s in scripts if "src=" not in s] == [
        '<script id="pain-chart" type="application/json">'
    ]
    policy = dict(
        part.split(maxsplit=1) for part in response["Content-Security-Policy"].split("; ")
    )
    assert (policy["script-src"], policy["style-src"]) == ("'self'", "'self'")


def test_it_shows_the_flags_that_need_a_review(client, physiotherapist):
    course = attended_course(physiotherapist, scores=[(7, 6), (7, 6), (6, 6)])
    client.force_login(physiotherapist)
    html = page_text(client.get(course_url(course)))
    assert (
        "No important change in pain or function after 3 treatments: consider the extended "
        "course (6-12)." in html
    )
    assert "Next IMS treatment due: last one 7 days ago, none booked." in html


def test_it_shows_a_course_without_visits(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    client.force_login(physiotherapist)
    html = page_text(client.get(course_url(course)))
    assert "IMS treatment 0 of an expected 2-3" in html
    assert "No pain score charted yet" in html
    assert "<canvas" not in html and "<figure" not in html
    assert "chart.umd.min.js" not in html


@pytest.mark.parametrize("size", [1, 6])
def test_the_course_page_takes_the_same_queries_however_many_visits(
    client, physiotherapist, django_assert_num_queries, size
):
    course = attended_course(physiotherapist, scores=[(7, 5)] * size)
    make_visit(course, TODAY + timedelta(days=3))
    answered(course, "odi", *["baseline"] + ["reassessment"] * size)
    client.force_login(physiotherapist)
    # session, user (with roles and two-step device); course; its visits with charts and site
    # counts; its questionnaires and their answers; the clinic's settings; the audit entry
    with django_assert_num_queries(8):
        assert client.get(course_url(course)).status_code == 200


def test_the_course_page_is_for_physiotherapists_only(client, front_desk, clinic_admin):
    course = make_course()
    url = course_url(course)
    assert client.get(url)["Location"] == f"/accounts/login/?next={url}"
    for person in (front_desk, clinic_admin):
        client.force_login(person)
        assert client.get(url).status_code == 403


def test_the_course_page_gives_404_for_a_course_that_does_not_exist(client, physiotherapist):
    client.force_login(physiotherapist)
    assert client.get(reverse("treatments:course-detail", args=[999_999])).status_code == 404


# Editing or ending a course -------------------------------------------------------------


def edit_url(course) -> str:
    return reverse("treatments:course-edit", args=[course.pk])


EDIT = {
    "region": "Right low back", "goals": "Garden", "expected_length": "short",
    "started_on": str(TODAY - timedelta(days=60)),
}  # fmt: skip


def test_it_ends_a_course(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    client.force_login(physiotherapist)
    assert client.get(edit_url(course)).status_code == 200
    data = {**EDIT, "status": "completed", "ended_on": "2026-03-09", "end_reason": ""}
    response = client.post(edit_url(course), data)
    assert response["Location"] == course_url(course)
    course.refresh_from_db()
    assert course.status == "completed" and str(course.ended_on) == "2026-03-09"


ENDED = {**EDIT, "status": "completed", "ended_on": "2026-03-09", "end_reason": ""}


def test_ending_a_course_with_visits_still_booked_shows_them_and_refuses_until_handled(
    client, physiotherapist
):
    course = make_course(physiotherapist=physiotherapist)
    booked = make_visit(course, TODAY + timedelta(days=7), time(9, 0))
    client.force_login(physiotherapist)
    html = page_text(client.get(edit_url(course)))
    assert "1 visit still booked in this course:" in html
    assert "Tuesday 17 March 2026 at 09:00 with Priya Physio" in html
    response = client.post(edit_url(course), ENDED)
    assert response.status_code == 200
    assert "The course still has 1 booked visit: cancel it to end the course." in page_text(
        response
    )
    course.refresh_from_db()
    booked.refresh_from_db()
    assert course.is_active and booked.status == Visit.Status.BOOKED


def test_ending_a_course_cancels_the_visits_still_booked_in_the_same_step_when_asked(
    client, physiotherapist
):
    course = make_course(physiotherapist=physiotherapist)
    booked = [make_visit(course, TODAY + timedelta(days=n), time(9, 0)) for n in (7, 14)]
    client.force_login(physiotherapist)
    response = client.post(edit_url(course), {**ENDED, "cancel_booked": "on"})
    assert response["Location"] == course_url(course)
    course.refresh_from_db()
    assert course.status == "completed"
    for visit in booked:
        visit.refresh_from_db()
        assert (visit.status, visit.cancellation_reason) == ("cancelled", "The course ended.")


def test_a_course_ended_with_a_bad_date_cancels_nothing(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    booked = make_visit(course, TODAY + timedelta(days=7), time(9, 0))
    client.force_login(physiotherapist)
    data = {**ENDED, "ended_on": "1999-01-01", "cancel_booked": "on"}
    response = client.post(edit_url(course), data)
    assert response.status_code == 200 and "A course cannot end before it starts." in page_text(
        response
    )
    booked.refresh_from_db()
    assert booked.status == Visit.Status.BOOKED


def test_it_moves_a_course_to_the_extended_length(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    client.force_login(physiotherapist)
    client.post(edit_url(course), {**EDIT, "expected_length": "extended", "status": "active"})
    course.refresh_from_db()
    assert course.expected_length == "extended"
    assert "IMS treatment 0 of an expected 6-12" in client.get(course_url(course)).content.decode()


@pytest.mark.parametrize(
    "changes,message",
    [
        ({"status": "completed"}, "A finished course has an end date; an active one none."),
        ({"status": "active", "ended_on": "2026-03-09"}, "A finished course has an end date"),
        (
            {"status": "discontinued", "ended_on": "2026-03-09"},
            "Give the reason the course was discontinued.",
        ),
        (
            {"status": "completed", "ended_on": "2025-01-01"},
            "A course cannot end before it starts.",
        ),
        ({"status": "paused"}, "Select a valid choice."),
        ({"status": "completed", "ended_on": "25:99"}, "Enter a valid date."),
        ({"status": "active", "region": ""}, "This field is required."),
        ({"status": "active", "goals": "x" * 10_000}, "Keep this to 5000 characters or fewer"),
    ],
)
def test_it_explains_why_a_course_cannot_be_saved(client, physiotherapist, changes, message):
    course = make_course(physiotherapist=physiotherapist)
    before = TreatmentCourse.objects.values().get(pk=course.pk)
    client.force_login(physiotherapist)
    response = client.post(edit_url(course), {**EDIT, **changes})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert TreatmentCourse.objects.values().get(pk=course.pk) == before


def test_editing_a_course_is_for_physiotherapists_only(client, clinic_admin):
    course = make_course()
    url = edit_url(course)
    assert client.get(url)["Location"] == f"/accounts/login/?next={url}"
    for person in (make_front_desk(), clinic_admin):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {**EDIT, "status": "active", "region": "Neck"}).status_code == 403
    course.refresh_from_db()
    assert course.region == "Right low back"


def test_editing_gives_404_for_a_course_that_does_not_exist(client, physiotherapist):
    client.force_login(physiotherapist)
    assert client.get(reverse("treatments:course-edit", args=[999_999])).status_code == 404
