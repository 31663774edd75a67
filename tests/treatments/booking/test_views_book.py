"""The one booking page: finding the patient, one visit of any type or a weekly series, from a
calendar slot, a course or a patient, and the times offered instead of those refused."""

import re
from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from tests.factories import (
    IMS_TREATMENT,
    INITIAL_ASSESSMENT,
    TODAY,
    make_course,
    make_patient,
    make_physiotherapist,
    make_visit,
    visit_type,
)
from tests.treatments.helpers import page_text
from treatments.models import DayOff, TreatmentCourse, Visit, VisitType

pytestmark = pytest.mark.django_db
URL = reverse("treatments:book")
MONDAY = date(2026, 3, 16)  # next Monday; the clock says Tuesday 10 March, noon
RE_ASSESSMENT = "Re-assessment"
FOLLOW_UP = "Follow-up without needling"
HUGE = "9" * 10_000
HOSTILE = ["abc", "-1", HUGE, "9" * 30, "<script>alert(1)</script>", "1e3", "1.5"]
NOTHING_SAVED = "Nothing was saved. Please correct what is marked below."
NEEDS_A_COURSE = (
    "An IMS treatment is part of a course: choose the patient's course, or open one first."
)


@pytest.fixture
def course(physiotherapist):
    patient = make_patient(
        legal_first_name="Marguerite", legal_last_name="Okafor", phone="604-555-0142",
        date_of_birth=date(1971, 4, 2), primary_concern="Sciatica",
    )  # fmt: skip
    return make_course(patient, physiotherapist, region="Left buttock", started_on=date(2026, 2, 2))


def choice(patient, course=None) -> str:
    """What the patient radio posts: the patient, and their course if one is chosen."""
    return f"{patient.pk}-{course.pk}" if course else str(patient.pk)


def booking(course: TreatmentCourse, *, kind=IMS_TREATMENT, in_course=True, **fields) -> dict:
    data = {
        "patient": choice(course.patient, course if in_course else None),
        "visit_type": str(visit_type(kind).pk), "physiotherapist": str(course.physiotherapist_id),
        "date": str(MONDAY), "start_time": "10:00", "weeks": "1", "q": "Okafor",
    }  # fmt: skip
    return {**data, **fields}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def radios(html: str) -> list[tuple[str, bool]]:
    """The patient and course options: what each posts, and whether it is chosen."""
    radio = r'type="radio" name="patient" id="patient-[\d-]+" value="([\d-]+)"( checked)?'
    found = re.findall(radio, html)
    return [(value, bool(checked)) for value, checked in found]


def type_options(html: str) -> list[tuple[str, bool]]:
    """The visit types offered: each one's label, and whether it is chosen."""
    select = re.search(r'<select name="visit_type".*?</select>', html, re.S).group()
    return [
        (label, bool(chosen))
        for chosen, label in re.findall(r'<option value="\d+"( selected)?>([^<]+)</option>', select)
    ]


def chosen_physiotherapist(html: str) -> str:
    select = re.search(r'<select name="physiotherapist".*?</select>', html, re.S).group()
    return re.search(r"<option [^>]*selected>([^<]+)</option>", select).group(1)


def alternative_buttons(response) -> list[tuple[str, dict]]:
    """Each time offered instead: its button's words, and what it posts."""
    forms = re.findall(r'<form method="post" action="/treatments/book/">(.*?)</form>',
                       response.content.decode(), re.S)  # fmt: skip
    buttons = []
    for form in forms:
        label = re.search(r"<button[^>]*>([^<]+)</button>", form).group(1)
        if label == "Book":
            continue  # the booking form itself
        posted = dict(re.findall(r'name="(\w+)" value="([^"]*)"', form))
        del posted["csrfmiddlewaretoken"]
        buttons.append((label, posted))
    return buttons


