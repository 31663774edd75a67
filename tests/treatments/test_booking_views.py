"""Booking from the calendar: finding the patient, one visit or a weekly series, and the
times offered instead of those refused."""

import re
from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from tests.factories import TODAY, make_course, make_patient, make_physiotherapist, make_visit
from tests.treatments.helpers import page_text
from treatments.models import DayOff, TreatmentCourse, Visit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
URL = reverse("treatments:book")
MONDAY = date(2026, 3, 16)  # next Monday
HUGE = "9" * 10_000
HOSTILE = ["abc", "-1", HUGE, "9" * 30, "<script>alert(1)</script>", "1e3", "1.5"]


@pytest.fixture
def course(physiotherapist):
    patient = make_patient(
        legal_first_name="Marguerite", legal_last_name="Okafor", phone="604-555-0199",
        date_of_birth=date(1971, 4, 2), primary_concern="Sciatica",
    )  # fmt: skip
    return make_course(patient, physiotherapist, region="Left buttock", started_on=date(2026, 2, 2))


def booking(of: TreatmentCourse, **fields) -> dict:
    data = {
        "course": of.pk, "physiotherapist": of.physiotherapist_id, "date": str(MONDAY),
        "start_time": "10:00", "duration_minutes": "30", "weeks": "1", "q": "Okafor",
    }  # fmt: skip
    return {**data, **fields}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def radios(html: str) -> list[tuple[str, bool]]:
    """The course options: their ids and whether each is chosen."""
    found = re.findall(r'type="radio" name="course" id="course-\d+" value="(\d+)"( checked)?', html)
    return [(value, bool(checked)) for value, checked in found]


# Who may book ---------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_shows_the_form_to_staff_who_book(client, request, course, person):
    client.force_login(request.getfixturevalue(person))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Find the patient above, then choose their course here." in html


def test_it_sends_a_visitor_to_sign_in(client, course):
    for response in [client.get(URL), client.post(URL, booking(course))]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert not Visit.objects.exists()


