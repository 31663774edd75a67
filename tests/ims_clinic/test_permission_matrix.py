"""Every URL the site resolves, opened and posted to by every role: the answer each must get.

The tables are read against the URL resolver, so a new URL without a row here fails the test.
A POST carries what the page's form would send to do its job, so a role that is let in gets
the job done (302) and one that is not changes nothing. Then the object-level cases: an id
that does not exist, and another patient's ids slipped into a form. The admin (Django's own,
with its own tests) is left out.
"""

from datetime import time, timedelta

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.urls import NoReverseMatch, URLResolver, get_resolver, reverse

from patients.models import Consent, Patient, Screening
from patients.online import throttle
from patients.online.session import SESSION_KEY as PATIENT_SESSION_KEY
from patients.online.visit_links import make_token
from tests.factories import (
    TODAY,
    chart_visit,
    make_clinic_admin,
    make_consent,
    make_course,
    make_front_desk,
    make_patient,
    make_physiotherapist,
    make_user,
    make_visit,
    ready_for_needling,
    visit_type,
)
from tests.patients.helpers import consent_data, patient_data
from tests.treatments.helpers import chart_data, correction_data
from treatments.booking.services import cancel_visit
from treatments.models import (
    AnswerLink,
    AppointmentRequest,
    Chart,
    ClinicSettings,
    CourseMeasure,
    Instrument,
    NeedledSite,
    PhysiotherapistProfile,
    TreatmentCourse,
    Visit,
    WaitlistEntry,
)
from treatments.outcomes.instruments import definitions
from treatments.outcomes.services import make_link, record_response
from treatments.reports.queries import REPORTS

pytestmark = pytest.mark.django_db
NEXT_MONDAY = "2026-03-16"
# "patient": a patient signed in online (patients/online/session.py), never a staff user.
ROLES = ["anonymous", "front_desk", "physiotherapist", "clinic_admin", "no_role", "patient"]

# What each role gets on GET. LOGIN: sent to the sign-in page; PATIENT_SIGN_IN: to the
# patients' sign-in page. Numbers are status codes.
LOGIN = "login"
PATIENT_SIGN_IN = "patient sign-in"
PUBLIC = dict.fromkeys(ROLES, 200)
BOOKING = {"anonymous": LOGIN, "front_desk": 200, "physiotherapist": 200, "clinic_admin": 403,
           "no_role": 403, "patient": LOGIN}  # fmt: skip
CLINICAL = {**BOOKING, "front_desk": 403}
BOOKING_POST_ONLY = {**BOOKING, "front_desk": 405, "physiotherapist": 405}
CLINICAL_POST_ONLY = {**CLINICAL, "physiotherapist": 405}
NOT_THEIRS = {**BOOKING, "front_desk": 404, "physiotherapist": 404}
ADMIN_ONLY = {"anonymous": LOGIN, "front_desk": 403, "physiotherapist": 403, "clinic_admin": 200,
              "no_role": 403, "patient": LOGIN}  # fmt: skip
PATIENT_ONLY = {**dict.fromkeys(ROLES, PATIENT_SIGN_IN), "patient": 200}
PATIENT_POST_ONLY = {**PATIENT_ONLY, "patient": 405}
RESULTS = {**ADMIN_ONLY, "physiotherapist": 200}

STAFF_SIGN_IN = {**dict.fromkeys(ROLES, 302), "anonymous": 200, "patient": 200}