# Who may book ---------------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_shows_the_page_to_staff_who_book(client, request, course, person):
    client.force_login(request.getfixturevalue(person))
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Find the patient above, then choose here." in html
    assert type_options(html) == [
        ("Initial assessment, 60 minutes", True), ("IMS treatment, 30 minutes", False),
        ("Re-assessment, 45 minutes", False), ("Follow-up without needling, 30 minutes", False),
    ]  # fmt: skip


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


# From a calendar slot -------------------------------------------------------------------


def test_it_fills_in_the_slot_from_the_calendar(client, physiotherapist, front_desk):
    client.force_login(front_desk)
    response = client.get(
        URL, {"physiotherapist": physiotherapist.pk, "date": MONDAY, "time": "10:00"}
    )
    assert response.status_code == 200
    html = page_text(response)
    assert "Monday 16 March 2026 at 10:00 with Priya Physio." in html
    assert "Free for 480 minutes from then:" in html
    assert chosen_physiotherapist(html) == "Priya Physio"
    assert 'name="date" value="2026-03-16"' in html
    assert 'name="start_time" value="10:00"' in html
    # A new search keeps the slot.
    assert f'<input type="hidden" name="physiotherapist" value="{physiotherapist.pk}">' in html
    assert '<input type="hidden" name="date" value="2026-03-16">' in html
    assert '<input type="hidden" name="time" value="10:00">' in html


def test_it_offers_only_the_types_that_fit_in_the_free_time_at_the_slot(
    client, physiotherapist, front_desk
):
    make_visit(make_course(physiotherapist=physiotherapist), MONDAY, time(10, 45))
    client.force_login(front_desk)
    html = page_text(
        client.get(URL, {"physiotherapist": physiotherapist.pk, "date": MONDAY, "time": "10:00"})
    )
    assert (
        "Free for 45 minutes from then: IMS treatment (30 min), Re-assessment (45 min), "
        "Follow-up without needling (30 min) fit." in html
    )
    # The 60-minute assessment does not fit before 10:45.
    assert type_options(html) == [
        ("IMS treatment, 30 minutes", True), ("Re-assessment, 45 minutes", False),
        ("Follow-up without needling, 30 minutes", False),
    ]  # fmt: skip


def test_it_offers_the_types_that_fit_before_closing(client, physiotherapist, front_desk):
    client.force_login(front_desk)
    html = page_text(
        client.get(URL, {"physiotherapist": physiotherapist.pk, "date": MONDAY, "time": "17:15"})
    )
    assert "Free for 45 minutes from then:" in html
    assert [label for label, _ in type_options(html)] == [
        "IMS treatment, 30 minutes", "Re-assessment, 45 minutes",
        "Follow-up without needling, 30 minutes",
    ]  # fmt: skip


def test_it_says_when_no_type_fits_at_the_slot(client, physiotherapist, front_desk):
    make_visit(make_course(physiotherapist=physiotherapist), MONDAY, time(10, 15))
    client.force_login(front_desk)
    for at, said in [("10:00", " (15 minutes)"), ("10:15", "")]:
        html = page_text(
            client.get(URL, {"physiotherapist": physiotherapist.pk, "date": MONDAY, "time": at})
        )
        assert f"No visit type fits in the free time from then{said}." in html