@pytest.mark.parametrize("person", ["clinic_admin", "outsider"])
def test_it_refuses_staff_who_do_not_book(client, request, course, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(URL).status_code == 403
    assert client.post(URL, booking(course)).status_code == 403
    assert not Visit.objects.exists()


# The slot from the calendar -------------------------------------------------------------


def test_it_fills_in_the_slot_from_the_calendar(client, physiotherapist, front_desk):
    client.force_login(front_desk)
    response = client.get(
        URL, {"physiotherapist": physiotherapist.pk, "date": MONDAY, "time": "10:00"}
    )
    assert response.status_code == 200
    html = page_text(response)
    assert "Monday 16 March 2026 at 10:00 with Priya Physio." in html
    assert f'<option value="{physiotherapist.pk}" selected>Priya Physio</option>' in html
    assert 'name="date" value="2026-03-16"' in html
    assert 'name="start_time" value="10:00"' in html
    assert 'name="duration_minutes" value="30"' in html
    # A new search keeps the slot.
    assert f'<input type="hidden" name="physiotherapist" value="{physiotherapist.pk}">' in html
    assert '<input type="hidden" name="time" value="10:00">' in html


@pytest.mark.parametrize(
    "param, value, message",
    [
        *[("date", value, "Date: Enter a valid date.") for value in HOSTILE],
        ("date", "2024-13-45", "Date: Enter a valid date."),
        ("date", "2026-03-09", "Date: This date has passed: choose today or a later date."),
        ("date", "2030-01-07", "Date: Book within the next two years."),
        ("date", "9999-12-31", "Date: Book within the next two years."),
        *[("time", value, "Start time: Enter a valid time.") for value in HOSTILE],
        ("time", "25:99", "Start time: Enter a valid time."),
        ("time", "", "Start time: This field is required."),
        *[("physiotherapist", v, "Choose a physiotherapist from the list.") for v in HOSTILE],
        ("physiotherapist", "99999", "Choose a physiotherapist from the list."),
    ],
)
def test_it_says_what_is_wrong_with_the_slot(
    client, physiotherapist, front_desk, param, value, message
):
    client.force_login(front_desk)
    slot = {"physiotherapist": physiotherapist.pk, "date": MONDAY, "time": "10:00", param: value}
    response = client.get(URL, slot)
    assert response.status_code == 400
    html = page_text(response)
    assert "The time from the calendar cannot be booked as it is." in html
    assert message in html
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("param", ["physiotherapist", "date", "time"])
def test_it_refuses_a_null_character_in_the_slot(client, physiotherapist, front_desk, param):
    client.force_login(front_desk)
    slot = {"physiotherapist": physiotherapist.pk, "date": MONDAY, "time": "10:00", param: "1\x00"}
    response = client.get(URL, slot)
    assert response.status_code == 400
    assert "The time from the calendar cannot be booked as it is." in page_text(response)


def test_it_refuses_a_time_already_past_today(client, physiotherapist, front_desk):
    client.force_login(front_desk)
    response = client.get(
        URL, {"physiotherapist": physiotherapist.pk, "date": TODAY, "time": "11:30"}
    )
    assert response.status_code == 400
    assert "This time has passed: choose a later time." in page_text(response)


def test_it_refuses_a_colleague_who_is_not_a_physiotherapist(client, physiotherapist, front_desk):
    client.force_login(physiotherapist)
    response = client.get(URL, {"physiotherapist": front_desk.pk, "date": MONDAY, "time": "10:00"})
    assert response.status_code == 400
    assert "Choose a physiotherapist from the list." in page_text(response)


# Finding the patient --------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["okaf", "Margu", "555-0199", "6045550199", "1971-04-02"])
def test_it_finds_the_patient_by_part_of_the_name_phone_or_birth_date(
    client, front_desk, course, typed
):
    client.force_login(front_desk)
    response = client.get(URL, {"q": typed})
    assert response.status_code == 200
    html = page_text(response)
    assert "Marguerite Okafor" in html
    assert "Born 2 April 1971 · 604-555-0199" in html
    assert "Course with Priya Physio, started 2 February 2026" in html


def test_it_shows_no_clinical_detail(client, front_desk, course):
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"q": "Okafor"}))
    assert "Left buttock" not in html and "Sciatica" not in html
    assert course.goals not in html


def test_it_chooses_the_only_course_found_and_the_weeks_it_still_expects(
    client, front_desk, course
):
    make_visit(course, TODAY - timedelta(days=7), status="attended")
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"q": "Okafor"}))
    assert radios(html) == [(str(course.pk), True)]
    # A short course expects 2-3 visits; one is done.
    assert "(2 more visits expected)" in html
    assert 'name="weeks" value="2"' in html


def test_it_lists_only_active_patients_with_an_active_course(
    client, front_desk, physiotherapist, course
):
    second = make_course(
        course.patient, make_physiotherapist(first_name="Aaron", last_name="Adams")
    )
    make_course(course.patient, physiotherapist, status="completed", ended_on=TODAY)
    archived = make_patient(legal_first_name="Marguerite", legal_last_name="Archived")
    make_course(archived, physiotherapist)
    archived.archive()
    make_patient(legal_first_name="Marguerite", legal_last_name="Nocourse")
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"q": "Marguerite"}))
    assert "Archived" not in html and "Nocourse" not in html
    assert sorted(radios(html)) == sorted([(str(course.pk), False), (str(second.pk), False)])
    assert "Course with Aaron Adams" in html
    assert 'name="weeks" value=' not in html  # none chosen yet


def test_it_says_when_no_patient_matches(client, front_desk, course):
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"q": "Zyxwv"}))
    assert "No active patient with an active course matches <strong>Zyxwv</strong>." in html


def test_it_asks_for_more_of_the_name_when_many_match(client, front_desk, physiotherapist):
    for n in range(12):
        make_course(
            make_patient(legal_first_name="Sam", legal_last_name=f"Lee{n}"), physiotherapist
        )
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"q": "Lee"}))
    assert len(radios(html)) == 10
    assert "More match: type more of the name." in html


@pytest.mark.parametrize("typed", ["x" * 101, HUGE])
def test_it_refuses_a_search_that_is_too_long(client, front_desk, course, typed):
    client.force_login(front_desk)
    response = client.get(URL, {"q": typed})
    assert response.status_code == 400
    assert "Please search with 100 characters or fewer." in page_text(response)


