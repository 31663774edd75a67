"""Every URL the site resolves, opened by every role: the answer each must get.

The table is read against the URL resolver, so a new URL without a row here fails the test.
The admin (Django's own, with its own tests) and POST behaviour are covered elsewhere.
"""

from datetime import timedelta

import pytest
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.factories import (
    make_clinic_admin,
    make_consent,
    make_front_desk,
    make_physiotherapist,
    make_session,
    make_user,
    ready_for_needling,
)
from treatments.models import WaitlistEntry

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "front_desk", "physiotherapist", "clinic_admin", "no_role"]

# What each role gets on GET. LOGIN: sent to the sign-in page. Numbers are status codes.
LOGIN = "login"
PUBLIC = dict.fromkeys(ROLES, 200)
BOOKING = {"anonymous": LOGIN, "front_desk": 200, "physiotherapist": 200, "clinic_admin": 403,
           "no_role": 403}  # fmt: skip
CLINICAL = {**BOOKING, "front_desk": 403}
BOOKING_POST_ONLY = {**BOOKING, "front_desk": 405, "physiotherapist": 405}
CLINICAL_POST_ONLY = {**CLINICAL, "physiotherapist": 405}
ADMIN_ONLY = {"anonymous": LOGIN, "front_desk": 403, "physiotherapist": 403, "clinic_admin": 200,
              "no_role": 403}  # fmt: skip

EXPECTED = {
    "login": {**dict.fromkeys(ROLES, 302), "anonymous": 200},
    "logout": dict.fromkeys(ROLES, 405),
    "staff-home": {**dict.fromkeys(ROLES, 302), "anonymous": LOGIN, "no_role": 403},
    "health": PUBLIC,
    "audit-trail": ADMIN_ONLY,
    "audit-trail-csv": ADMIN_ONLY,
    "content:home": PUBLIC,
    "content:page-list": PUBLIC,
    "content:search": PUBLIC,
    "content:page-detail": PUBLIC,
    "patients:patient-list": BOOKING,
    "patients:patient-create": BOOKING,
    "patients:patient-detail": BOOKING,
    "patients:patient-edit": BOOKING,
    "patients:patient-archive": BOOKING_POST_ONLY,
    "patients:patient-restore": BOOKING_POST_ONLY,
    "patients:screening-create": CLINICAL,
    "patients:consent-create": CLINICAL,
    "patients:consent-withdraw": CLINICAL_POST_ONLY,
    "treatments:dashboard": CLINICAL,
    "treatments:course-create": CLINICAL,
    "treatments:course-detail": CLINICAL,
    "treatments:course-edit": CLINICAL,
    "treatments:session-create": BOOKING,
    "treatments:session-detail": BOOKING,
    "treatments:session-move": BOOKING,
    "treatments:session-cancel": BOOKING,
    "treatments:session-restore": BOOKING_POST_ONLY,
    "treatments:session-attended": BOOKING_POST_ONLY,
    "treatments:session-no-show": BOOKING_POST_ONLY,
    "treatments:session-chart": CLINICAL,
    "treatments:chart-sign": CLINICAL_POST_ONLY,
    "treatments:record-print": CLINICAL,
    "treatments:record-json": CLINICAL,
    "treatments:calendar": BOOKING,
    "treatments:book": BOOKING,
    # An unknown series sends the user back to the booking page.
    "treatments:series-results": {**BOOKING, "front_desk": 302, "physiotherapist": 302},
    "treatments:series-accept": BOOKING_POST_ONLY,
    "treatments:due-list": BOOKING,
    "treatments:waitlist": BOOKING,
    "treatments:waitlist-add": BOOKING,
    "treatments:waitlist-resolve": BOOKING_POST_ONLY,
    "treatments:session-ics": BOOKING,
    "treatments:practitioner-feed": dict.fromkeys(ROLES, 200),
    "treatments:calendar-feed": CLINICAL,
    "treatments:calendar-feed-renew": CLINICAL_POST_ONLY,
}


def site_url_names(patterns=None, namespace="") -> set[str]:
    names = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= site_url_names(pattern.url_patterns, inner)
        elif pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_url_of_the_site_has_a_row_in_the_table():
    assert site_url_names() == set(EXPECTED)


@pytest.fixture
def records():
    """One of everything a URL can point at, and the people who will open them."""
    physio = make_physiotherapist()
    course = ready_for_needling(practitioner=physio)
    session = make_session(course, timezone.localdate() - timedelta(days=1))
    consent = make_consent(course.patient, physio)
    entry = WaitlistEntry.objects.create(patient=course.patient)
    token = physio.practitioner.renew_calendar_token()
    kwargs = {
        "patient_pk": course.patient.pk, "course_pk": course.pk,
        "slug": "aftercare", "key": "no-such-series", "token": token,
    }  # fmt: skip
    pks = {
        "patients:consent-withdraw": consent.pk, "treatments:waitlist-resolve": entry.pk,
        "treatments:course-detail": course.pk, "treatments:course-edit": course.pk,
    }  # fmt: skip
    people = {"anonymous": None, "front_desk": make_front_desk(), "physiotherapist": physio,
              "clinic_admin": make_clinic_admin(), "no_role": make_user()}  # fmt: skip
    return {"session": session, "patient": course.patient, "kwargs": kwargs, "pks": pks,
            "people": people}  # fmt: skip


def url_for(name: str, records) -> str:
    """The URL with a real record for whichever argument it takes."""
    pk = records["pks"].get(name)
    if pk is None:
        pk = records["patient"].pk if name.startswith("patients:") else records["session"].pk
    for kwargs in [{key: value} for key, value in records["kwargs"].items()] + [{"pk": pk}, {}]:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"no arguments fit {name}")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_answer(client, records, name):
    url = url_for(name, records)
    outcomes = {}
    for role, person in records["people"].items():
        client.logout()
        if person is not None:
            client.force_login(person)
        response = client.get(url)
        got = response.status_code
        if got == 302 and response["Location"].startswith("/accounts/login/"):
            got = LOGIN
        outcomes[role] = got
    assert outcomes == EXPECTED[name], url