@pytest.mark.parametrize(
    "param, value, message",
    [
        *[("date", value, "Date: Enter a valid date.") for value in HOSTILE],
        ("date", "2024-13-45", "Date: Enter a valid date."),
        ("date", "9999-12-31", "Date: Choose a date within 10 years of today."),
        ("date", "2026-03-09", "Start time: This time has passed: choose a later time."),
        ("date", "2030-01-07", "Date: Book within the next two years."),
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
    assert "The time from the link cannot be booked as it is." in html
    assert html.count(message) == 1
    assert "Free for" not in html
    assert "<script>alert" not in response.content.decode()


@pytest.mark.parametrize("param", ["physiotherapist", "date", "time"])
def test_it_refuses_a_null_character_in_the_slot(client, physiotherapist, front_desk, param):
    client.force_login(front_desk)
    slot = {"physiotherapist": physiotherapist.pk, "date": MONDAY, "time": "10:00", param: "1\x00"}
    response = client.get(URL, slot)
    assert response.status_code == 400
    assert "The time from the link cannot be booked as it is." in page_text(response)


def test_it_refuses_a_time_already_past_today(client, physiotherapist, front_desk):
    client.force_login(front_desk)
    response = client.get(
        URL, {"physiotherapist": physiotherapist.pk, "date": TODAY, "time": "11:30"}
    )
    assert response.status_code == 400
    html = page_text(response)
    assert "This time has passed: choose a later time." in html
    assert "Free for" not in html


def test_it_refuses_a_colleague_who_is_not_a_physiotherapist(client, physiotherapist, front_desk):
    client.force_login(physiotherapist)
    response = client.get(URL, {"physiotherapist": front_desk.pk, "date": MONDAY, "time": "10:00"})
    assert response.status_code == 400
    assert "Choose a physiotherapist from the list." in page_text(response)


# From a course or a patient -------------------------------------------------------------


def test_from_a_course_it_chooses_the_patient_the_course_and_an_ims_treatment(
    client, front_desk, course
):
    other = make_physiotherapist(first_name="Aaron", last_name="Adams")
    make_course(course.patient, other)
    client.force_login(front_desk)
    response = client.get(URL, {"course": course.pk})
    assert response.status_code == 200
    html = page_text(response)
    assert "Marguerite Okafor" in html
    assert (choice(course.patient, course), True) in radios(html)
    assert sum(checked for _, checked in radios(html)) == 1
    assert ("IMS treatment, 30 minutes", True) in type_options(html)
    assert chosen_physiotherapist(html) == "Priya Physio"


def test_from_a_calendar_slot_and_a_course_the_slot_keeps_its_physiotherapist(
    client, front_desk, course
):
    other = make_physiotherapist(first_name="Aaron", last_name="Adams")
    client.force_login(front_desk)
    slot = {"physiotherapist": other.pk, "date": MONDAY, "time": "09:00"}
    html = page_text(client.get(URL, {"course": course.pk, **slot}))
    assert chosen_physiotherapist(html) == "Aaron Adams"
    assert (choice(course.patient, course), True) in radios(html)
    assert '<input type="hidden" name="course" value="' in html  # a new search keeps it


def test_from_a_patient_it_chooses_them_without_a_course_and_an_assessment(
    client, front_desk, patient
):
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"patient": patient.pk}))
    assert radios(html) == [(choice(patient), True)]
    assert "Not in a course: an assessment or a follow-up without needling" in html
    assert ("Initial assessment, 60 minutes", True) in type_options(html)


@pytest.mark.parametrize("value", ["abc", "99999", "-1", HUGE, "<script>", "1\x00", "", "²"])
@pytest.mark.parametrize("param", ["course", "patient"])
def test_a_link_to_a_course_or_patient_that_does_not_exist_chooses_no_one(
    client, front_desk, course, param, value
):
    client.force_login(front_desk)
    response = client.get(URL, {param: value})
    assert response.status_code == 200
    html = response.content.decode()
    assert radios(html) == []
    assert "Find the patient above, then choose here." in html
    assert "<script>" not in html.split("<main", 1)[1]


# Finding the patient --------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["okaf", "Margu", "555-0142", "6045550142", "1971-04-02"])
def test_it_finds_the_patient_by_part_of_the_name_phone_or_birth_date(
    client, front_desk, course, typed
):
    client.force_login(front_desk)
    response = client.get(URL, {"q": typed})
    assert response.status_code == 200
    html = page_text(response)
    assert "Marguerite Okafor" in html
    assert "Born 2 April 1971 · 604-555-0142" in html
    assert "In the course with Priya Physio, started 2 February 2026" in html


def test_it_shows_no_clinical_detail(client, front_desk, course):
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"q": "Okafor"}))
    assert "Left buttock" not in html and "Sciatica" not in html
    assert course.goals not in html