def test_it_refuses_a_null_character_in_the_search(client, front_desk, course):
    client.force_login(front_desk)
    response = client.get(URL, {"q": "Oka\x00for"})
    assert response.status_code == 400
    assert "Null characters are not allowed." in page_text(response)


@pytest.mark.parametrize("typed", ["<script>alert(1)</script>", "%", "'; DROP TABLE x; --", "\\"])
def test_it_searches_for_hostile_text_safely(client, front_desk, course, typed):
    client.force_login(front_desk)
    response = client.get(URL, {"q": typed})
    assert response.status_code == 200
    assert "<script>alert" not in response.content.decode()
    assert radios(response.content.decode()) == []


# Booking one visit --------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_books_one_visit_and_shows_it_on_the_calendar(client, request, course, person):
    client.force_login(request.getfixturevalue(person))
    response = client.post(URL, booking(course), follow=True)
    visit = Visit.objects.get()
    calendar = reverse("treatments:calendar")
    query = f"?physiotherapist={course.physiotherapist_id}&week=2026-03-16&day=2026-03-16"
    assert response.redirect_chain == [(calendar + query, 302)]
    assert (visit.date, visit.start_time, visit.status) == (MONDAY, time(10), "booked")
    assert (visit.course, visit.duration_minutes) == (course, 30)
    assert messages_of(response) == [f"Visit booked: {visit}."]
    assert visit.get_absolute_url() in response.content.decode()


def test_it_books_a_longer_visit(client, front_desk, course):
    client.force_login(front_desk)
    client.post(URL, booking(course, duration_minutes="45"))
    assert Visit.objects.get().duration_minutes == 45


def test_it_shows_the_refusal_and_books_a_time_offered_in_one_click(client, front_desk, course):
    last = make_visit(course, MONDAY - timedelta(days=6), at=time(9, 0))
    client.force_login(front_desk)
    response = client.post(URL, booking(course))
    assert response.status_code == 200
    html = page_text(response)
    assert "Nothing was saved." in html
    assert "IMS is given at most once a week." in html
    assert "(6 days apart)" in html
    buttons = re.findall(r"<form method=\"post\" action=\"/treatments/book/\">(.*?)</form>",
                         response.content.decode(), re.S)  # fmt: skip
    assert len(buttons) == 3
    assert "Book Tuesday 17 March 2026 at 08:00" in buttons[0]  # the nearest allowed day
    offered = dict(re.findall(r'name="(\w+)" value="([^"]*)"', buttons[0]))
    del offered["csrfmiddlewaretoken"]
    assert offered == {
        "course": str(course.pk), "physiotherapist": str(course.physiotherapist_id),
        "duration_minutes": "30", "weeks": "1", "q": "Okafor", "date": "2026-03-17",
        "start_time": "08:00",
    }  # fmt: skip
    assert radios(html) == [(str(course.pk), True)]
    assert list(Visit.objects.all()) == [last]

    response = client.post(URL, offered, follow=True)
    booked = Visit.objects.exclude(pk=last.pk).get()
    assert (booked.date, booked.start_time) == (date(2026, 3, 17), time(8, 0))
    assert messages_of(response) == [f"Visit booked: {booked}."]


