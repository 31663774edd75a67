"""Calendar files: a visit's appointment for the patient, the physiotherapist's private feed,
and the page where the physiotherapist gets (and renews) the feed's address."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from patients.roles import PHYSIOTHERAPIST
from tests.factories import (
    TODAY,
    chart_visit,
    make_course,
    make_patient,
    make_physiotherapist,
    make_user,
    make_visit,
    ready_for_needling,
)
from tests.treatments.helpers import page_text
from treatments.ical import patient_initials
from treatments.models import PhysiotherapistProfile

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
NEXT_WEEK = TODAY + timedelta(days=7)
# Words from the patient's record and chart that must never reach a calendar.
PRIVATE_WORDS = ["Smithson", "Sciatica", "Right low back", "Garden", "Multifidus", "Grasp"]


@pytest.fixture(autouse=True)
def clinic(settings):
    settings.CLINIC_NAME = "Kits IMS Physio"
    settings.CLINIC_PHONE = "604-555-0100"
    settings.SITE_URL = "https://clinic.example"


@pytest.fixture
def jane():
    return make_patient(
        legal_first_name="Jane", legal_last_name="Smithson", primary_concern="Sciatica"
    )


def events_of(response) -> list:
    return Calendar.from_ical(response.content).walk("VEVENT")


def assert_nothing_private(response) -> None:
    text = response.content.decode()
    for word in PRIVATE_WORDS:
        assert word.lower() not in text.lower()


# The appointment file -------------------------------------------------------------------


def ics_url(visit) -> str:
    return reverse("treatments:visit-ics", args=[visit.pk])


def test_it_gives_a_visit_as_one_calendar_event(client, physiotherapist, jane):
    visit = make_visit(make_course(jane, physiotherapist), NEXT_WEEK, time(14, 30))
    client.force_login(physiotherapist)
    response = client.get(ics_url(visit))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"] == 'attachment; filename="appointment-2026-03-17.ics"'
    [event] = events_of(response)
    assert event["UID"] == f"visit-{visit.pk}@clinic.example"
    assert event.decoded("DTSTART") == datetime(2026, 3, 17, 21, 30, tzinfo=UTC)  # 14:30 PDT
    assert event.decoded("DTEND") == datetime(2026, 3, 17, 22, 0, tzinfo=UTC)
    assert event["SUMMARY"] == "IMS appointment at Kits IMS Physio"
    assert event["STATUS"] == "CONFIRMED"
    description = str(event["DESCRIPTION"])
    assert "With Priya Physio." in description
    assert "https://clinic.example/ims/before-your-appointment/" in description
    assert "604-555-0100" in description
    assert_nothing_private(response)


def test_it_keeps_the_same_uid_for_every_download_of_a_visit(client, physiotherapist):
    visit = make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK)
    client.force_login(physiotherapist)
    first, second = client.get(ics_url(visit)), client.get(ics_url(visit))
    assert events_of(first)[0]["UID"] == events_of(second)[0]["UID"]


def test_it_marks_a_cancelled_visit_cancelled(client, physiotherapist):
    course = make_course(physiotherapist=physiotherapist)
    visit = make_visit(course, NEXT_WEEK, status="cancelled", cancellation_reason="Flu")
    client.force_login(physiotherapist)
    [event] = events_of(client.get(ics_url(visit)))
    assert event["STATUS"] == "CANCELLED"
    assert event["SUMMARY"] == "Cancelled: IMS appointment at Kits IMS Physio"
    assert "Flu" not in client.get(ics_url(visit)).content.decode()


def test_it_gives_the_front_desk_the_appointment_file(client, physiotherapist, front_desk):
    visit = make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK)
    client.force_login(front_desk)
    response = client.get(ics_url(visit))
    assert response.status_code == 200
    assert len(events_of(response)) == 1


def test_it_sends_a_visitor_to_sign_in_for_the_appointment_file(client, physiotherapist):
    visit = make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK)
    response = client.get(ics_url(visit))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("person", ["clinic_admin", "outsider"])
def test_it_refuses_the_appointment_file_to_staff_who_do_not_book(
    client, request, physiotherapist, person
):
    visit = make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK)
    client.force_login(request.getfixturevalue(person))
    assert client.get(ics_url(visit)).status_code == 403


def test_it_answers_not_found_for_a_made_up_visit(client, physiotherapist):
    client.force_login(physiotherapist)
    assert client.get(reverse("treatments:visit-ics", args=[999_999])).status_code == 404


# The private feed -----------------------------------------------------------------------


def feed_url(token: str) -> str:
    return reverse("treatments:physiotherapist-feed", args=[token])


def test_it_shows_the_feed_with_the_patients_initials_only(client, physiotherapist, jane):
    token = physiotherapist.physiotherapist_profile.renew_calendar_token()
    past = make_visit(
        make_course(jane, physiotherapist), TODAY - timedelta(days=7), status="attended"
    )
    booked = make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK, time(9, 0))
    response = client.get(feed_url(token))  # a calendar app does not sign in
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Cache-Control"] == "no-store"
    events = {event["UID"]: event for event in events_of(response)}
    assert set(events) == {
        f"visit-{past.pk}@clinic.example",
        f"visit-{booked.pk}@clinic.example",
    }
    assert events[f"visit-{past.pk}@clinic.example"]["SUMMARY"] == "IMS: J.S."
    assert events[f"visit-{booked.pk}@clinic.example"]["SUMMARY"] == "IMS: P.P."
    assert "Jane" not in response.content.decode()
    assert_nothing_private(response)


def test_it_leaves_the_chart_out_of_the_feed(client, physiotherapist, jane):
    course = ready_for_needling(jane, physiotherapist)
    visit = make_visit(course, TODAY - timedelta(days=7))
    chart_visit(visit, physiotherapist, note="Grasp at L4 multifidus")
    token = physiotherapist.physiotherapist_profile.renew_calendar_token()
    response = client.get(feed_url(token))
    [event] = events_of(response)
    assert event["SUMMARY"] == "IMS: J.S."
    assert_nothing_private(response)


def test_it_leaves_out_of_the_feed_what_is_not_the_physiotherapists_upcoming_work(
    client, physiotherapist
):
    token = physiotherapist.physiotherapist_profile.renew_calendar_token()
    kept = make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK, time(9, 0))
    mine = make_course(physiotherapist=physiotherapist)
    make_visit(mine, NEXT_WEEK, time(11, 0), status="cancelled", cancellation_reason="Flu")
    make_visit(
        make_course(physiotherapist=physiotherapist), NEXT_WEEK, time(12, 0), status="no_show"
    )
    make_visit(
        make_course(physiotherapist=physiotherapist), TODAY - timedelta(days=31), status="attended"
    )
    make_visit(make_course(physiotherapist=physiotherapist), TODAY + timedelta(days=181))
    make_visit(make_course(), NEXT_WEEK, time(9, 0))  # another physiotherapist's
    [event] = events_of(client.get(feed_url(token)))
    assert event["UID"] == f"visit-{kept.pk}@clinic.example"


def test_it_reads_the_feed_in_two_queries_however_many_visits(
    client, physiotherapist, django_assert_num_queries
):
    token = physiotherapist.physiotherapist_profile.renew_calendar_token()
    for hour in range(9, 14):
        make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK, time(hour, 0))
    with django_assert_num_queries(2):
        response = client.get(feed_url(token))
    assert len(events_of(response)) == 5


# Fixed values with readable ids: parallel workers must all collect the same tests, so no
# parameter may be drawn at random (a real token is 43 URL-safe characters, like the first).
@pytest.mark.parametrize(
    "token",
    [
        pytest.param("NeverIssued-but-the-same-shape_0123456789ab", id="well-formed-never-issued"),
        pytest.param("x" * 10_000, id="very-long"),
        pytest.param("<script>alert(1)</script>", id="markup"),
        pytest.param("%3Cscript%3E", id="escaped-markup"),
        pytest.param("' OR '1'='1", id="sql"),
        pytest.param("a", id="one-letter"),
    ],
)
def test_it_answers_not_found_for_a_wrong_feed_address(client, physiotherapist, token):
    physiotherapist.physiotherapist_profile.renew_calendar_token()
    make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK)
    response = client.get(f"/treatments/feed/{token}.ics")
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content


def test_it_never_matches_a_physiotherapist_without_a_feed_to_an_empty_address(
    client, physiotherapist
):
    assert physiotherapist.physiotherapist_profile.calendar_token == ""
    make_visit(make_course(physiotherapist=physiotherapist), NEXT_WEEK)
    assert client.get("/treatments/feed/.ics").status_code == 404


def test_it_stops_the_old_feed_address_when_a_new_one_is_made(client, physiotherapist):
    old = physiotherapist.physiotherapist_profile.renew_calendar_token()
    new = physiotherapist.physiotherapist_profile.renew_calendar_token()
    assert client.get(feed_url(old)).status_code == 404
    assert client.get(feed_url(new)).status_code == 200


def test_it_stops_the_feed_of_a_physiotherapist_whose_account_is_closed(client, physiotherapist):
    token = physiotherapist.physiotherapist_profile.renew_calendar_token()
    physiotherapist.is_active = False
    physiotherapist.save()
    assert client.get(feed_url(token)).status_code == 404


def test_it_names_a_patient_by_preferred_first_name_initial():
    patient = make_patient(
        legal_first_name="Elizabeth", preferred_name="liz", legal_last_name="van Dyke"
    )
    assert patient_initials(patient) == "L.V."


# The page with the feed's address -------------------------------------------------------

PAGE = reverse("treatments:calendar-feed")
RENEW = reverse("treatments:calendar-feed-renew")


def test_it_offers_to_create_a_calendar_link_without_making_one(client, physiotherapist):
    client.force_login(physiotherapist)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "Create my private calendar link" in page_text(response)
    assert "no-store" in response["Cache-Control"]
    physiotherapist.physiotherapist_profile.refresh_from_db()
    assert physiotherapist.physiotherapist_profile.calendar_token == ""


def test_it_creates_the_calendar_link_when_asked(client, physiotherapist):
    client.force_login(physiotherapist)
    response = client.post(RENEW, follow=True)
    assert response.redirect_chain == [(PAGE, 302)]
    token = PhysiotherapistProfile.objects.get(user=physiotherapist).calendar_token
    assert len(token) >= 40
    html = page_text(response)
    assert f"https://clinic.example/treatments/feed/{token}.ics" in html
    assert f"webcal://clinic.example/treatments/feed/{token}.ics" in html
    assert "Make a new link (the old one stops working)" in html
    assert "Your private calendar link is ready." in html
    assert client.get(feed_url(token)).status_code == 200


def test_it_replaces_the_calendar_link_and_the_old_one_stops_working(client, physiotherapist):
    old = physiotherapist.physiotherapist_profile.renew_calendar_token()
    client.force_login(physiotherapist)
    response = client.post(RENEW, follow=True)
    new = PhysiotherapistProfile.objects.get(user=physiotherapist).calendar_token
    assert new != old
    html = page_text(response)
    assert new in html and old not in html
    assert "The old one no longer works." in html
    assert client.get(feed_url(old)).status_code == 404


def test_it_only_renews_the_calendar_link_by_post(client, physiotherapist):
    client.force_login(physiotherapist)
    assert client.get(RENEW).status_code == 405
    physiotherapist.physiotherapist_profile.refresh_from_db()
    assert physiotherapist.physiotherapist_profile.calendar_token == ""


def test_it_explains_when_a_physiotherapist_has_no_professional_details(client):
    user = make_user(PHYSIOTHERAPIST)
    client.force_login(user)
    response = client.get(PAGE)
    assert response.status_code == 200
    assert "no physiotherapist details yet" in page_text(response)
    assert "Create my private calendar link" not in page_text(response)
    assert client.post(RENEW).status_code == 404


@pytest.mark.parametrize("person", ["front_desk", "clinic_admin", "outsider"])
def test_it_refuses_the_calendar_link_to_anyone_but_a_physiotherapist(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(PAGE).status_code == 403
    assert client.post(RENEW).status_code == 403


def test_it_sends_a_visitor_to_sign_in_for_the_calendar_link(client):
    for response in [client.get(PAGE), client.post(RENEW)]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_it_keeps_each_physiotherapists_link_their_own(client, physiotherapist):
    other = make_physiotherapist(first_name="Omar", last_name="Other")
    theirs = other.physiotherapist_profile.renew_calendar_token()
    client.force_login(physiotherapist)
    client.post(RENEW)
    assert PhysiotherapistProfile.objects.get(user=other).calendar_token == theirs
    assert theirs not in page_text(client.get(PAGE))