def test_it_chooses_the_only_course_found_and_says_how_many_treatments_it_still_expects(
    client, front_desk, course
):
    make_visit(course, TODAY - timedelta(days=7), status="attended")
    make_visit(course, TODAY - timedelta(days=3), kind=INITIAL_ASSESSMENT, status="attended")
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"q": "Okafor"}))
    assert radios(html) == [(choice(course.patient, course), True), (choice(course.patient), False)]
    # A short course expects 2-3 IMS treatments; one is done (the assessment does not count).
    assert "(2 more IMS treatments expected)" in html


def test_it_chooses_a_patient_found_without_a_course_as_not_in_a_course(
    client, front_desk, patient
):
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"q": "Lopez"}))
    assert radios(html) == [(choice(patient), True)]


def test_it_lists_active_patients_with_their_active_courses(
    client, front_desk, physiotherapist, course
):
    second = make_course(
        course.patient, make_physiotherapist(first_name="Aaron", last_name="Adams")
    )
    ended = make_course(course.patient, physiotherapist, status="completed", ended_on=TODAY)
    archived = make_patient(legal_first_name="Marguerite", legal_last_name="Archived")
    make_course(archived, physiotherapist)
    archived.archive()
    without = make_patient(legal_first_name="Marguerite", legal_last_name="Nocourse")
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"q": "Marguerite"}))
    assert "Archived" not in html
    assert sorted(radios(html)) == sorted([
        (choice(course.patient, course), False), (choice(course.patient, second), False),
        (choice(course.patient), False), (choice(without), False),
    ])  # fmt: skip
    assert choice(course.patient, ended) not in html
    assert "In the course with Aaron Adams" in html
    assert "2 patients matching <strong>Marguerite</strong>." in html


def test_it_says_when_no_patient_matches(client, front_desk, course):
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"q": "Zyxwv"}))
    assert "No active patient matches <strong>Zyxwv</strong>." in html


def test_it_asks_for_more_of_the_name_when_many_match(client, front_desk, physiotherapist):
    for n in range(12):
        make_course(
            make_patient(legal_first_name="Sam", legal_last_name=f"Lee{n}"), physiotherapist
        )
    client.force_login(front_desk)
    html = page_text(client.get(URL, {"q": "Lee"}))
    assert html.count('<li class="card mb-2">') == 10
    assert "More match: type more of the name." in html


@pytest.mark.parametrize("typed", ["x" * 101, HUGE])
def test_it_refuses_a_search_that_is_too_long(client, front_desk, course, typed):
    client.force_login(front_desk)
    response = client.get(URL, {"q": typed})
    assert response.status_code == 400
    assert page_text(response).count("Please search with 100 characters or fewer.") == 1


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


# Booking one visit ----------------------------------------------------------------------


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk"])
def test_it_books_an_ims_treatment_in_the_course_and_shows_it_on_the_calendar(
    client, request, course, person
):
    client.force_login(request.getfixturevalue(person))
    response = client.post(URL, booking(course), follow=True)
    visit = Visit.objects.get()
    calendar = reverse("treatments:calendar")
    query = f"?physiotherapist={course.physiotherapist_id}&week=2026-03-16&day=2026-03-16"
    assert response.redirect_chain == [(calendar + query, 302)]
    assert (visit.date, visit.start_time, visit.status) == (MONDAY, time(10), "booked")
    assert (visit.course, visit.visit_type.name) == (course, IMS_TREATMENT)
    assert (visit.duration_minutes, visit.is_needling) == (30, True)
    assert messages_of(response) == [f"Visit booked: {visit}."]
    assert visit.get_absolute_url() in response.content.decode()


@pytest.mark.parametrize(
    "kind, minutes", [(INITIAL_ASSESSMENT, 60), (FOLLOW_UP, 30), (RE_ASSESSMENT, 45)]
)
def test_it_books_a_patient_without_a_course_a_visit_without_needling(
    client, front_desk, physiotherapist, patient, kind, minutes
):
    client.force_login(front_desk)
    data = {"patient": choice(patient), "visit_type": visit_type(kind).pk,
            "physiotherapist": physiotherapist.pk, "date": MONDAY,
            "start_time": "09:00"}  # fmt: skip
    response = client.post(URL, data, follow=True)
    visit = Visit.objects.get()
    assert (visit.patient, visit.course, visit.visit_type.name) == (patient, None, kind)
    assert (visit.duration_minutes, visit.is_needling) == (minutes, False)
    assert messages_of(response) == [f"Visit booked: {visit}."]


