"""A patient's whole record, for an access request: every screening, consent, course, visit
and chart, with each chart's amendments. One structure feeds the printable page and the JSON."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from patients.models import Consent, Patient, Screening
from patients.roles import display_name
from treatments.models import Chart, DischargeSummary, MeasureResponse, TreatmentCourse, Visit
from treatments.outcomes import fhir
from treatments.outcomes.measures import with_measures

# Internal or derived columns that say nothing the rest of the record does not.
LEFT_OUT = {"id", "phone_digits", "starts_at", "ends_at", "updated_at", "patient", "course",
            "visit", "screening", "chart", "measure", "definition"}  # fmt: skip

# The whole record's sections as the printed page heads them.
HEADINGS = {"screenings": _("Screenings"), "consents": _("Consents"),
            "courses": _("Courses of treatment"),
            "visits_outside_courses": _("Visits outside a course of treatment"),
            "precautions": _("Precautions"), "visits": _("Visits"), "chart": _("Chart"),
            "needled_sites": _("Needled sites"), "adverse_events": _("Adverse events"),
            "versions": _("Versions"), "questionnaires": _("Questionnaires"),
            "answers": _("Answers"), "discharge_summary": _("Discharge summary")}  # fmt: skip


def _day(value: date) -> str:
    """A day as the pages write it, in the reader's language (never strftime's English)."""
    return date_format(value, "j F Y")


@dataclass
class Part:
    """One record: its fields as (name, label, value), and the records filed under it."""

    title: str
    fields: list[tuple[str, str, object]]
    children: dict[str, list["Part"]] = field(default_factory=dict)

    @property
    def sections(self) -> list[tuple[str, list["Part"]]]:
        """The records filed under this one, each kind under its heading, for the page."""
        return [(HEADINGS.get(key, key.replace("_", " ").capitalize()), parts)
                for key, parts in self.children.items()]  # fmt: skip

    def as_json(self) -> dict:
        data = {name: value for name, _label, value in self.fields}
        for key, parts in self.children.items():
            data[key] = [part.as_json() for part in parts]
        return data


def _value(record, model_field):
    if model_field.is_relation:
        related = getattr(record, model_field.name)
        if isinstance(related, get_user_model()):  # staff, named as the pages name them
            return display_name(related)
        return str(related) if related is not None else None
    if model_field.choices:
        return getattr(record, f"get_{model_field.name}_display")()
    value = getattr(record, model_field.attname)
    if isinstance(value, datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list):  # consent topics
        return ", ".join(str(item) for item in value)
    return value


def _part(record, title: str, **children) -> Part:
    fields = [
        (f.name, str(f.verbose_name), _value(record, f))
        for f in record._meta.concrete_fields
        if f.name not in LEFT_OUT
    ]
    return Part(title, fields, children)


def _version_part(version) -> Part:
    at = timezone.localtime(version.history_date)
    by = display_name(version.history_user) if version.history_user else None
    fields = [("at", gettext("when"), at.isoformat()), ("by", gettext("by"), by),
              ("reason", gettext("reason"), version.history_change_reason)]  # fmt: skip
    when = date_format(at, "j F Y H:i")
    return Part(gettext("Version of %(when)s") % {"when": when}, fields)


def _chart_part(chart, versions) -> Part:
    return _part(
        chart, gettext("Chart"),
        needled_sites=[_part(site, str(site)) for site in chart.sites.all()],
        adverse_events=[_part(event, str(event)) for event in chart.adverse_events.all()],
        versions=[_version_part(version) for version in versions],
    )  # fmt: skip


def _measure_part(measure) -> Part:
    """A questionnaire chosen for the course, with each scored answer."""
    title = measure.instrument.shown_title
    fields = [("instrument", gettext("questionnaire"), title),
              ("code", gettext("code"), measure.instrument.code)]  # fmt: skip
    answers = [
        _part(response, gettext("%(occasion)s of %(day)s") % {
            "occasion": response.get_occasion_display(), "day": _day(response.answered_on)})
        for response in measure.responses.all()
    ]  # fmt: skip
    return Part(title, fields, {"answers": answers})


def _discharge_parts(course) -> list[Part]:
    try:
        return [_part(course.discharge_summary, gettext("Discharge summary"))]
    except DischargeSummary.DoesNotExist:
        return []


def patient_record(patient_pk: int) -> Part:
    """The whole record in a fixed number of queries, however long it is."""
    visits = Visit.objects.select_related(
        "physiotherapist", "visit_type", "location", "chart__charted_by", "chart__signed_by"
    ).prefetch_related("chart__sites", "chart__adverse_events")
    patient = Patient.objects.prefetch_related(
        Prefetch("screenings", Screening.objects.select_related("signed_by")
                 .prefetch_related("precautions")),
        Prefetch("consents", Consent.objects.select_related("obtained_by")),
        Prefetch("courses", with_measures(
            TreatmentCourse.objects.select_related(
                "physiotherapist", "discharge_summary__written_by"
            )
            .prefetch_related(Prefetch("visits", visits))
        )),
        # An assessment or a follow-up may come before any course.
        Prefetch("visits", visits.filter(course__isnull=True), to_attr="outside_courses"),
    ).get(pk=patient_pk)  # fmt: skip
    all_visits = [v for c in patient.courses.all() for v in c.visits.all()]
    all_visits += patient.outside_courses
    chart_ids = [visit.chart.pk for visit in all_visits if visit.is_charted]
    versions = defaultdict(list)  # every saved version of each chart, oldest first
    for version in (
        Chart.history.filter(id__in=chart_ids)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    ):
        versions[version.id].append(version)

    def visit_part(visit: Visit) -> Part:
        charts = [_chart_part(visit.chart, versions[visit.chart.pk])] if visit.is_charted else []
        title = gettext("%(visit_type)s of %(day)s") % {
            "visit_type": visit.visit_type, "day": _day(visit.date)}  # fmt: skip
        return _part(visit, title, chart=charts)

    courses = [
        _part(course, gettext("Course: %(region)s") % {"region": course.region},
              visits=[visit_part(visit) for visit in course.visits.all()],
              questionnaires=[_measure_part(measure) for measure in course.measures.all()],
              discharge_summary=_discharge_parts(course))
        for course in patient.courses.all()
    ]  # fmt: skip
    outside = [visit_part(visit) for visit in patient.outside_courses]
    screenings = [
        _part(s, gettext("Screening of %(day)s") % {"day": _day(s.screened_on)},
              precautions=[_part(p, p.get_kind_display()) for p in s.precautions.all()])
        for s in patient.screenings.all()
    ]  # fmt: skip
    consents = [_part(c, gettext("Consent of %(day)s") % {"day": _day(c.consented_on)})
                for c in patient.consents.all()]  # fmt: skip
    return _part(patient, patient.full_name, screenings=screenings, consents=consents,
                 courses=courses, visits_outside_courses=outside)  # fmt: skip


# Left out of the patient's own copy: the front desk's switch for their online access (a copy
# of their email on file), which says nothing about their care. Everything else they are owed.
STAFF_ONLY = {"online_access_email"}


def patients_copy(patient_pk: int) -> Part:
    """The whole record as the patient downloads it, in the same number of queries."""
    record = patient_record(patient_pk)
    record.fields = [field for field in record.fields if field[0] not in STAFF_ONLY]
    return record


def fhir_answers(patient_pk: int) -> dict:
    """Every questionnaire the patient answered, as FHIR R5 Questionnaire and
    QuestionnaireResponse resources (treatments/outcomes/fhir.py), in one query."""
    responses = MeasureResponse.objects.filter(
        measure__course__patient_id=patient_pk
    ).select_related("measure__instrument")
    questionnaires, answered = {}, []
    for response in responses:
        definition = response.measure.instrument.definition
        questionnaires.setdefault(definition["code"], fhir.questionnaire(definition))
        answered.append(fhir.questionnaire_response(
            definition, response.answers, activities=response.activities,
            authored=response.answered_on, subject_reference=f"Patient/{patient_pk}",
        ))  # fmt: skip
    return {"questionnaires": list(questionnaires.values()), "questionnaire_responses": answered}