EXPECTED = {
    "login": STAFF_SIGN_IN,
    "logout": dict.fromkeys(ROLES, 405),
    "staff-home": {
        **dict.fromkeys(ROLES, 302),
        "anonymous": LOGIN,
        "no_role": 403,
        "patient": LOGIN,
    },
    "staff-menu": {
        **dict.fromkeys(ROLES, 200),
        "anonymous": LOGIN,
        "no_role": 403,
        "patient": LOGIN,
    },
    "health": PUBLIC,
    "ready": PUBLIC,
    # The language switcher: a GET changes nothing, and goes back to the page it came from.
    "set_language": dict.fromkeys(ROLES, 302),
    "audit-trail": ADMIN_ONLY,
    "audit-trail-csv": ADMIN_ONLY,
    # Two-step sign-in, not required here: with no device yet there is no code to ask for, but
    # anyone signed in may set one up (tests/ims_clinic/test_two_factor.py has the rest).
    "two-factor-verify": {**dict.fromkeys(ROLES, 302), "anonymous": LOGIN, "patient": LOGIN},
    "two-factor-setup": {**dict.fromkeys(ROLES, 200), "anonymous": LOGIN, "patient": LOGIN},
    "content:home": PUBLIC,
    "content:page-list": PUBLIC,
    "content:search": PUBLIC,
    "content:page-detail": PUBLIC,
    "patients:patient-list": BOOKING,
    "patients:patient-create": BOOKING,
    "patients:patient-detail": BOOKING,
    "patients:patient-edit": BOOKING,
    "patients:patient-archive": BOOKING,  # asks to confirm first
    "patients:patient-restore": BOOKING_POST_ONLY,
    "patients:screening-create": CLINICAL,
    "patients:consent-create": CLINICAL,
    "patients:consent-withdraw": CLINICAL,  # asks to confirm first
    "patients:online-access": BOOKING_POST_ONLY,
    # Patients online: a signed-in patient is sent on to their visits.
    "patients:online-sign-in": {**PUBLIC, "patient": 302},
    "patients:online-link-sent": PUBLIC,
    "patients:online-link": dict.fromkeys(ROLES, 404),  # the records' token is no link of ours
    "patients:online-visits": PATIENT_ONLY,
    "patients:online-visit-ics": PATIENT_ONLY,
    "patients:online-visit-cancel": PATIENT_ONLY,  # asks to confirm first
    "patients:online-intake": PATIENT_ONLY,
    "patients:online-home-plan": PATIENT_ONLY,
    "patients:online-progress": PATIENT_ONLY,
    "patients:online-questionnaires": PATIENT_ONLY,
    "patients:online-questionnaire-answer": PATIENT_ONLY,
    "patients:online-questionnaire-thanks": PATIENT_ONLY,
    "patients:online-record": PATIENT_ONLY,
    "patients:online-record-file": PATIENT_ONLY,
    "patients:online-record-answers": PATIENT_ONLY,
    "patients:online-book": PATIENT_ONLY,  # each step asks, the last one to confirm
    "patients:online-visit-move": PATIENT_ONLY,
    "patients:online-sign-out": PATIENT_POST_ONLY,
    # An emailed visit link: its token is the key, whoever opens it (it signs no one in).
    "patients:online-visit-link": PUBLIC,
    "patients:online-visit-link-ics": PUBLIC,
    "patients:online-visit-link-move": PUBLIC,
    "patients:online-visit-link-cancelled": dict.fromkeys(ROLES, 302),  # booked: to its page
    "treatments:dashboard": CLINICAL,
    "treatments:course-create": CLINICAL,
    "treatments:course-detail": CLINICAL,
    "treatments:course-edit": CLINICAL,
    "treatments:course-measures": CLINICAL,
    "treatments:response-correct": CLINICAL,
    "treatments:discharge-summary": CLINICAL,
    "treatments:visit-detail": BOOKING,
    "treatments:visit-move": BOOKING,
    "treatments:visit-cancel": BOOKING,
    "treatments:visit-restore": BOOKING_POST_ONLY,
    "treatments:visit-attended": BOOKING_POST_ONLY,
    "treatments:visit-no-show": BOOKING,  # asks to confirm first
    "treatments:visit-undo": BOOKING,
    "treatments:visit-chart": CLINICAL,
    "treatments:chart-sign": CLINICAL_POST_ONLY,
    "treatments:record-print": CLINICAL,
    "treatments:record-json": CLINICAL,
    "treatments:calendar": BOOKING,
    "treatments:day-sheet": BOOKING,
    "treatments:day-sheet-check-in": BOOKING_POST_ONLY,
    "treatments:day-sheet-no-show": BOOKING,  # asks to confirm first
    "treatments:book": BOOKING,
    # A series is kept for whoever booked it: to anyone else it does not exist.
    "treatments:series-results": NOT_THEIRS,
    "treatments:series-accept": BOOKING_POST_ONLY,
    "treatments:series-finish": BOOKING_POST_ONLY,
    "treatments:due-list": BOOKING,
    "treatments:waitlist": BOOKING,
    "treatments:waitlist-add": BOOKING,
    "treatments:waitlist-resolve": BOOKING_POST_ONLY,
    "treatments:visit-ics": BOOKING,
    # New patients ask for a first assessment on a public page (here online booking is off,
    # so it says to call); the front desk books or declines each request.
    "treatments:new-patient": PUBLIC,
    "treatments:new-patient-sent": PUBLIC,
    "treatments:appointment-requests": BOOKING,
    "treatments:appointment-request-book": BOOKING,
    "treatments:appointment-request-decline": BOOKING,  # asks for the reason first
    "treatments:physiotherapist-feed": dict.fromkeys(ROLES, 200),
    "treatments:calendar-feed": CLINICAL,
    "treatments:calendar-feed-renew": CLINICAL_POST_ONLY,
    # Answering questionnaires: the patient's page is opened by its token alone.
    "treatments:measure-answer": CLINICAL,
    "treatments:measure-kiosk": BOOKING_POST_ONLY,
    "treatments:measure-email": BOOKING_POST_ONLY,
    "treatments:answer": PUBLIC,
    "treatments:answer-thanks": PUBLIC,
    "treatments:results": RESULTS,
    "treatments:results-csv": RESULTS,
    "treatments:reports": ADMIN_ONLY,
    **{f"treatments:report-{slug}": ADMIN_ONLY for slug in REPORTS},
    **{f"treatments:report-{slug}-csv": ADMIN_ONLY for slug in REPORTS},
}