@pytest.mark.parametrize(
    "arrange, fields, message",
    [
        (lambda course: course.patient.archive(), {}, "This patient's record is archived."),
        (
            lambda course: DayOff.objects.create(
                physiotherapist=course.physiotherapist, date=MONDAY
            ),
            {},
            "Priya Physio is off on Monday 16 March 2026.",
        ),
        (
            lambda course: None,
            {"start_time": "07:30"},
            "The clinic is open 08:00-18:00 on Mondays.",
        ),
        (
            lambda course: None,
            {"start_time": "17:45"},
            "The clinic is open 08:00-18:00 on Mondays.",
        ),
        (lambda course: None, {"date": "2026-03-21"}, "The clinic is closed on Saturdays."),
        (
            lambda course: make_visit(
                make_course(physiotherapist=course.physiotherapist), MONDAY, at=time(9, 45)
            ),
            {},
            "Priya Physio already has a visit on Monday 16 March 2026 from 09:45 to 10:15.",
        ),
        (
            lambda course: make_visit(course, MONDAY - timedelta(days=6)),
            {},
            "IMS is given at most once a week.",
        ),
        (
            lambda course: TreatmentCourse.objects.filter(pk=course.pk).update(
                status="completed", ended_on=TODAY
            ),
            {},
            "This course has ended.",
        ),
    ],
)
def test_it_shows_why_the_service_refused_and_saves_nothing(
    client, front_desk, course, arrange, fields, message
):
    arrange(course)
    before = set(Visit.objects.values_list("pk", flat=True))
    client.force_login(front_desk)
    response = client.post(URL, booking(course, **fields))
    assert response.status_code == 200
    html = page_text(response)
    assert "Nothing was saved." in html
    assert message in html
    assert set(Visit.objects.values_list("pk", flat=True)) == before


@pytest.mark.parametrize(
    "arrange, message",
    [
        (lambda course: course.patient.archive(), "This patient's record is archived."),
        (
            lambda course: TreatmentCourse.objects.filter(pk=course.pk).update(
                status="completed", ended_on=TODAY
            ),
            "This course has ended.",
        ),
    ],
)
def test_it_books_no_week_of_a_series_the_service_refuses_whole(
    client, front_desk, course, arrange, message
):
    arrange(course)
    client.force_login(front_desk)
    response = client.post(URL, booking(course, weeks="6"))
    assert response.status_code == 200
    assert message in page_text(response)
    assert not Visit.objects.exists()


def test_it_refuses_a_time_already_past(client, front_desk, course):
    client.force_login(front_desk)
    for fields, message in [
        ({"date": "2026-03-09"}, "This date has passed: choose today or a later date."),
        ({"date": str(TODAY), "start_time": "11:30"}, "This time has passed: choose a later time."),
    ]:
        response = client.post(URL, booking(course, **fields))
        assert message in page_text(response)
    assert not Visit.objects.exists()


# Bad input ------------------------------------------------------------------------------


SERIES_MESSAGE = "A weekly series is from 1 to 52 weeks."


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("weeks", "0", SERIES_MESSAGE),
        ("weeks", "200", SERIES_MESSAGE),
        ("weeks", "53", SERIES_MESSAGE),
        *[("weeks", value, SERIES_MESSAGE) for value in HOSTILE],
        *[
            ("course", value, "This course was not found: find the patient again.")
            for value in [*HOSTILE, "99999", "0"]
        ],
        ("course", "", "Choose the patient's course: find the patient first."),
        *[
            ("physiotherapist", value, "Choose a physiotherapist from the list.")
            for value in [*HOSTILE, "99999"]
        ],
        ("physiotherapist", "", "This field is required."),
        *[("date", value, "Enter a valid date.") for value in [*HOSTILE, "2024-13-45"]],
        ("date", "9999-12-31", "Book within the next two years."),
        ("date", "", "This field is required."),
        *[("start_time", value, "Enter a valid time.") for value in [*HOSTILE, "24:00"]],
        *[
            ("duration_minutes", value, "A visit lasts from 5 to 240 minutes.")
            for value in ["0", "4", "241", "-1"]
        ],
        *[("duration_minutes", value, "Enter a whole number.") for value in ["abc", HUGE]],
        ("duration_minutes", "", "This field is required."),
    ],
)
def test_it_says_what_is_wrong_and_saves_nothing(client, front_desk, course, field, value, message):
    client.force_login(front_desk)
    response = client.post(URL, booking(course, **{field: value}))
    assert response.status_code == 200
    html = page_text(response)
    assert "Nothing was saved." in html
    assert message in html
    assert "<script>alert" not in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    "field", ["course", "physiotherapist", "date", "start_time", "duration_minutes", "weeks", "q"]
)
def test_a_null_character_saves_nothing(client, front_desk, course, field):
    client.force_login(front_desk)
    response = client.post(URL, booking(course, **{field: "1\x00"}))
    if field == "q":  # only the search to show again: the booking itself is fine
        assert response.status_code == 302
        assert Visit.objects.count() == 1
    else:
        assert response.status_code == 200
        assert "Nothing was saved." in page_text(response)
        assert not Visit.objects.exists()


