"""Front desk staff see contact and appointment data only: no clinical field, one by one.

Each clinical field of each model is filled, alone, with a value no page would print by chance.
A front-desk user then opens every page they can reach for that patient, and none may show it;
the physiotherapist opens the page where the field belongs and must see it, so a test cannot
pass because the value was never written anywhere.

The fields, as this test classifies them:

- Contact and appointment data, which front desk staff read and write: the patient's names, date
  of birth, phone, email, emergency contact and referral source; a visit's date, time,
  length, physiotherapist, status and reason for cancelling; a course's physiotherapist and
  start date (the booking pages name a course by them) and whether it is active; waitlist
  entries and their notes; the emails sent.
- Clinical, listed in CLINICAL below: the patient's primary concern; every field of a screening,
  its precautions, a consent, a chart, its needled sites and adverse events; a course's
  region, goals, expected length, baseline pain, end date and reason for ending.

Clinical fields no test below can catch, and why:

- who signed a screening, obtained a consent or charted a visit (the user fields): every
  physiotherapist's name is on the booking pages already, so a name proves nothing; the records
  those fields belong to are never loaded for front desk staff (patients/views.py,
  treatments/views.py), which the fields tested here show;
- Consent.explained, and the times records were made or changed: no page shows them to anyone.

The booking page says how many more visits a course expects ("2 more visits expected"), a
number worked out from the expected length; it is there to book the right number of weeks, and
the length itself ("Short: 2-3 visits") is not shown.
"""

import html
import re
from dataclasses import dataclass
from datetime import date, time, timedelta
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from patients.models import Consent, Patient, Precaution, Screening
from tests.factories import (
    TODAY,
    make_consent,
    make_course,
    make_front_desk,
    make_patient,
    make_physiotherapist,
    make_screening,
    make_visit,
)
from treatments.models import (
    AdverseEvent,
    Chart,
    NeedledSite,
    TreatmentCourse,
    WaitlistEntry,
)

pytestmark = pytest.mark.django_db


def sentinel(model, field: str) -> str:
    return f"Sentinel-{model.__name__}-{field}-7f3a"


def shown_date(day: date) -> str:
    """A date as any page or calendar file might print it."""
    return "|".join(
        re.escape(day.strftime(form))
        for form in ["%-d %b %Y", "%-d %B %Y", "%b. %-d, %Y", "%B %-d, %Y", "%Y-%m-%d", "%Y%m%d"]
    )


@dataclass
class Field:
    model: type
    name: str
    values: dict  # what is written (the field, and any field the constraints tie to it)
    shown_as: str  # a pattern that finds it on a page, case ignored
    page: str  # where the physiotherapist reads it: "patient", "course", "ended" or "chart"

    def __str__(self) -> str:
        return f"{self.model.__name__}.{self.name}"

    def found_in(self, response) -> list[str]:
        return [m.group() for m in re.finditer(self.shown_as, readable(response), re.I)]


def text(model, name: str, page: str, **also) -> Field:
    value = sentinel(model, name)
    return Field(model, name, {name: value, **also}, re.escape(value), page)


def label(model, name: str, value, shown_as: str, page: str, **also) -> Field:
    return Field(model, name, {name: value, **also}, shown_as, page)


def stimulation(name: str, value, shown_as: str) -> Field:
    """Electrical stimulation is recorded whole (Hz, mA and minutes) or not at all."""
    whole = {"electrical_stimulation": True, "stimulation_hz": 2, "stimulation_ma": 1,
             "stimulation_minutes": 10}  # fmt: skip
    return Field(Chart, name, {**whole, name: value}, shown_as, "chart")


SCREENED, CONSENTED, WITHDRAWN, ENDED = (date(2019, 2, 23), date(2019, 3, 14), date(2021, 6, 9),
                                         date(2022, 8, 19))  # fmt: skip
SUBSTITUTE = Consent.GivenBy.SUBSTITUTE