# What each role gets on POST, sending what the page's form would send (POST_DATA below).
# 302: the job was done; 200: a page that only reads, shown again.
BOOKING_DONE = {**BOOKING, "front_desk": 302, "physiotherapist": 302}
CLINICAL_DONE = {**CLINICAL, "physiotherapist": 302}

EXPECTED_POST = {
    "login": STAFF_SIGN_IN,  # an empty form, shown again
    "logout": dict.fromkeys(ROLES, 200),  # "You are signed out"
    "staff-home": EXPECTED["staff-home"],
    "staff-menu": EXPECTED["staff-menu"],  # only reads, whatever the method
    # The audit trail and the record export only read, whatever the method.
    "audit-trail": ADMIN_ONLY,
    "audit-trail-csv": ADMIN_ONLY,
    "two-factor-verify": EXPECTED["two-factor-verify"],
    "two-factor-setup": EXPECTED["two-factor-setup"],  # an empty code, asked for again
    "health": PUBLIC,
    "ready": PUBLIC,
    "set_language": dict.fromkeys(ROLES, 302),  # back to the page, in the language chosen
    "content:home": PUBLIC,
    "content:page-list": PUBLIC,
    "content:search": PUBLIC,
    "content:page-detail": PUBLIC,
    "patients:patient-list": BOOKING,
    "patients:patient-create": BOOKING_DONE,
    "patients:patient-detail": BOOKING,
    "patients:patient-edit": BOOKING_DONE,
    "patients:patient-archive": BOOKING_DONE,
    "patients:patient-restore": BOOKING_DONE,
    "patients:screening-create": CLINICAL_DONE,
    "patients:consent-create": CLINICAL_DONE,
    "patients:consent-withdraw": CLINICAL_DONE,
    "patients:online-access": BOOKING_DONE,
    "patients:online-sign-in": dict.fromkeys(ROLES, 302),  # "check your email"
    "patients:online-link-sent": PUBLIC,
    "patients:online-link": dict.fromkeys(ROLES, 404),
    "patients:online-visits": PATIENT_ONLY,  # only reads, whatever the method
    "patients:online-visit-ics": PATIENT_ONLY,
    "patients:online-visit-cancel": {**dict.fromkeys(ROLES, PATIENT_SIGN_IN), "patient": 302},
    "patients:online-intake": {**dict.fromkeys(ROLES, PATIENT_SIGN_IN), "patient": 302},
    "patients:online-home-plan": PATIENT_ONLY,  # only reads, whatever the method
    "patients:online-progress": PATIENT_ONLY,
    "patients:online-questionnaires": PATIENT_ONLY,  # only reads, whatever the method
    "patients:online-questionnaire-answer": {**PATIENT_ONLY, "patient": 302},  # to thanks
    "patients:online-questionnaire-thanks": PATIENT_ONLY,
    "patients:online-record": PATIENT_ONLY,
    "patients:online-record-file": PATIENT_ONLY,
    "patients:online-record-answers": PATIENT_ONLY,
    # The online patient has a visit but no course: nothing is bookable for them online.
    "patients:online-book": {**dict.fromkeys(ROLES, PATIENT_SIGN_IN), "patient": 400},
    "patients:online-visit-move": {**dict.fromkeys(ROLES, PATIENT_SIGN_IN), "patient": 302},
    # Signed out, the patient is sent to the sign-in page, as everyone else is.
    "patients:online-sign-out": dict.fromkeys(ROLES, PATIENT_SIGN_IN),
    "patients:online-visit-link": dict.fromkeys(ROLES, 302),  # cancelled, then "cancelled"
    "patients:online-visit-link-ics": PUBLIC,  # only reads, whatever the method
    # No new time chosen: the page asks for one, and nothing moves.
    "patients:online-visit-link-move": dict.fromkeys(ROLES, 400),
    "patients:online-visit-link-cancelled": dict.fromkeys(ROLES, 302),
    "treatments:dashboard": CLINICAL,
    "treatments:course-create": CLINICAL_DONE,
    "treatments:course-detail": CLINICAL,
    "treatments:course-edit": CLINICAL_DONE,
    "treatments:course-measures": CLINICAL_DONE,
    "treatments:response-correct": CLINICAL_DONE,
    "treatments:discharge-summary": CLINICAL_DONE,
    "treatments:visit-detail": BOOKING,
    "treatments:visit-move": BOOKING_DONE,
    "treatments:visit-cancel": BOOKING_DONE,
    "treatments:visit-restore": BOOKING_DONE,
    "treatments:visit-attended": BOOKING_DONE,
    "treatments:visit-no-show": BOOKING_DONE,
    "treatments:visit-undo": BOOKING_DONE,
    "treatments:visit-chart": CLINICAL_DONE,
    "treatments:chart-sign": CLINICAL_DONE,
    "treatments:record-print": CLINICAL,
    "treatments:record-json": CLINICAL,
    "treatments:calendar": BOOKING,
    "treatments:day-sheet": BOOKING,  # only reads, whatever the method
    "treatments:day-sheet-check-in": BOOKING_DONE,
    "treatments:day-sheet-no-show": BOOKING_DONE,
    "treatments:book": BOOKING_DONE,
    "treatments:series-results": NOT_THEIRS,
    "treatments:series-accept": NOT_THEIRS,
    "treatments:series-finish": NOT_THEIRS,
    "treatments:due-list": BOOKING,
    "treatments:waitlist": BOOKING,
    "treatments:waitlist-add": BOOKING_DONE,
    "treatments:waitlist-resolve": BOOKING_DONE,
    "treatments:visit-ics": BOOKING,
    # Online booking is on (the records below): an empty request is refused field by field,
    # and nothing is kept.
    "treatments:new-patient": dict.fromkeys(ROLES, 400),
    "treatments:new-patient-sent": PUBLIC,
    "treatments:appointment-requests": BOOKING,  # only reads, whatever the method
    "treatments:appointment-request-book": BOOKING_DONE,
    "treatments:appointment-request-decline": BOOKING_DONE,
    "treatments:physiotherapist-feed": dict.fromkeys(ROLES, 200),
    "treatments:calendar-feed": CLINICAL,
    "treatments:calendar-feed-renew": CLINICAL_DONE,
    "treatments:measure-answer": CLINICAL_DONE,
    "treatments:measure-kiosk": BOOKING_DONE,  # and signs the staff member out
    "treatments:measure-email": BOOKING_DONE,
    "treatments:answer": dict.fromkeys(ROLES, 302),  # to the thank-you page
    "treatments:answer-thanks": PUBLIC,
    # The clinic's results and the reports only read, whatever the method.
    "treatments:results": RESULTS,
    "treatments:results-csv": RESULTS,
    "treatments:reports": ADMIN_ONLY,
    **{f"treatments:report-{slug}": ADMIN_ONLY for slug in REPORTS},
    **{f"treatments:report-{slug}-csv": ADMIN_ONLY for slug in REPORTS},
}