def test_a_search_too_long_is_cut_short_not_refused(client, front_desk, course):
    client.force_login(front_desk)
    response = client.post(URL, booking(course, q="x" * 10_000), follow=True)
    assert messages_of(response) == [f"Visit booked: {Visit.objects.get()}."]


def test_a_missing_field_is_required_not_an_error_page(client, front_desk, course):
    client.force_login(front_desk)
    response = client.post(URL, {})
    assert response.status_code == 200
    assert "Choose the patient's course: find the patient first." in page_text(response)
    assert not Visit.objects.exists()


def test_it_lets_the_service_refuse_an_archived_patients_course(client, front_desk, course):
    """Any course id may be posted; the service decides, so an archived patient's says why."""
    course.patient.archive()
    client.force_login(front_desk)
    response = client.post(URL, booking(course, q=""))
    html = page_text(response)
    assert "This patient's record is archived. Restore it before booking." in html
    assert radios(html) == [(str(course.pk), True)]
    assert 'Marguerite Okafor <span class="badge text-bg-secondary">Archived</span>' in html


# A weekly series ------------------------------------------------------------------------


def test_it_books_a_weekly_series_and_shows_each_week(client, front_desk, course):
    client.force_login(front_desk)
    response = client.post(URL, booking(course, weeks="4"), follow=True)
    visits = list(Visit.objects.order_by("date"))
    assert [s.date for s in visits] == [MONDAY + timedelta(weeks=n) for n in range(4)]
    assert response.redirect_chain[0][0].startswith("/treatments/book/series/")
    assert messages_of(response) == ["Booked 4 of 4 weeks for Marguerite Okafor."]
    html = page_text(response)
    assert "4 of 4 weeks booked with Priya Physio." in html
    for visit in visits:
        assert f'href="{visit.get_absolute_url()}">Booked: {visit.date:%A} ' in html
    assert "Accept" not in html


def test_it_books_the_weeks_the_course_still_expects_when_none_are_given(
    client, front_desk, course
):
    client.force_login(front_desk)
    client.post(URL, booking(course, weeks=""))
    assert Visit.objects.count() == 3  # a short course: up to 3 visits


def series_with_a_clash(client, course):
    """Book 6 weeks while the physiotherapist is busy at 10:00 in week 4."""
    other = make_visit(
        make_course(physiotherapist=course.physiotherapist), MONDAY + timedelta(weeks=3)
    )
    response = client.post(URL, booking(course, weeks="6"), follow=True)
    return other, response


def test_it_shows_the_week_that_clashes_with_the_time_offered(client, front_desk, course):
    client.force_login(front_desk)
    _, response = series_with_a_clash(client, course)
    assert messages_of(response) == ["Booked 5 of 6 weeks for Marguerite Okafor."]
    html = page_text(response)
    assert "5 of 6 weeks booked with Priya Physio." in html
    assert "Not booked</span> Priya Physio already has a visit on Monday 6 April 2026 " in html
    assert 'Accept Monday 6 April 2026 at 09:30<span class="visually-hidden"> for week 4' in html
    assert Visit.objects.filter(course=course).count() == 5


def test_accepting_the_time_offered_books_it_and_returns_to_the_series(client, front_desk, course):
    client.force_login(front_desk)
    _, response = series_with_a_clash(client, course)
    results = response.redirect_chain[-1][0]
    response = client.post(f"{results}accept/", {"week": "4"}, follow=True)
    assert response.redirect_chain == [(results, 302)]
    accepted = Visit.objects.get(course=course, date=MONDAY + timedelta(weeks=3))
    assert accepted.start_time == time(9, 30)
    assert messages_of(response) == [f"Visit booked: {accepted}."]
    html = page_text(response)
    assert f'href="{accepted.get_absolute_url()}">Booked: Monday 6 April 2026 at 09:30' in html
    assert "Accept" not in html
    assert Visit.objects.filter(course=course).count() == 6

    # Accepting again books nothing more.
    response = client.post(f"{results}accept/", {"week": "4"}, follow=True)
    assert messages_of(response) == ["There is no time to accept for that week."]
    assert Visit.objects.filter(course=course).count() == 6


