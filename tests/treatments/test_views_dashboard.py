"""The physiotherapist's dashboard: today's visits, courses that need a look, charts to write."""

from datetime import time, timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    TODAY,
    chart_visit,
    make_course,
    make_physiotherapist,
    make_visit,
    ready_for_needling,
)
from tests.treatments.helpers import page_text
from tests.treatments.outcomes.helpers import answered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
URL = reverse("treatments:dashboard")


def stalled_course(physiotherapist, at: time = time(10, 0)):
    """Three charted visits a week apart without an important change, and none booked."""
    course = ready_for_needling(physiotherapist=physiotherapist)
    for weeks_ago in (3, 2, 1):
        visit = make_visit(course, TODAY - timedelta(weeks=weeks_ago), at, status="attended")
        chart_visit(visit, physiotherapist, pain=(7, 6))
    return course


@pytest.mark.parametrize(
    ("expires", "notice"),
    [
        (TODAY + timedelta(days=20), "Your needling authorization expires on 30 March 2026."),
        (TODAY - timedelta(days=1), "Your needling authorization expired on 9 March 2026"),
        (TODAY + timedelta(days=31), None),
    ],
)
def test_it_tells_a_physiotherapist_whose_authorization_expires_within_30_days(
    client, expires, notice
):
    physiotherapist = make_physiotherapist(authorized_until=expires)
    client.force_login(physiotherapist)
    html = page_text(client.get(URL))
    if notice:
        assert notice in html
    else:
        assert "needling authorization" not in html


def test_it_lists_todays_visits_of_the_physiotherapist(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    mine = make_visit(course, TODAY, at=time(9, 30))
    colleague = make_physiotherapist()
    theirs = make_visit(make_course(physiotherapist=colleague), TODAY, at=time(11, 0))
    tomorrow = make_visit(make_course(physiotherapist=physiotherapist), TODAY + timedelta(days=1))
    client.force_login(physiotherapist)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Your day: Tuesday 10 March 2026" in html
    assert "<td>09:30</td>" in html and f"<td>{course.patient}</td>" in html
    assert "<td>Booked</td>" in html
    assert mine.get_absolute_url() in html
    assert theirs.get_absolute_url() not in html
    assert tomorrow.get_absolute_url() not in html


def test_it_says_when_there_is_nothing_today(client, physiotherapist):
    client.force_login(physiotherapist)
    html = client.get(URL).content.decode()
    assert "You have no visits today." in html
    assert "Every attended visit of yours is charted." in html
    assert "You have no active course." in html


def test_it_lists_the_physiotherapists_courses_that_have_flags(client, physiotherapist):
    stalled = stalled_course(physiotherapist)
    quiet = make_course(physiotherapist=physiotherapist)
    others = stalled_course(make_physiotherapist())
    client.force_login(physiotherapist)
    html = page_text(client.get(URL))
    assert stalled.get_absolute_url() in html
    assert (
        "No important change in pain or function after 3 treatments: consider the extended "
        "course (6-12)." in html
    )
    assert "Next IMS treatment due: last one 7 days ago, none booked." in html
    assert "Now at IMS treatment 3 of an expected 2-3." in html
    assert "1 of your 2 active courses." in html
    assert quiet.get_absolute_url() not in html
    assert others.get_absolute_url() not in html


def test_it_says_when_no_course_needs_a_look(client, physiotherapist):
    make_course(physiotherapist=physiotherapist)
    client.force_login(physiotherapist)
    html = client.get(URL).content.decode()
    assert "None of your 1 active course needs a look right now." in html


def test_it_leaves_out_ended_courses(client, physiotherapist):
    course = stalled_course(physiotherapist)
    course.status, course.ended_on = "completed", TODAY
    course.save()
    client.force_login(physiotherapist)
    assert course.get_absolute_url() not in client.get(URL).content.decode()


def test_it_links_each_attended_visit_without_a_chart_to_the_chart_form(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    waiting = make_visit(course, TODAY - timedelta(days=7), time(9, 0), status="attended")
    charted_course = ready_for_needling(physiotherapist=physiotherapist)
    charted = make_visit(charted_course, TODAY - timedelta(days=7), time(11), status="attended")
    chart_visit(charted, physiotherapist)
    client.force_login(physiotherapist)
    html = client.get(URL).content.decode()
    assert reverse("treatments:visit-chart", args=[waiting.pk]) in html
    assert reverse("treatments:visit-chart", args=[charted.pk]) not in html


@pytest.mark.parametrize("size", [1, 5])
def test_it_takes_the_same_queries_however_many_courses(
    client, physiotherapist, django_assert_num_queries, size
):
    # Each course at its own hour: one physiotherapist never has two visits at once.
    for n in range(size):
        stalled_course(physiotherapist, at=time(8 + n, 0))
        course = make_course(physiotherapist=physiotherapist)
        make_visit(course, TODAY, at=time(8 + n, 30))
        make_visit(course, TODAY - timedelta(days=7), time(14 + n, 0), status="attended")
        answered(course, "odi", "baseline", "reassessment")
    client.force_login(physiotherapist)
    # session, user (with roles and two-step device); their needling authorization; today's
    # visits; courses; their visits; their questionnaires and answers; the clinic's settings;
    # visits to chart; drafts to sign
    with django_assert_num_queries(11):
        response = client.get(URL)
    assert len(response.context["flagged"]) == size


def test_it_sends_visitors_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/treatments/"


@pytest.mark.parametrize("person", ["front_desk", "clinic_admin", "outsider"])
def test_it_refuses_staff_who_are_not_physiotherapists(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(URL).status_code == 403