# The URLs whose POST changes the clinic's records when it is let through; no other may.
CHANGES_RECORDS = {
    "patients:patient-create", "patients:patient-edit", "patients:patient-archive",
    "patients:patient-restore", "patients:screening-create", "patients:consent-create",
    "patients:consent-withdraw", "patients:online-access", "patients:online-visit-cancel",
    "patients:online-intake",
    "patients:online-questionnaire-answer",
    "patients:online-visit-link",
    "patients:online-book", "patients:online-visit-move",
    "treatments:course-create",
    "treatments:course-edit",
    "treatments:visit-move", "treatments:visit-cancel", "treatments:visit-undo",
    "treatments:visit-restore", "treatments:visit-attended", "treatments:visit-no-show",
    "treatments:visit-chart", "treatments:chart-sign", "treatments:book",
    "treatments:waitlist-add",
    "treatments:waitlist-resolve", "treatments:calendar-feed-renew",
    "treatments:course-measures", "treatments:discharge-summary", "treatments:response-correct",
    "treatments:measure-answer", "treatments:measure-kiosk", "treatments:measure-email",
    "treatments:answer", "treatments:day-sheet-check-in", "treatments:day-sheet-no-show",
    "treatments:appointment-request-book", "treatments:appointment-request-decline",
}  # fmt: skip


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


def test_every_url_of_the_site_has_a_row_in_each_table():
    assert site_url_names() == set(EXPECTED) == set(EXPECTED_POST)
    assert set(EXPECTED_POST) >= CHANGES_RECORDS