def test_it_refuses_an_ims_treatment_without_a_course_with_the_models_message(
    client, front_desk, course
):
    client.force_login(front_desk)
    response = client.post(URL, booking(course, in_course=False))
    assert response.status_code == 200
    html = page_text(response)
    assert html.count(NEEDS_A_COURSE) == 1
    assert html.count(NOTHING_SAVED) == 1
    # Another time would be refused alike: none is offered.
    assert alternative_buttons(response) == []
    assert not Visit.objects.exists()


def test_a_visit_without_needling_does_not_count_for_the_weekly_rule(client, front_desk, course):
    make_visit(course, MONDAY - timedelta(days=3), time(9))
    client.force_login(front_desk)
    client.post(URL, booking(course, kind=RE_ASSESSMENT))
    assert Visit.objects.filter(visit_type__name=RE_ASSESSMENT, date=MONDAY).exists()


def test_it_warns_when_the_physiotherapists_needling_authorization_will_have_expired(
    client, front_desk, course
):
    expiring = make_physiotherapist(first_name="Noor", last_name="Expiring",
                                    authorized_until=MONDAY - timedelta(days=1))  # fmt: skip
    client.force_login(front_desk)
    response = client.post(URL, booking(course, physiotherapist=expiring.pk), follow=True)
    visit = Visit.objects.get()
    warning = (
        "Noor Expiring's needling authorization will have expired by Monday 16 March 2026. "
        "Renew it before this IMS treatment, or it cannot be charted."
    )
    assert messages_of(response) == [f"Visit booked: {visit}.", warning]
    html = page_text(response)
    assert f'<div class="alert alert-warning" role="status">{warning}</div>' in html


def test_it_gives_no_authorization_warning_for_a_visit_without_needling(client, front_desk, course):
    expiring = make_physiotherapist(authorized_until=MONDAY - timedelta(days=1))
    client.force_login(front_desk)
    data = booking(course, kind=FOLLOW_UP, physiotherapist=expiring.pk)
    response = client.post(URL, data, follow=True)
    assert messages_of(response) == [f"Visit booked: {Visit.objects.get()}."]


# Refusals: the message once, and times offered instead ----------------------------------


def test_it_shows_the_refusal_once_and_books_a_time_offered_in_one_click(
    client, front_desk, course
):
    last = make_visit(course, MONDAY - timedelta(days=6), at=time(9, 0))
    client.force_login(front_desk)
    response = client.post(URL, booking(course))
    assert response.status_code == 200
    html = page_text(response)
    refusal = (
        "IMS is given at most once a week. Marguerite Okafor already has an IMS treatment "
        "booked on Tuesday 10 March 2026 at 09:00 (6 days apart)."
    )
    assert html.count(refusal) == 1
    assert html.count(NOTHING_SAVED) == 1
    # Only dates that can still be booked: the week before has passed.
    assert "The next allowed date is Tuesday 17 March 2026 or later." in html
    assert "or earlier" not in html
    buttons = alternative_buttons(response)
    assert [label for label, _ in buttons] == [
        "Book Tuesday 17 March 2026 at 08:00", "Book Tuesday 17 March 2026 at 08:15",
        "Book Tuesday 17 March 2026 at 08:30",
    ]  # fmt: skip
    assert buttons[0][1] == {
        "patient": choice(course.patient, course),
        "physiotherapist": str(course.physiotherapist_id), "visit_type": str(visit_type().pk),
        "weeks": "1", "q": "Okafor", "date": "2026-03-17", "start_time": "08:00",
    }  # fmt: skip
    assert (choice(course.patient, course), True) in radios(html)
    assert list(Visit.objects.all()) == [last]

    response = client.post(URL, buttons[0][1], follow=True)
    booked = Visit.objects.exclude(pk=last.pk).get()
    assert (booked.date, booked.start_time, booked.course) == (date(2026, 3, 17), time(8), course)
    assert messages_of(response) == [f"Visit booked: {booked}."]