# fmt: off
CLINICAL = [
    text(Patient, "primary_concern", "patient"),
    label(Screening, "screened_on", SCREENED, shown_date(SCREENED), "patient"),
    *[
        label(Screening, name, True, str(Screening._meta.get_field(name).verbose_name), "patient")
        for name in Screening.DO_NOT_NEEDLE_FIELDS
    ],
    text(Screening, "note", "patient"),
    label(Precaution, "kind", Precaution.Kind.METAL_ALLERGY, "Allergy to metal", "patient"),
    label(Precaution, "decision", Precaution.Decision.MODIFY, "Proceed with changes", "patient"),
    text(Precaution, "note", "patient"),
    label(Consent, "consented_on", CONSENTED, shown_date(CONSENTED), "patient"),
    label(Consent, "given_by", SUBSTITUTE, "substitute decision-maker", "patient",
          substitute_name="Robin Carer"),
    text(Consent, "substitute_name", "patient", given_by=SUBSTITUTE),
    label(Consent, "withdrawn_on", WITHDRAWN, shown_date(WITHDRAWN), "patient",
          consented_on=date(2021, 1, 4)),
    text(TreatmentCourse, "region", "course"),
    text(TreatmentCourse, "goals", "course"),
    label(TreatmentCourse, "expected_length", TreatmentCourse.Length.EXTENDED,
          "Extended|6-12 visits", "course"),
    label(TreatmentCourse, "baseline_pain", 8, r"\b8 out of 10|baseline", "course"),
    label(TreatmentCourse, "ended_on", ENDED, shown_date(ENDED), "ended"),
    text(TreatmentCourse, "end_reason", "ended"),
    label(Chart, "consent_confirmed", True, "confirmed by", "chart"),
    label(Chart, "consent_confirmed_by", SUBSTITUTE, "substitute decision-maker", "chart"),
    label(Chart, "patient_position", Chart.Position.SITTING, "fainting is likelier",
          "chart"),
    stimulation("electrical_stimulation", True, r"\bHz\b"),
    stimulation("stimulation_hz", 87.5, r"87\.5 Hz"),
    stimulation("stimulation_ma", 13.5, r"13\.5 mA"),
    stimulation("stimulation_minutes", 43, r"\b43 minutes"),
    label(Chart, "pain_before", 9, r"\b9 out of 10|pain before", "chart"),
    label(Chart, "pain_after", 1, r"\b1 out of 10|pain after", "chart"),
    text(Chart, "retest_note", "chart"),
    text(Chart, "note", "chart"),
    text(NeedledSite, "muscle", "chart"),
    label(NeedledSite, "side", NeedledSite.Side.BOTH, r"\bBoth\b", "chart"),
    label(NeedledSite, "site_type", NeedledSite.SiteType.PAIN_SITE, "At the pain site", "chart"),
    label(NeedledSite, "spinal_segment", "T11", r"\bT11\b", "chart"),
    label(NeedledSite, "response", NeedledSite.Response.GRASP, r"Grasp \(cramp\)", "chart"),
    label(NeedledSite, "insertions", 37, r">\s*37\s*<", "chart"),
    label(NeedledSite, "over_thorax", True, "thorax", "chart"),
    label(AdverseEvent, "kind", AdverseEvent.Kind.PNEUMOTHORAX, "pneumothorax", "chart"),
    label(AdverseEvent, "severity", AdverseEvent.Severity.SERIOUS, r"\bserious\b", "chart"),
    text(AdverseEvent, "note", "chart"),
]
# fmt: on
TEXT_FIELDS = [
    field for field in CLINICAL if field.values[field.name] == sentinel(field.model, field.name)
]


@pytest.fixture
def record():
    """One patient's whole record, with plain values, and the other records around it that
    bring the patient onto the front desk's pages: a booked visit left open (so the patient
    is due), a place on the waitlist, and another patient's cancelled slot they could take."""
    physiotherapist = make_physiotherapist(first_name="Priya", last_name="Physio")
    patient = make_patient(legal_first_name="Avery", legal_last_name="Lopez",
                           primary_concern="Plain concern")  # fmt: skip
    screening = make_screening(patient, physiotherapist, note="Plain screening note")
    precaution = Precaution.objects.create(
        screening=screening, kind=Precaution.Kind.BLEEDING, decision=Precaution.Decision.PROCEED,
        note="Plain precaution note",
    )  # fmt: skip
    consent = make_consent(patient, physiotherapist)
    ended = make_course(
        patient, physiotherapist, region="Left knee", status=TreatmentCourse.Status.DISCONTINUED,
        started_on=date(2022, 5, 2), ended_on=date(2022, 7, 1), end_reason="Moved away",
    )  # fmt: skip
    course = make_course(patient, physiotherapist)
    attended = make_visit(course, TODAY - timedelta(days=14), time(9, 0), status="attended")
    chart = Chart.objects.create(
        visit=attended, consent_confirmed=True, patient_position=Chart.Position.PRONE,
        pain_before=6, pain_after=4, note="Plain chart note", charted_by=physiotherapist,
    )  # fmt: skip
    site = NeedledSite.objects.create(
        chart=chart, muscle="Plain muscle", side=NeedledSite.Side.LEFT,
        site_type=NeedledSite.SiteType.PARASPINAL, spinal_segment="L5",
        response=NeedledSite.Response.TWITCH, insertions=2,
    )  # fmt: skip
    event = AdverseEvent.objects.create(
        chart=chart, kind=AdverseEvent.Kind.BRUISING, severity=AdverseEvent.Severity.MILD
    )
    booked = make_visit(course, TODAY - timedelta(days=1), time(11, 0))
    WaitlistEntry.objects.create(patient=patient, note="Mornings only")
    freed = make_visit(
        make_course(make_patient(), physiotherapist), TODAY + timedelta(days=10), time(15, 0),
        status="cancelled", cancellation_reason="Called in sick",
    )  # fmt: skip
    return {
        "physiotherapist": physiotherapist, "patient": patient, "course": course, "ended": ended,
        "attended": attended, "booked": booked, "freed": freed,
        "token": physiotherapist.physiotherapist_profile.renew_calendar_token(),
        Patient: patient, Screening: screening, Precaution: precaution, Consent: consent,
        Chart: chart, NeedledSite: site, AdverseEvent: event,
    }  # fmt: skip