@pytest.fixture
def records(clock, monkeypatch):
    """One of everything a URL can point at, what its form would post, and the people who
    will open them."""
    physiotherapist = make_physiotherapist()
    course = ready_for_needling(physiotherapist=physiotherapist)
    visit = make_visit(course, TODAY - timedelta(days=1))
    attended = make_visit(course, TODAY - timedelta(days=8), status=Visit.Status.ATTENDED)
    cancelled = make_visit(
        course, TODAY + timedelta(days=7), status=Visit.Status.CANCELLED,
        cancellation_reason="Called in sick",
    )  # fmt: skip
    drafted = make_visit(course, TODAY - timedelta(days=15), status=Visit.Status.ATTENDED)
    # Today's, for the day sheet's check-in: another patient's assessment.
    arriving = make_visit(None, TODAY, time(11), kind="Initial assessment",
                          patient=make_patient(), physiotherapist=physiotherapist)  # fmt: skip
    chart_visit(drafted, physiotherapist, sign=False)
    consent = make_consent(course.patient, physiotherapist)
    entry = WaitlistEntry.objects.create(patient=course.patient)
    asked = AppointmentRequest.objects.create(
        first_name="Jordan", last_name="Reyes", date_of_birth=TODAY.replace(year=1985),
        email="jordan@example.com", phone="604-555-0123", problem="Sore shoulder",
        times_that_suit="Mornings",
    )  # fmt: skip
    archived = make_patient()
    archived.archive()
    newcomer = make_patient()
    online = make_patient(email="online@example.com")
    online.turn_on_online_access()
    ClinicSettings.objects.update_or_create(pk=1, defaults={"online_booking": True})
    PhysiotherapistProfile.objects.filter(user=physiotherapist).update(bookable_online=True)
    coming = make_visit(None, TODAY + timedelta(days=14), kind="Initial assessment",
                        patient=online, physiotherapist=physiotherapist)  # fmt: skip
    # The online patient's pain rating, due for its baseline: answered at home.
    pain_rating = CourseMeasure.objects.create(
        course=make_course(online, physiotherapist), instrument=Instrument.objects.get(code="nprs")
    )
    # Every role asks for a sign-in link for one address: the throttle would stop the fourth.
    monkeypatch.setattr(throttle, "PER_EMAIL", 100)
    cache.clear()
    token = physiotherapist.physiotherapist_profile.renew_calendar_token()
    psfs = Instrument.objects.update_or_create(
        code="psfs", defaults={"title": "PSFS", "definition": definitions()["psfs"]}
    )[0]
    measure = CourseMeasure.objects.create(course=course, instrument=psfs)
    _link, answer_token = make_link(
        measure, "baseline", AnswerLink.Channel.EMAIL, physiotherapist, sent_to="a@example.com"
    )
    ndi = CourseMeasure.objects.create(course=course, instrument=Instrument.objects.get(code="ndi"))
    ndi_answers = dict.fromkeys(map(str, range(1, 11)), 2)
    typed_in = record_response(ndi, occasion="baseline", answers=ndi_answers, source="typed")
    measure_kwargs = {"pk": course.pk, "measure_pk": measure.pk}
    urls = {
        "treatments:measure-answer": reverse("treatments:measure-answer", kwargs=measure_kwargs),
        "treatments:measure-kiosk": reverse("treatments:measure-kiosk", kwargs=measure_kwargs),
        "treatments:measure-email": reverse("treatments:measure-email", kwargs=measure_kwargs),
        "treatments:answer": reverse("treatments:answer", args=[answer_token]),
        "patients:online-questionnaire-answer": reverse(
            "patients:online-questionnaire-answer", args=[pain_rating.pk, "baseline"]
        ),
        **{name: reverse(name, args=[make_token(coming)]) for name in [
            "patients:online-visit-link", "patients:online-visit-link-ics",
            "patients:online-visit-link-move", "patients:online-visit-link-cancelled"]},
    }  # fmt: skip
    psfs_answers = {"1-name": "Gardening", "1": "3", "2-name": "Lifting", "2": "4",
                    "3-name": "Running", "3": "2"}  # fmt: skip
    kwargs = {
        "patient_pk": course.patient.pk, "course_pk": course.pk,
        "slug": "aftercare", "token": token,
    }  # fmt: skip
    pks = {
        "patients:consent-withdraw": consent.pk, "treatments:waitlist-resolve": entry.pk,
        "treatments:course-detail": course.pk, "treatments:course-edit": course.pk,
        "patients:patient-restore": archived.pk, "treatments:visit-restore": cancelled.pk,
        "treatments:visit-chart": attended.pk, "treatments:chart-sign": drafted.pk,
        "treatments:visit-undo": attended.pk, "treatments:course-measures": course.pk,
        "treatments:response-correct": typed_in.pk,
        "treatments:discharge-summary": course.pk,
        "treatments:day-sheet-check-in": arriving.pk,
        "patients:online-visit-ics": coming.pk, "patients:online-visit-cancel": coming.pk,
        "patients:online-visit-move": coming.pk,
        "treatments:appointment-request-book": asked.pk,
        "treatments:appointment-request-decline": asked.pk,
    }  # fmt: skip
    booking = {"physiotherapist": physiotherapist.pk, "date": NEXT_MONDAY, "start_time": "10:00",
               "visit_type": visit_type().pk}  # fmt: skip
    post_data = {
        "patients:patient-create": patient_data(),
        "patients:patient-edit": patient_data(legal_first_name="Avery"),
        "patients:screening-create": {"screened_on": TODAY.isoformat()},
        "patients:consent-create": consent_data(),
        "treatments:course-create": {
            "region": "Neck", "started_on": TODAY.isoformat(), "expected_length": "short",
            "goals": "Turn my head", "baseline_pain": "5", "physiotherapist": physiotherapist.pk,
        },
        "treatments:course-edit": {
            "region": "Left hip", "goals": "Walk the dog", "expected_length": "short",
            "status": "active", "started_on": course.started_on.isoformat(),
        },
        "treatments:visit-move": booking,
        "treatments:visit-undo": {"reason": "Marked on the wrong patient"},
        "treatments:visit-cancel": {"cancellation_reason": "Called in sick"},
        "treatments:visit-chart": chart_data(),
        "treatments:book": {**booking, "patient": f"{course.patient_id}-{course.pk}", "weeks": "1"},
        "treatments:series-accept": {"week": "1"},
        "treatments:waitlist-add": {"patient": newcomer.pk, "note": "Mornings only"},
        "treatments:course-measures": {"instruments": Instrument.objects.filter(
            code__in=["psfs", "odi", "ndi"]).values_list("pk", flat=True)},
        "treatments:response-correct": {**dict.fromkeys(map(str, range(1, 11)), "3"),
                                        "answered_on": TODAY.isoformat(),
                                        "reason": "Typed from the wrong form"},
        "treatments:discharge-summary": {"note": "Back to gardening; exercises twice a week."},
        "treatments:measure-answer": {**psfs_answers, "occasion": "baseline",
                                      "answered_on": TODAY.isoformat()},
        "treatments:answer": psfs_answers,
        "patients:online-questionnaire-answer": {"1": "5"},
        "patients:online-access": {"turn": "on"},
        "treatments:appointment-request-book": {
            "patient": "new", "visit_type": visit_type("Initial assessment").pk,
            "physiotherapist": physiotherapist.pk, "date": NEXT_MONDAY, "start_time": "14:00",
        },
        "treatments:appointment-request-decline": {"decline_reason": "We only see adults"},
        "patients:online-sign-in": {"email": "nobody@example.com"},
        "set_language": {"language": "fr-ca", "next": "/ims/aftercare/"},
        "patients:online-intake": {"phone": "604-555-0100", "problem": "Sore neck",
                                   "how_long": "weeks", "heard_about": "search"},
        "patients:online-visit-move": {"day": NEXT_MONDAY, "start_time": "10:00"},
        "patients:online-book": {"visit_type": visit_type().pk, "physiotherapist": "any",
                                 "day": NEXT_MONDAY, "slot": f"{physiotherapist.pk}-10:00"},
    }  # fmt: skip
    people = {
        "anonymous": None,
        "front_desk": make_front_desk(),
        "physiotherapist": physiotherapist,
        "clinic_admin": make_clinic_admin(),
        "no_role": make_user(),
        "patient": online,
    }
    return {"visit": visit, "patient": course.patient, "kwargs": kwargs, "pks": pks,
            "post_data": post_data, "people": people, "urls": urls}  # fmt: skip