def test_a_time_offered_for_a_clash_is_free_for_the_type_asked_for(client, front_desk, course):
    make_visit(make_course(physiotherapist=course.physiotherapist), MONDAY, time(10, 30),
               kind=INITIAL_ASSESSMENT, patient=make_patient())  # fmt: skip
    client.force_login(front_desk)
    response = client.post(URL, booking(course, kind=INITIAL_ASSESSMENT, in_course=False))
    html = page_text(response)
    assert html.count("Priya Physio already has a visit on Monday 16 March 2026 from 10:30 to "
                      "11:30.") == 1  # fmt: skip
    # An hour is free up to 10:30, from 09:30 or earlier; 11:30 is further away than these.
    labels = [label for label, _ in alternative_buttons(response)]
    assert labels == ["Book Monday 16 March 2026 at 09:30", "Book Monday 16 March 2026 at 09:15",
                      "Book Monday 16 March 2026 at 09:00"]  # fmt: skip
    client.post(URL, alternative_buttons(response)[0][1])
    booked = Visit.objects.get(patient=course.patient)
    assert (booked.start_time, booked.duration_minutes) == (time(9, 30), 60)


@pytest.mark.parametrize(
    "arrange, fields, message",
    [
        (lambda course: course.patient.archive(), {},
         "This patient's record is archived. Restore it before booking."),
        (lambda course: DayOff.objects.create(physiotherapist=course.physiotherapist, date=MONDAY),
         {}, "Priya Physio is off on Monday 16 March 2026."),
        (lambda course: None, {"start_time": "07:30"},
         "The clinic is open 08:00-18:00 on Monday."),
        (lambda course: None, {"start_time": "17:45"},
         "The clinic is open 08:00-18:00 on Monday."),
        (lambda course: None, {"start_time": "17:30", "visit_type": "assessment"},
         "The clinic is open 08:00-18:00 on Monday."),
        (lambda course: None, {"date": "2026-03-21"}, "The clinic is closed on Saturday."),
        (lambda course: None, {"date": "2026-03-09"}, "This time has passed: choose a later time."),
        (lambda course: None, {"date": str(TODAY), "start_time": "11:30"},
         "This time has passed: choose a later time."),
        (lambda course: None, {"date": "2030-01-07"}, "Book within the next two years."),
        (lambda course: make_visit(make_course(physiotherapist=course.physiotherapist), MONDAY,
                                   at=time(9, 45)),
         {}, "Priya Physio already has a visit on Monday 16 March 2026 from 09:45 to 10:15."),
        (lambda course: make_visit(course, MONDAY - timedelta(days=6)), {},
         "IMS is given at most once a week."),
        (lambda course: TreatmentCourse.objects.filter(pk=course.pk).update(
            status="completed", ended_on=TODAY), {},
         "This course has ended. Open a new course to book more visits."),
    ],
)  # fmt: skip
def test_it_shows_why_the_service_refused_once_and_saves_nothing(
    client, front_desk, course, arrange, fields, message
):
    arrange(course)
    if fields.get("visit_type") == "assessment":
        fields["visit_type"] = visit_type(INITIAL_ASSESSMENT).pk
    before = set(Visit.objects.values_list("pk", flat=True))
    client.force_login(front_desk)
    response = client.post(URL, booking(course, **fields))
    assert response.status_code == 200
    html = page_text(response)
    assert html.count(NOTHING_SAVED) == 1
    assert html.count(message) == 1
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
    assert page_text(response).count(message) == 1
    assert not Visit.objects.exists()