def front_desk_pages(record) -> list[str]:
    """Every page a front-desk user can open that shows this patient or their visits."""
    patient, course = record["patient"], record["course"]
    attended, booked, freed = record["attended"], record["booked"], record["freed"]
    name = {"q": patient.legal_last_name}
    slot = {**name, "physiotherapist": record["physiotherapist"].pk, "date": TODAY.isoformat(),
            "time": "16:00"}  # fmt: skip
    pages = [
        reverse("patients:patient-list") + query(name),
        reverse("patients:patient-detail", args=[patient.pk]),
        reverse("patients:patient-edit", args=[patient.pk]),
        reverse("treatments:book") + f"?course={course.pk}",
        reverse("patients:patient-archive", args=[patient.pk]),
        reverse("treatments:book") + query(name),
        reverse("treatments:book") + query(slot),
        reverse("treatments:due-list"),
        reverse("treatments:waitlist"),
        reverse("treatments:waitlist-add") + query(name),
        reverse("treatments:waitlist-add") + query({"patient": patient.pk}),
    ]
    for visit in [attended, booked, freed]:
        pages.append(reverse("treatments:calendar") + query(
            {"physiotherapist": visit.physiotherapist_id, "week": visit.date.isoformat()}
        ))  # fmt: skip
        pages.append(reverse("treatments:visit-detail", args=[visit.pk]))
    for visit in [attended, booked]:
        pages.append(reverse("treatments:visit-move", args=[visit.pk]))
        pages.append(reverse("treatments:visit-cancel", args=[visit.pk]))
        pages.append(reverse("treatments:visit-ics", args=[visit.pk]))
    return pages


def query(params: dict) -> str:
    return "?" + urlencode(params)


def readable(response) -> str:
    """The response as a reader gets it: entities decoded, calendar lines unfolded."""
    content = response.content.decode()
    if response["Content-Type"].startswith("text/calendar"):
        content = content.replace("\r\n ", "")
    return html.unescape(content)


def write(field: Field, record) -> None:
    obj = record["ended"] if field.page == "ended" else record.get(field.model, record["course"])
    type(obj).objects.filter(pk=obj.pk).update(**field.values)


def physiotherapist_page(field: Field, record) -> str:
    return {
        "patient": record["patient"].get_absolute_url(),
        "course": record["course"].get_absolute_url(),
        "ended": record["ended"].get_absolute_url(),
        "chart": record["attended"].get_absolute_url(),
    }[field.page]


@pytest.mark.parametrize("field", CLINICAL, ids=str)
def test_no_page_shows_a_clinical_field_to_the_front_desk(client, record, field):
    write(field, record)
    client.force_login(make_front_desk())
    found = []
    for url in front_desk_pages(record):
        response = client.get(url)
        assert response.status_code == 200, url
        found += [f"{url}: {shown}" for shown in field.found_in(response)]
    feed = Client().get(reverse("treatments:physiotherapist-feed", args=[record["token"]]))
    assert feed.status_code == 200
    found += [f"the physiotherapist's feed: {shown}" for shown in field.found_in(feed)]
    assert found == []

    client.force_login(record["physiotherapist"])
    response = client.get(physiotherapist_page(field, record))
    assert response.status_code == 200
    assert field.found_in(response), "the physiotherapist sees it"


@pytest.mark.parametrize("field", TEXT_FIELDS, ids=str)
def test_searching_for_clinical_words_finds_no_patient(client, record, field):
    write(field, record)
    client.force_login(make_front_desk())
    words = {"q": sentinel(field.model, field.name)}
    for url in [reverse("patients:patient-list"), reverse("treatments:book"),
                reverse("treatments:waitlist-add")]:  # fmt: skip
        response = client.get(url, words)
        assert response.status_code == 200
        assert "Lopez" not in readable(response), url