def url_for(name: str, records) -> str:
    """The URL with a real record for whichever argument it takes."""
    if name in records["urls"]:
        return records["urls"][name]
    pk = records["pks"].get(name)
    if pk is None:
        pk = records["patient"].pk if name.startswith("patients:") else records["visit"].pk
    for kwargs in [{key: value} for key, value in records["kwargs"].items()] + [{"pk": pk}, {}]:
        try:
            return reverse(name, kwargs=kwargs)
        except NoReverseMatch:
            continue
    raise AssertionError(f"no arguments fit {name}")


def sign_in(client, person) -> None:
    client.logout()
    if isinstance(person, Patient):  # as opening their emailed link does
        session = client.session
        session[PATIENT_SESSION_KEY] = person.pk
        session.save()
    elif person is not None:
        client.force_login(person)


def outcome(response) -> int | str:
    if response.status_code == 302 and response["Location"].startswith("/accounts/login/"):
        return LOGIN
    if response.status_code == 302 and response["Location"].split("?")[0] == reverse(
        "patients:online-sign-in"
    ):
        return PATIENT_SIGN_IN
    return response.status_code


def clinic_records() -> dict[str, list[dict]]:
    """Every record of the clinic's own apps, to tell whether a request changed any."""
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for label in ["patients", "treatments", "content"]
        for model in apps.get_app_config(label).get_models()
        if not model._meta.label.split(".")[1].startswith("Historical")
    }


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_answer(client, records, name):
    url = url_for(name, records)
    outcomes = {}
    for role, person in records["people"].items():
        sign_in(client, person)
        outcomes[role] = outcome(client.get(url))
    assert outcomes == EXPECTED[name], url