def test_it_lets_the_service_refuse_an_archived_patients_course(client, front_desk, course):
    """Any course of the patient may be posted; the service decides, and says why."""
    course.patient.archive()
    client.force_login(front_desk)
    response = client.post(URL, booking(course, q=""))
    html = page_text(response)
    assert "This patient's record is archived. Restore it before booking." in html
    assert (choice(course.patient, course), True) in radios(html)
    assert 'Marguerite Okafor <span class="badge text-bg-secondary">Archived</span>' in html
    assert alternative_buttons(response) == []


# Weekly series --------------------------------------------------------------------------


def test_an_empty_weeks_books_the_ims_treatments_the_course_still_expects(
    client, front_desk, course
):
    make_visit(course, TODAY - timedelta(days=7), status="attended")
    client.force_login(front_desk)
    response = client.post(URL, booking(course, weeks=""), follow=True)
    # A short course expects 2-3 IMS treatments; one is done.
    assert [v.date for v in Visit.objects.booked()] == [MONDAY, MONDAY + timedelta(weeks=1)]
    assert response.redirect_chain[0][0].startswith("/treatments/book/series/")
    assert "2 of 2 weeks booked with Priya Physio: IMS treatment." in page_text(response)


@pytest.mark.parametrize("in_course", [True, False])
def test_an_empty_weeks_books_one_visit_without_needling(client, front_desk, course, in_course):
    client.force_login(front_desk)
    client.post(URL, booking(course, kind=FOLLOW_UP, in_course=in_course, weeks=""))
    assert Visit.objects.count() == 1


# Bad and hostile input ------------------------------------------------------------------

PATIENT_NOT_FOUND = "This patient was not found: find them again."
COURSE_NOT_FOUND = "This course was not found: find the patient again."
TYPE_NOT_LISTED = "Choose a visit type from the list."
PHYSIOTHERAPIST_NOT_LISTED = "Choose a physiotherapist from the list."
REQUIRED = "This field is required."
SERIES_WEEKS = "A weekly series is from 1 to 52 weeks."
BAD_INPUT = [
    ("patient", "", "Choose the patient: find them first."),
    *[("patient", value, PATIENT_NOT_FOUND) for value in [
        *HOSTILE, "1-99999999999999999999", "99999999999999999999", "999999999999999999",
        "{patient}-", "-{course}", "{patient}-{course}-1", "{patient}-abc", "{patient}--{course}",
    ]],
    ("patient", "{patient}-{other_course}", COURSE_NOT_FOUND),
    ("patient", "{patient}-999999999999999999", COURSE_NOT_FOUND),
    ("patient", "{other_patient}-{course}", COURSE_NOT_FOUND),
    ("visit_type", "", REQUIRED),
    *[("visit_type", value, TYPE_NOT_LISTED) for value in [*HOSTILE, "99999", "{retired}"]],
    ("physiotherapist", "", REQUIRED),
    *[("physiotherapist", value, PHYSIOTHERAPIST_NOT_LISTED)
      for value in [*HOSTILE, "99999", "{front_desk}"]],
    ("date", "", REQUIRED),
    *[("date", value, "Enter a valid date.") for value in [*HOSTILE, "2024-13-45", "2026-02-30"]],
    *[("date", value, "Choose a date within 10 years of today.")
      for value in ["9999-12-31", "0001-01-01", "1950-01-02"]],
    ("start_time", "", REQUIRED),
    *[("start_time", value, "Enter a valid time.") for value in [*HOSTILE, "24:00", "25:99"]],
    *[("weeks", value, SERIES_WEEKS) for value in [*HOSTILE, "0", "53", "200"]],
]  # fmt: skip


