"""The day sheet marks the visits patients booked online, in words, at no extra query."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import TODAY, make_course, make_patient, make_visit

pytestmark = pytest.mark.django_db
URL = reverse("treatments:day-sheet")


def test_a_visit_booked_online_is_marked_in_words_on_the_day_sheet(
    client, clock, front_desk, physiotherapist
):
    make_visit(make_course(make_patient(legal_first_name="Avery"), physiotherapist), TODAY,
               time(14), booked_online=True)  # fmt: skip
    make_visit(make_course(make_patient(legal_first_name="Blake"), physiotherapist), TODAY,
               time(15))  # fmt: skip
    client.force_login(front_desk)
    html = client.get(URL).content.decode()
    # Once in the grid and once in the narrow list, for Avery's visit only.
    assert html.count("Booked online") == 2
    avery = html.index("Avery")
    assert avery < html.index("Booked online") < html.index("Blake")


def test_marking_visits_booked_online_costs_no_query(
    client, clock, front_desk, physiotherapist, django_assert_num_queries
):
    course = make_course(make_patient(), physiotherapist)
    make_visit(course, TODAY, time(14))
    client.force_login(front_desk)
    client.get(URL)  # the session and caches warmed
    with CaptureQueriesContext(connection) as counted:
        client.get(URL)
    plain = len(counted)
    make_visit(make_course(make_patient(), physiotherapist), TODAY, time(15), booked_online=True)
    with django_assert_num_queries(plain):
        assert "Booked online" in client.get(URL).content.decode()