@pytest.mark.parametrize("name", sorted(EXPECTED_POST))
def test_each_role_posting_gets_the_expected_answer_and_only_allowed_ones_change_records(
    client, records, name
):
    url, data = url_for(name, records), records["post_data"].get(name, {})
    before, outcomes, changed = clinic_records(), {}, {}
    for role, person in records["people"].items():
        # Each role posts to the same records: what the one before changed is rolled back.
        with transaction.atomic():
            sign_in(client, person)
            outcomes[role] = outcome(client.post(url, data))
            changed[role] = clinic_records() != before
            transaction.set_rollback(True)
    expected_changes = {
        role: name in CHANGES_RECORDS and answer == 302
        for role, answer in EXPECTED_POST[name].items()
    }
    assert {"answers": outcomes, "changed records": changed} == {
        "answers": EXPECTED_POST[name],
        "changed records": expected_changes,
    }, url


# Object-level cases -----------------------------------------------------------------------

# A record that does not exist, for each kind of argument a URL takes.
MADE_UP = {"pk": 999_999, "patient_pk": 999_999, "course_pk": 999_999, "token": "x" * 43}


def made_up_url(name: str) -> str | None:
    """The URL with a made-up id, if it takes one."""
    if name.startswith("treatments:measure-"):  # a course's measure: made-up both
        return reverse(name, kwargs={"pk": 999_999, "measure_pk": 999_999})
    if name == "patients:online-questionnaire-answer":  # a measure, on its occasion
        return reverse(name, kwargs={"pk": 999_999, "occasion": "baseline"})
    for argument, value in MADE_UP.items():
        try:
            return reverse(name, kwargs={argument: value})
        except NoReverseMatch:
            continue
    return None


def for_a_made_up_id(answer: int | str) -> int | str:
    """Who is turned away is turned away before anything is looked up; the others learn the
    record is not there."""
    return answer if answer in {LOGIN, PATIENT_SIGN_IN, 403, 405} else 404


TAKING_AN_ID = sorted(name for name in EXPECTED if made_up_url(name))
# The other argument: a page's address (made up in `records` already).
TAKING_ANOTHER_ARGUMENT = {"content:page-detail"}


def test_every_url_taking_an_argument_is_tried_with_a_made_up_one():
    for name in set(EXPECTED) - set(TAKING_AN_ID) - TAKING_ANOTHER_ARGUMENT:
        assert reverse(name)  # it takes no argument


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", TAKING_AN_ID)
def test_a_made_up_id_is_not_found_by_those_let_in_and_changes_nothing(
    client, records, name, method
):
    table = EXPECTED if method == "get" else EXPECTED_POST
    before = clinic_records()
    outcomes = {}
    for role, person in records["people"].items():
        sign_in(client, person)
        data = records["post_data"].get(name, {}) if method == "post" else {}
        outcomes[role] = outcome(getattr(client, method)(made_up_url(name), data))
    assert outcomes == {role: for_a_made_up_id(answer) for role, answer in table[name].items()}
    assert clinic_records() == before


A_WEEK_AFTER = "2026-03-18"  # a week after each patient's booked visit


@pytest.fixture
def two_patients(clock):
    """Avery's and Blake's charts, each with a charted visit and a booked one."""
    physiotherapist = make_physiotherapist()
    courses = {}
    for name in ["Avery", "Blake"]:
        course = ready_for_needling(make_patient(legal_first_name=name), physiotherapist)
        chart_visit(make_visit(course, TODAY - timedelta(days=7)), physiotherapist, sites=2)
        make_visit(course, TODAY + timedelta(days=1), time(10 if name == "Avery" else 11))
        courses[name] = course
    return physiotherapist, courses["Avery"], courses["Blake"]


def records_of(patient: Patient) -> dict[str, list[dict]]:
    """Everything on a patient's chart."""
    return {
        "patient": list(Patient.objects.filter(pk=patient.pk).values()),
        "consents": list(patient.consents.values()),
        "screenings": list(patient.screenings.values()),
        "courses": list(patient.courses.values()),
        "visits": list(patient.visits.order_by("pk").values()),
        "charts": list(Chart.objects.filter(visit__patient=patient).values()),
        "sites": list(NeedledSite.objects.filter(chart__visit__patient=patient).values()),
    }


def booked_visit(course: TreatmentCourse) -> Visit:
    return course.visits.get(status=Visit.Status.BOOKED)


def test_a_booking_naming_one_patient_with_another_patients_course_books_nothing(
    client, two_patients
):
    physiotherapist, avery, blake = two_patients
    before = {name: records_of(course.patient) for name, course in [("a", avery), ("b", blake)]}
    client.force_login(make_front_desk())
    data = {
        "physiotherapist": physiotherapist.pk, "date": A_WEEK_AFTER, "start_time": "14:00",
        "visit_type": visit_type().pk, "patient": f"{avery.patient.pk}-{blake.pk}", "weeks": "1",
    }  # fmt: skip
    response = client.post(reverse("treatments:book"), data)
    assert response.status_code == 200
    assert "This course was not found: find the patient again." in response.content.decode()
    after = {name: records_of(course.patient) for name, course in [("a", avery), ("b", blake)]}
    assert after == before


