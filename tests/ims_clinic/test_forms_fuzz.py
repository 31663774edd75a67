"""Every form of the site, fed input Hypothesis makes up, through its real view.

Whatever is sent (hostile markup, NUL bytes, ten thousand characters, dates in any format, the
ids of records that do not exist or belong to another patient), the answer is a page or a
redirect, never a server error, and what was typed is never sent back as a live script. The
data each form is sent is drawn from the form's own fields, so a field added later is fuzzed
too. Each example runs in a savepoint that is rolled back, so no example sees another's data.
"""

import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from content.forms import SearchForm
from ims_clinic.forms import AuditFilterForm
from patients.forms import (
    ConsentForm,
    PatientCreateForm,
    PatientForm,
    PatientSearchForm,
    ScreeningForm,
)
from patients.models import Consent, Precaution
from patients.online.forms import CancelVisitForm, IntakeForm, SignInForm
from patients.online.session import SESSION_KEY as PATIENT_SESSION_KEY
from patients.online.visit_links import make_token
from tests.factories import (
    INITIAL_ASSESSMENT,
    PASSWORD,
    TODAY,
    chart_visit,
    make_clinic_admin,
    make_course,
    make_front_desk,
    make_patient,
    make_physiotherapist,
    make_visit,
    ready_for_needling,
    visit_type,
)
from treatments.booking.forms import (
    BookingForm,
    CalendarForm,
    CancelForm,
    DaySheetForm,
    MoveForm,
    ReasonForm,
    SlotForm,
)
from treatments.forms import (
    ChartForm,
    CourseEditForm,
    CourseForm,
    VisitNoteForm,
    adverse_event_formset,
    needled_site_formset,
)
from treatments.models import (
    AnswerLink,
    CourseMeasure,
    Instrument,
    MeasureResponse,
    TreatmentCourse,
    Visit,
    WaitlistEntry,
)
from treatments.outcomes.answer_forms import AnswerForm, CorrectionForm
from treatments.outcomes.course_forms import DischargeForm, MeasuresForm
from treatments.outcomes.forms import ResultsForm
from treatments.outcomes.instruments import definitions
from treatments.outcomes.services import make_link, record_response
from treatments.reports.forms import ReportForm
from treatments.worklist_forms import PatientLookupForm, WaitlistEntryForm

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
LIVE_SCRIPT = b"<script>alert("  # the markup above, sent back unescaped
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
MISSING = object()  # a field left out of what is sent

# Values people, browsers and attackers really send, beside what Hypothesis makes up.
ODD_VALUES = [
    "", " ", "\x00", "a\x00b", SCRIPT, f'"><{SCRIPT[1:]}', f"javascript:alert(1)//{SCRIPT}",
    "x" * 10_000, "9" * 400, "0", "-1", "999999", "2147483648", "1e309", "NaN", "-0", "1.5",
    "\uff12\uff10\uff12\uff16-\uff10\uff13-\uff11\uff10",  # 2026-03-10 in full-width digits
    "2026-02-30", "2026-13-01", "31/12/2026", "12/31/2026", "10 March 2026",
    "0001-01-01", "9999-12-31", "10000-01-01", "24:00", "23:59:60", "10:00:00.000001", "10h",
    "on", "true", "\u202e\u0645\u0631\u062d\u0628\u0627", "🦴💉", "\r\n", "{{ 7|add:7 }}", "%s",
    "' OR 1=1 --", "[]",
]  # fmt: skip


def date_text(day: date) -> st.SearchStrategy[str]:
    """A date as someone might type it."""
    return st.sampled_from(
        [day.isoformat(), f"{day:%d/%m/%Y}", f"{day:%m/%d/%y}", f"{day:%Y-%m-%d}T10:00"]
    )


junk = st.one_of(
    st.sampled_from(ODD_VALUES),
    st.text(max_size=60),
    st.tuples(st.text(max_size=8), st.text(max_size=8)).map(SCRIPT.join),
    st.integers().map(str),
    st.dates().flatmap(date_text),
)
# The half hours the clinic is open, and any time at all.
times = st.sampled_from([f"{hour:02}:{minute:02}" for hour in range(8, 18) for minute in (0, 30)])
times |= st.times().map(lambda moment: moment.isoformat())
words = st.text(st.characters(exclude_categories=["Cs", "Cc"]), min_size=1, max_size=30)
phone_numbers = st.from_regex(r"\(?[2-9]\d\d\)? ?\d{3}-\d{4}", fullmatch=True)