def test_it_offers_another_time_when_the_one_offered_was_taken_meanwhile(
    client, front_desk, course
):
    client.force_login(front_desk)
    _, response = series_with_a_clash(client, course)
    results = response.redirect_chain[-1][0]
    make_visit(make_course(physiotherapist=course.physiotherapist), MONDAY + timedelta(weeks=3),
                 at=time(9, 30))  # fmt: skip
    response = client.post(f"{results}accept/", {"week": "4"}, follow=True)
    assert messages_of(response)[0].startswith(
        "Week 4 was not booked: Priya Physio already has a visit on Monday 6 April 2026 from "
        "09:30 to 10:00."
    )
    assert Visit.objects.filter(course=course).count() == 5
    assert "Accept Monday 6 April 2026 at 09:00" in page_text(response)


@pytest.mark.parametrize("week", ["1", "0", "7", "", "abc", HUGE, "<script>"])
def test_it_accepts_nothing_for_a_week_without_a_time_offered(client, front_desk, course, week):
    client.force_login(front_desk)
    _, response = series_with_a_clash(client, course)
    results = response.redirect_chain[-1][0]
    response = client.post(f"{results}accept/", {"week": week}, follow=True)
    assert response.redirect_chain == [(results, 302)]
    assert messages_of(response) == ["There is no time to accept for that week."]
    assert Visit.objects.filter(course=course).count() == 5


@pytest.mark.parametrize("key", ["unknown", "x" * 5000, "%3Cscript%3E"])
def test_results_no_longer_kept_lead_to_the_calendar(client, front_desk, key):
    client.force_login(front_desk)
    for response in [
        client.get(f"/treatments/book/series/{key}/", follow=True),
        client.post(f"/treatments/book/series/{key}/accept/", {"week": "1"}, follow=True),
    ]:
        assert response.redirect_chain[-1][0] == reverse("treatments:calendar")
        assert "no longer kept here" in messages_of(response)[0]


def test_a_series_is_shown_only_to_whoever_booked_it(client, front_desk, course):
    client.force_login(front_desk)
    _, response = series_with_a_clash(client, course)
    results = response.redirect_chain[-1][0]
    client.force_login(course.physiotherapist)
    response = client.get(results, follow=True)
    assert response.redirect_chain[-1][0] == reverse("treatments:calendar")
    response = client.post(f"{results}accept/", {"week": "4"})
    assert Visit.objects.filter(course=course).count() == 5


def test_accepting_needs_a_post(client, front_desk, course):
    client.force_login(front_desk)
    _, response = series_with_a_clash(client, course)
    results = response.redirect_chain[-1][0]
    assert client.get(f"{results}accept/").status_code == 405
    assert Visit.objects.filter(course=course).count() == 5


def test_the_series_pages_are_for_staff_who_book(client, request, front_desk, course):
    client.force_login(front_desk)
    _, response = series_with_a_clash(client, course)
    results = response.redirect_chain[-1][0]
    client.logout()
    for response in [client.get(results), client.post(f"{results}accept/", {"week": "4"})]:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    for person in ["clinic_admin", "outsider"]:
        client.force_login(request.getfixturevalue(person))
        assert client.get(results).status_code == 403
        assert client.post(f"{results}accept/", {"week": "4"}).status_code == 403
    assert Visit.objects.filter(course=course).count() == 5


def test_it_keeps_only_the_latest_series(client, front_desk, physiotherapist):
    client.force_login(front_desk)
    pages = []
    for n in range(6):
        course = make_course(physiotherapist=physiotherapist)
        start = (MONDAY + timedelta(days=n % 5)).isoformat()
        response = client.post(
            URL, booking(course, weeks="2", date=start, start_time=f"{9 + n}:00")
        )
        pages.append(response["Location"])
    assert client.get(pages[0]).status_code == 302  # the oldest was let go
    assert all(client.get(page).status_code == 200 for page in pages[1:])