@pytest.mark.parametrize("field, value, message", BAD_INPUT)
@pytest.mark.parametrize("person", ["front_desk", "physiotherapist"])
def test_it_says_what_is_wrong_once_and_saves_nothing(
    client, request, course, person, field, value, message
):
    retired = VisitType.objects.create(name="Dry needling", length_minutes=30, is_active=False)
    other_patient = make_patient()
    user = request.getfixturevalue(person)
    value = value.format(
        patient=course.patient.pk, course=course.pk, other_patient=other_patient.pk,
        other_course=make_course(other_patient).pk, retired=retired.pk, front_desk=(
            request.getfixturevalue("front_desk") if person == "physiotherapist" else user
        ).pk,
    )  # fmt: skip
    client.force_login(user)
    response = client.post(URL, booking(course, **{field: value}))
    assert response.status_code == 200
    html = page_text(response)
    assert html.count(NOTHING_SAVED) == 1
    assert html.count(message) == 1
    assert "<script>alert" not in response.content.decode()
    assert not Visit.objects.exists()


@pytest.mark.parametrize(
    "field", ["patient", "visit_type", "physiotherapist", "date", "start_time", "weeks", "q"]
)
def test_a_null_character_saves_nothing(client, front_desk, course, field):
    client.force_login(front_desk)
    response = client.post(URL, booking(course, **{field: "1\x00"}))
    if field == "q":  # only the search to show again: the booking itself is fine
        assert response.status_code == 302
        assert Visit.objects.count() == 1
    else:
        assert response.status_code == 200
        assert page_text(response).count(NOTHING_SAVED) == 1
        assert not Visit.objects.exists()


def test_a_search_too_long_is_cut_short_not_refused(client, front_desk, course):
    client.force_login(front_desk)
    response = client.post(URL, booking(course, q="x" * 10_000), follow=True)
    assert messages_of(response) == [f"Visit booked: {Visit.objects.get()}."]


def test_a_refusal_shows_hostile_search_text_safely(client, front_desk, course):
    client.force_login(front_desk)
    response = client.post(URL, booking(course, q="<script>alert(1)</script>", date=""))
    assert "<script>alert" not in response.content.decode()
    assert 'name="q" value="&lt;script&gt;alert(1)&lt;/script&gt;"' in response.content.decode()


def test_nothing_posted_is_a_form_error_not_an_error_page(client, front_desk, course):
    client.force_login(front_desk)
    response = client.post(URL, {})
    assert response.status_code == 200
    html = page_text(response)
    assert html.count("Choose the patient: find them first.") == 1
    assert html.count(NOTHING_SAVED) == 1
    assert not Visit.objects.exists()


# A fixed number of queries --------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 20])
def test_booking_one_visit_takes_the_same_queries_however_long_the_records(
    client, front_desk, course, django_assert_num_queries, size
):
    """The patient and the physiotherapist have `size` visits of record already."""
    physiotherapist = course.physiotherapist
    for week in range(1, size + 1):
        make_visit(course, MONDAY - timedelta(weeks=week), status="attended")
        make_visit(make_course(make_patient(), physiotherapist), MONDAY,
                   at=time(8 + week // 3, week % 3 * 20), duration_minutes=10)  # fmt: skip
    client.force_login(front_desk)
    data = booking(course, start_time="17:00")
    # Session, user; the patient, course, type and physiotherapist posted; clinic hours,
    # working hours, days off; a savepoint, the patient locked, the physiotherapist locked with
    # their role, the patient's needling visits that week, a clash; the visit, its history and
    # audit entry; the savepoint released; the physiotherapist's authorization for a warning.
    with django_assert_num_queries(19):
        response = client.post(URL, data)
    assert response.status_code == 302
    assert Visit.objects.filter(course=course, status="booked").count() == 1


def test_a_search_that_finds_one_patient_in_one_course_starts_with_an_ims_treatment(
    client, course, front_desk
):
    client.force_login(front_desk)
    response = client.get(URL, {"q": "Okafor"})
    assert response.context["chosen"] == choice(course.patient, course)
    assert response.context["form"]["visit_type"].value() == visit_type(IMS_TREATMENT).pk


def test_a_patient_without_a_course_starts_with_an_initial_assessment(client, front_desk):
    newcomer = make_patient(legal_last_name="Newcomb")
    client.force_login(front_desk)
    response = client.get(URL, {"patient": newcomer.pk})
    assert response.context["form"]["visit_type"].value() == visit_type(INITIAL_ASSESSMENT).pk