def limits(form_field: forms.Field) -> tuple[int, int]:
    """Small numbers within the field's limits. A model field's own validators are not on its
    form field, and small numbers suit them all (pain 0-10, insertions 1-50, minutes 1-60)."""
    low, high = 1, 10
    for validator in form_field.validators:
        if isinstance(validator, MinValueValidator):
            low = max(low, validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            high = min(high, validator.limit_value)
    return low, max(low, high)


def plausible(name: str, form_field: forms.Field) -> st.SearchStrategy:
    """Values this field accepts, or nearly: they carry the form on to its rules."""
    if isinstance(form_field, forms.ModelChoiceField):
        # Ids of records that do not exist are among the junk.
        ids = list(form_field.queryset.values_list("pk", flat=True)[:50])
        return st.sampled_from(ids or [1]).map(str)
    if isinstance(form_field, forms.MultipleChoiceField):
        values = [str(value) for value, _ in form_field.choices]
        return st.lists(st.sampled_from(values), max_size=len(values), unique=True)
    if isinstance(form_field, forms.ChoiceField):
        values = [str(value) for value, _ in form_field.choices]
        return st.sampled_from([v for v in values if v or not form_field.required] or ["1"])
    if isinstance(form_field, forms.BooleanField):
        return st.sampled_from(["on", ""])
    if isinstance(form_field, forms.DateField):
        return st.dates(TODAY - timedelta(days=60), TODAY + timedelta(days=60)).map(str)
    if isinstance(form_field, forms.TimeField):
        return times
    if isinstance(form_field, forms.IntegerField | forms.DecimalField):
        low, high = limits(form_field)
        if isinstance(form_field, forms.DecimalField):
            return st.decimals(low, high, places=1).map(str)
        return st.integers(low, high).map(str)
    if isinstance(form_field, forms.EmailField):
        return st.emails()
    if "phone" in name:
        return phone_numbers
    limit = getattr(form_field, "max_length", None)
    text = words if limit is None else words.map(lambda t: t[:limit])
    # Text that is valid but hostile reaches the pages that show what was saved.
    return text | text.map(lambda t: SCRIPT + t)


def form_data(
    fields: dict[str, forms.Field], prefix: str = "", **known: st.SearchStrategy
) -> st.SearchStrategy[dict]:
    """What a form might be sent when filled in right, or nearly: each field plausible, or
    drawn from `known` (where MISSING leaves it out)."""
    return st.fixed_dictionaries(
        {
            prefix + name: known[name] if name in known else plausible(name, form_field)
            for name, form_field in fields.items()
        }
    )


@st.composite
def spoiled(draw, filled_in: st.SearchStrategy[dict]) -> dict:
    """What was filled in, with some fields replaced by junk or left out.

    Half the time a field or two, so the rest of the form is valid and its rules are reached.
    Hypothesis shrinks a failure towards fewer spoiled fields, so the example it reports names
    the field that matters."""
    data = draw(filled_in)
    names = st.sampled_from(sorted(data))
    changes = st.dictionaries(names, st.just(MISSING) | junk, max_size=2) | st.dictionaries(
        names, st.just(MISSING) | junk
    )
    return {key: value for key, value in (data | draw(changes)).items() if value is not MISSING}


def merged(parts: tuple[dict, ...]) -> dict:
    return {key: value for part in parts for key, value in part.items()}


def formset_data(
    prefix: str, row: dict[str, forms.Field], ids: list[int], foreign_ids: list[int]
) -> st.SearchStrategy[dict]:
    """A formset of up to three rows: first a row for each record on file (`ids`), then new
    rows. Now and then a row names a record of another chart (`foreign_ids`)."""
    management = form_data(
        {"TOTAL_FORMS": forms.IntegerField(), "INITIAL_FORMS": forms.IntegerField()},
        f"{prefix}-", TOTAL_FORMS=st.sampled_from(["0", "1", "2", "3"]).filter(
            lambda total: int(total) >= len(ids)
        ), INITIAL_FORMS=st.just(str(len(ids))),
    )  # fmt: skip
    rows = []
    for n in range(3):
        own = [ids[n] if n < len(ids) else MISSING] * 5
        record = st.sampled_from(own + foreign_ids).map(lambda pk: pk if pk is MISSING else str(pk))
        rows.append(form_data(row, f"{prefix}-{n}-", id=record, chart=st.just(MISSING)))
    return st.tuples(management, *rows).map(merged)


@dataclass
class Case:
    """A form, the person who fills it in, and where it is sent."""

    role: str
    method: str
    url: Callable[[dict], str]
    data: Callable[[dict], st.SearchStrategy[dict]]
    extra: dict[str, st.SearchStrategy] = field(default_factory=dict)


def fields_of(form_class, **kwargs) -> Callable[[dict], st.SearchStrategy[dict]]:
    return lambda records: form_data(form_class(**kwargs).fields)


def chart_form_data(correcting: bool) -> Callable[[dict], st.SearchStrategy[dict]]:
    def data(records: dict) -> st.SearchStrategy[dict]:
        site_ids = records["site_ids"] if correcting else []
        site_row = needled_site_formset(extra=1)().forms[0].fields
        event_row = adverse_event_formset(correcting)().forms[0].fields
        # Stimulation off, as in most visits; the spoiled fields switch it on at times.
        chart = form_data(
            ChartForm(amending=correcting).fields,
            consent_confirmed=st.just("on"),
            electrical_stimulation=st.just(""),
            **dict.fromkeys(["stimulation_hz", "stimulation_ma", "stimulation_minutes"], NONE),
        )
        return st.tuples(
            chart,
            formset_data("sites", site_row, site_ids, records["other_site_ids"]),
            formset_data("events", event_row, [], []),
        ).map(merged)

    return data


NONE = st.just(MISSING)


def sign_in_data(records: dict) -> st.SearchStrategy[dict]:
    usernames = st.sampled_from(records["usernames"])
    return form_data(AuthenticationForm().fields, username=usernames, password=st.just(PASSWORD))


def screening_data(records: dict) -> st.SearchStrategy[dict]:
    # Most precautions do not apply to most patients: their rows are left empty unless
    # spoiled, so that some screenings are saved.
    parts = ["applies", "decision", "note"]
    empty = {f"{kind}_{part}": NONE for kind in Precaution.Kind.values for part in parts}
    return form_data(ScreeningForm().fields, **empty)


def consent_data(records: dict) -> st.SearchStrategy[dict]:
    topics = Consent.Topic.values
    explained = st.just(topics) | st.lists(st.sampled_from(topics), unique=True)
    # A substitute decision-maker is named only when one consents.
    substitute = NONE | words.map(lambda name: SCRIPT + name)
    return form_data(ConsentForm().fields, explained=explained, substitute_name=substitute)


def calendar_data(records: dict) -> st.SearchStrategy[dict]:
    return form_data(CalendarForm(physiotherapists=records["physiotherapists"]).fields)


def booking_link_data(records: dict) -> st.SearchStrategy[dict]:
    """What a free slot of the calendar, a course's page or a patient's page links to."""
    ids = st.sampled_from([records["course"], records["patient"], 0]).map(str)
    return form_data(
        {**SlotForm().fields, "q": forms.CharField(), "course": forms.CharField(),
         "patient": forms.CharField()},
        course=ids, patient=ids,
    )  # fmt: skip


def booking_data(records: dict) -> st.SearchStrategy[dict]:
    """The patient radio: the patient alone, or with their course, another patient's course,
    or made up."""
    choices = [str(records["patient"]), f"{records['patient']}-{records['course']}",
               f"{records['patient']}-{records['other_course']}", "0-0"]  # fmt: skip
    return form_data(BookingForm().fields, patient=st.sampled_from(choices))


def series_week_data(records: dict) -> st.SearchStrategy[dict]:
    return form_data({"week": forms.ChoiceField(choices=[(n, n) for n in "0123"])})


def waitlist_data(records: dict) -> st.SearchStrategy[dict]:
    return form_data({**PatientLookupForm().fields, **WaitlistEntryForm().fields})


def answer_data(code: str, typed: bool = False) -> Callable[[dict], st.SearchStrategy[dict]]:
    """A questionnaire's answers; now and then another measure's id slipped in."""

    def data(records: dict) -> st.SearchStrategy[dict]:
        form = AnswerForm(instrument=Instrument.objects.get(code=code), typed=typed)
        other = st.sampled_from([str(records["other_measure"]), "0"])
        extra = {"measure": forms.CharField(), "measure_pk": forms.CharField()}
        return form_data({**form.fields, **extra}, measure=other, measure_pk=other)

    return data


def correction_data(records: dict) -> st.SearchStrategy[dict]:
    response = MeasureResponse.objects.get(pk=records["typed_response"])
    return form_data(CorrectionForm(response=response).fields)


def url(name: str, key: str | None = None, arg: str = "pk") -> Callable[[dict], str]:
    return lambda records: reverse(name, kwargs={arg: records[key]} if key else {})


NEXT = {"next": st.sampled_from(["/staff/", "https://evil.example/", "//evil.example", SCRIPT])}
PHYSIO, DESK, VISITOR, ADMIN = "physiotherapist", "front_desk", "anonymous", "clinic_admin"
CASES = {
    "sign-in": Case(VISITOR, "post", url("login"), sign_in_data, NEXT),
    "patient-sign-in": Case(VISITOR, "post", url("patients:online-sign-in"),
                            fields_of(SignInForm)),
    "patient-cancel-visit": Case("patient", "post",
                                 url("patients:online-visit-cancel", "online_visit"),
                                 fields_of(CancelVisitForm)),
    "patient-intake": Case("patient", "post", url("patients:online-intake"),
                           fields_of(IntakeForm)),
    "visit-link-cancel": Case(VISITOR, "post", lambda records: records["visit_link"],
                              fields_of(CancelVisitForm)),
    "education-search": Case(VISITOR, "get", url("content:search"), fields_of(SearchForm)),
    "patient-search": Case(
        DESK, "get", url("patients:patient-list"), fields_of(PatientSearchForm), {"page": junk}
    ),
    "patient-create": Case(
        DESK, "post", url("patients:patient-create"),
        fields_of(PatientCreateForm, clinical=False),
    ),
    "patient-edit": Case(
        PHYSIO, "post", url("patients:patient-edit", "patient"),
        fields_of(PatientForm, clinical=True),
    ),
    "screening": Case(
        PHYSIO, "post", url("patients:screening-create", "patient"), screening_data,
        {"from_intake": junk},
    ),
    "consent": Case(PHYSIO, "post", url("patients:consent-create", "patient"), consent_data),
    "course-create": Case(
        PHYSIO, "post", url("treatments:course-create", "patient", "patient_pk"),
        fields_of(CourseForm),
    ),
    "course-edit": Case(
        PHYSIO, "post", url("treatments:course-edit", "course"), fields_of(CourseEditForm)
    ),
    "visit-move": Case(
        DESK, "post", url("treatments:visit-move", "booked"), fields_of(MoveForm)
    ),
    "visit-undo": Case(
        DESK, "post", url("treatments:visit-undo", "attended"), fields_of(ReasonForm)
    ),
    "visit-cancel": Case(
        DESK, "post", url("treatments:visit-cancel", "booked"), fields_of(CancelForm)
    ),
    "chart": Case(
        PHYSIO, "post", url("treatments:visit-chart", "attended"), chart_form_data(False)
    ),
    "chart-correction": Case(
        PHYSIO, "post", url("treatments:visit-chart", "charted"), chart_form_data(True)
    ),
    "visit-note": Case(
        PHYSIO, "post", url("treatments:visit-chart", "assessment"), fields_of(VisitNoteForm)
    ),
    "calendar": Case(DESK, "get", url("treatments:calendar"), calendar_data),
    "day-sheet": Case(DESK, "get", url("treatments:day-sheet"), fields_of(DaySheetForm)),
    # What the day sheet's buttons post: the view to go back to.
    "day-sheet-check-in": Case(
        DESK, "post", url("treatments:day-sheet-check-in", "arriving"), fields_of(DaySheetForm)
    ),
    "day-sheet-no-show": Case(
        DESK, "post", url("treatments:day-sheet-no-show", "missed"), fields_of(DaySheetForm)
    ),
    "booking-link": Case(DESK, "get", url("treatments:book"), booking_link_data),
    "booking": Case(DESK, "post", url("treatments:book"), booking_data, {"q": junk}),
    "series-accept": Case(
        DESK, "post", url("treatments:series-accept", "series"), series_week_data
    ),
    "waitlist-lookup": Case(
        DESK, "get", url("treatments:waitlist-add"), fields_of(PatientLookupForm)
    ),
    "waitlist-add": Case(DESK, "post", url("treatments:waitlist-add"), waitlist_data),
    "answer-typed": Case(PHYSIO, "post", lambda records: records["typed_url"],
                         answer_data("psfs", typed=True)),
    "answer-psfs-by-link": Case(VISITOR, "post", lambda records: records["answer_urls"]["psfs"],
                                answer_data("psfs")),
    "answer-groc-by-link": Case(VISITOR, "post", lambda records: records["answer_urls"]["groc"],
                                answer_data("groc")),
    "course-measures": Case(PHYSIO, "post", url("treatments:course-measures", "course"),
                            fields_of(MeasuresForm)),
    "discharge-summary": Case(PHYSIO, "post", url("treatments:discharge-summary", "course"),
                              fields_of(DischargeForm)),
    "answer-correction": Case(PHYSIO, "post", url("treatments:response-correct",
                                                  "typed_response"), correction_data),
    "audit-trail": Case(ADMIN, "get", url("audit-trail"), fields_of(AuditFilterForm),
                        {"page": junk}),
    "audit-trail-csv": Case(ADMIN, "get", url("audit-trail-csv"), fields_of(AuditFilterForm)),
    "results": Case(ADMIN, "get", url("treatments:results"), fields_of(ResultsForm)),
    "results-csv": Case(PHYSIO, "get", url("treatments:results-csv"), fields_of(ResultsForm)),
    "report": Case(ADMIN, "get", url("treatments:report-attendance"), fields_of(ReportForm)),
    "report-csv": Case(ADMIN, "get", url("treatments:report-utilisation-csv"),
                       fields_of(ReportForm)),
}  # fmt: skip


@pytest.fixture
def records():
    """A small clinic: two patients with courses and visits in every state, and the staff."""
    with time_machine.travel(NOON, tick=False):
        physiotherapist = make_physiotherapist(first_name="Priya", last_name="Physio")
        other_physiotherapist = make_physiotherapist(first_name="Omar", last_name="Other")
        front_desk = make_front_desk()
        course = ready_for_needling(physiotherapist=physiotherapist)
        patient = course.patient
        charted = make_visit(course, TODAY - timedelta(days=21), status=Visit.Status.ATTENDED)
        chart_visit(charted, physiotherapist, sites=2)
        attended = make_visit(course, TODAY - timedelta(days=7), status=Visit.Status.ATTENDED)
        booked = make_visit(course, TODAY + timedelta(days=8), time(10, 0))
        other_course = ready_for_needling(physiotherapist=other_physiotherapist)
        other_charted = make_visit(
            other_course, TODAY - timedelta(days=7), status=Visit.Status.ATTENDED
        )
        other_chart = chart_visit(other_charted, other_physiotherapist)
        assessment = make_visit(
            None, TODAY - timedelta(days=2), kind=INITIAL_ASSESSMENT, patient=patient,
            physiotherapist=physiotherapist,
        )  # fmt: skip
        make_course(
            patient, physiotherapist, status=TreatmentCourse.Status.COMPLETED, ended_on=TODAY
        )
        archived = make_patient()
        make_course(archived, physiotherapist)
        archived.archive()
        WaitlistEntry.objects.create(patient=patient)
        # Today's, for the day sheet: one to check in (at 13:00), one begun to mark a no-show.
        arriving = make_visit(
            None, TODAY, time(13), kind=INITIAL_ASSESSMENT, patient=make_patient(),
            physiotherapist=other_physiotherapist,
        )  # fmt: skip
        missed = make_visit(
            None, TODAY, time(9), kind=INITIAL_ASSESSMENT, patient=make_patient(),
            physiotherapist=other_physiotherapist,
        )  # fmt: skip
        # Signed in once, outside the examples' savepoints, which would roll the sign-in back.
        clients = {"anonymous": Client(), "front_desk": signed_in(front_desk),
                   "physiotherapist": signed_in(physiotherapist),
                   "clinic_admin": signed_in(make_clinic_admin())}  # fmt: skip
        # A patient signed in online, cancelling a visit of theirs a week ahead.
        online = make_patient(email="online@example.com")
        online.turn_on_online_access()
        online_visit = make_visit(make_course(online, physiotherapist), TODAY + timedelta(days=9))
        clients["patient"] = Client()
        client_session = clients["patient"].session
        client_session[PATIENT_SESSION_KEY] = online.pk
        client_session.save()
        series = book_a_series_with_a_clash(
            clients["front_desk"], make_course(make_patient(), physiotherapist)
        )
        # Questionnaires: a PSFS and a GROC to answer through links, another course's PSFS.
        measures = {}
        for code in ["psfs", "groc"]:
            instrument = Instrument.objects.update_or_create(
                code=code, defaults={"title": code, "definition": definitions()[code]}
            )[0]
            measures[code] = CourseMeasure.objects.create(course=course, instrument=instrument)
        answer_urls = {
            code: reverse("treatments:answer", args=[make_link(
                measure, "baseline", AnswerLink.Channel.EMAIL, physiotherapist, sent_to="a@b.ca"
            )[1]])
            for code, measure in measures.items()
        }  # fmt: skip
        other_measure = CourseMeasure.objects.create(
            course=other_course, instrument=measures["psfs"].instrument
        )
        typed_url = reverse("treatments:measure-answer", args=[course.pk, measures["psfs"].pk])
        ndi = CourseMeasure.objects.create(
            course=course, instrument=Instrument.objects.get(code="ndi")
        )
        typed_response = record_response(
            ndi, occasion="baseline", answers=dict.fromkeys(map(str, range(1, 11)), 2),
            source="typed",
        )  # fmt: skip
    return {
        "clients": clients,
        "usernames": [physiotherapist.username, front_desk.username, "nobody"],
        "physiotherapists": [physiotherapist, other_physiotherapist],
        "patient": patient.pk, "course": course.pk, "booked": booked.pk,
        "attended": attended.pk, "charted": charted.pk, "series": series,
        "assessment": assessment.pk, "other_course": other_course.pk,
        "site_ids": [site.pk for site in charted.chart.sites.all()],
        "other_site_ids": [site.pk for site in other_chart.sites.all()],
        "answer_urls": answer_urls, "typed_url": typed_url, "other_measure": other_measure.pk,
        "typed_response": typed_response.pk, "arriving": arriving.pk, "missed": missed.pk,
        "online_visit": online_visit.pk,
        "visit_link": reverse("patients:online-visit-link", args=[make_token(online_visit)]),
    }  # fmt: skip


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def book_a_series_with_a_clash(client: Client, course: TreatmentCourse) -> int:
    """Book three Wednesdays at 10:00 through the booking page; the second clashes with the
    physiotherapist's visit then, so it has a time offered instead. Returns the series' id."""
    data = {
        "patient": f"{course.patient_id}-{course.pk}", "visit_type": visit_type().pk,
        "physiotherapist": course.physiotherapist_id, "date": str(TODAY + timedelta(days=1)),
        "start_time": "10:00", "weeks": "3",
    }  # fmt: skip
    response = client.post(reverse("treatments:book"), data)
    return int(response["Location"].rstrip("/").rsplit("/", 1)[-1])


def assert_answered_safely(response) -> None:
    redirects = getattr(response, "redirect_chain", [])
    # Shown by --hypothesis-show-statistics: how many examples got past the form.
    event(f"{'redirected, then ' if redirects else ''}answered {response.status_code}")
    assert response.status_code < 500
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert LIVE_SCRIPT not in body
    for location, _status in redirects:
        assert urlsplit(location).netloc in {"", "testserver"}, location


@pytest.mark.parametrize("name", sorted(CASES))
@hypothesis_settings(
    # The records are made once per form; each example is rolled back, so none sees another's.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_a_form_fed_made_up_input_never_fails_or_sends_back_a_live_script(records, name, data):
    case = CASES[name]
    sent = data.draw(spoiled(case.data(records)), label="form")
    sent |= data.draw(st.fixed_dictionaries(case.extra), label="extra")
    sent |= data.draw(st.dictionaries(junk, junk, max_size=2), label="fields the form lacks")
    with time_machine.travel(NOON, tick=False), transaction.atomic():
        client = records["clients"][case.role]
        if case.method == "get":
            response = client.get(case.url(records), sent)
        else:
            response = client.post(case.url(records), sent, follow=True)
        assert_answered_safely(response)
        transaction.set_rollback(True)