@pytest.mark.parametrize(
    ("url_name", "recorded"),
    [("patients:consent-create", Consent), ("patients:screening-create", Screening)],
)
def test_a_consent_or_screening_posted_with_another_patients_id_goes_on_the_chart_in_the_address(
    client, two_patients, url_name, recorded
):
    physiotherapist, avery, blake = two_patients
    blakes = records_of(blake.patient)
    on_file = recorded.objects.filter(patient=avery.patient).count()
    client.force_login(physiotherapist)
    data = {**consent_data(), "screened_on": TODAY.isoformat(), "patient": blake.patient.pk}
    response = client.post(reverse(url_name, args=[avery.patient.pk]), data)
    assert response.status_code == 302
    assert recorded.objects.filter(patient=avery.patient).count() == on_file + 1
    assert records_of(blake.patient) == blakes


def test_a_course_cannot_be_moved_to_another_patient_by_editing_it(client, two_patients):
    physiotherapist, avery, blake = two_patients
    averys_patient, blakes = avery.patient, records_of(blake.patient)
    client.force_login(physiotherapist)
    data = {
        "region": "Left hip", "goals": "Walk", "expected_length": "short", "status": "active",
        "started_on": avery.started_on.isoformat(), "patient": blake.patient.pk,
    }  # fmt: skip
    response = client.post(reverse("treatments:course-edit", args=[avery.pk]), data)
    avery.refresh_from_db()
    assert response.status_code == 302
    assert (avery.patient, avery.region) == (averys_patient, "Left hip")
    assert records_of(blake.patient) == blakes


def test_moving_a_visit_with_another_patients_ids_in_the_form_moves_only_that_visit(
    client, two_patients
):
    _physiotherapist, avery, blake = two_patients
    blakes = records_of(blake.patient)
    visit = booked_visit(avery)
    client.force_login(make_front_desk())
    data = {"date": NEXT_MONDAY, "start_time": "09:00", "visit": booked_visit(blake).pk,
            "patient": blake.patient.pk, "course": blake.pk, "visit_type": visit_type().pk,
            "physiotherapist": visit.physiotherapist_id}  # fmt: skip
    response = client.post(reverse("treatments:visit-move", args=[visit.pk]), data)
    visit.refresh_from_db()
    assert response.status_code == 302
    assert (visit.patient, str(visit.date)) == (avery.patient, NEXT_MONDAY)
    assert records_of(blake.patient) == blakes


@pytest.mark.parametrize(
    "change", [{"sites-0-muscle": "Changed"}, {"sites-0-DELETE": "on"}], ids=["edit", "remove"]
)
def test_a_chart_correction_naming_a_site_of_another_patients_chart_is_refused(
    client, two_patients, change
):
    physiotherapist, avery, blake = two_patients
    averys, blakes = records_of(avery.patient), records_of(blake.patient)
    chart = avery.visits.get(status=Visit.Status.ATTENDED).chart
    blakes_site = NeedledSite.objects.filter(chart__visit__patient=blake.patient).first()
    # The form would send the chart's own first site here; Django's formset takes any site's
    # id, and would quietly drop a row it cannot find on this chart.
    data = correction_data(chart) | {"sites-0-id": blakes_site.pk, **change}
    client.force_login(physiotherapist)
    response = client.post(reverse("treatments:visit-chart", args=[chart.visit_id]), data)
    assert response.status_code == 200
    assert "not on this chart" in response.content.decode()
    assert (records_of(avery.patient), records_of(blake.patient)) == (averys, blakes)


def test_the_admin_refuses_a_visit_whose_course_belongs_to_another_patient(client, two_patients):
    physiotherapist, avery, blake = two_patients
    averys, blakes = records_of(avery.patient), records_of(blake.patient)
    client.force_login(physiotherapist)
    data = {"patient": avery.patient.pk, "course": blake.pk, "physiotherapist": physiotherapist.pk,
            "date": NEXT_MONDAY, "start_time": "15:00", "visit_type": visit_type().pk}  # fmt: skip
    response = client.post(reverse("admin:treatments_visit_add"), data)
    assert response.status_code == 200
    assert "This course belongs to another patient." in response.content.decode()
    assert (records_of(avery.patient), records_of(blake.patient)) == (averys, blakes)


def test_an_archived_patient_cannot_be_put_on_the_waitlist_by_their_id(client, two_patients):
    _physiotherapist, avery, _blake = two_patients
    cancel_visit(booked_visit(avery), reason="Moving away")
    avery.patient.archive()
    client.force_login(make_front_desk())
    data = {"patient": avery.patient.pk, "note": "Mornings"}
    response = client.post(reverse("treatments:waitlist-add"), data)
    assert response.status_code == 200
    assert "That patient is not on file or their record is archived" in response.content.decode()
    assert not WaitlistEntry.objects.filter(patient=avery.patient).exists()
