"""Views of the treatments app: the physiotherapist's dashboard, courses, visits and charts.

Each view checks the role, loads what it shows, validates a form and calls a service
(treatments/charting.py, treatments/booking/services.py), which holds the rules. A service's
ValidationError is shown on the form or as a message, never as an error page. Booking and the
changes to a booked visit are in treatments/booking/.
"""

from contextlib import suppress
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.forms.utils import ErrorDict, ErrorList
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ims_clinic import audit
from patients.models import Patient
from patients.roles import booking_staff, clinical_staff, is_physiotherapist
from treatments.booking import services
from treatments.booking.rules import AUTHORIZATION_NOTICE_DAYS
from treatments.charting import (
    charting_problems,
    listed_muscles,
    record_chart,
    sign_chart,
    sites_to_start_from,
)
from treatments.forms import (
    ChartForm,
    CourseEditForm,
    CourseForm,
    VisitNoteForm,
    add_service_errors,
    adverse_event_formset,
    needled_site_formset,
)
from treatments.models import (
    MOST_SITES,
    Chart,
    ClinicSettings,
    Location,
    PhysiotherapistProfile,
    TreatmentCourse,
    Visit,
)
from treatments.outcomes.measures import measure_progress, with_measures
from treatments.progress import course_progress, pain_chart
from treatments.worklist import waitlist_candidates

COURSE_ENDED = gettext_lazy("The course ended.")


def _posted(request):
    return request.POST if request.method == "POST" else None


@clinical_staff
def dashboard(request):
    today = timezone.localdate()
    todays_visits = (
        Visit.objects.on(today)
        .for_physiotherapist(request.user)
        .select_related("patient", "visit_type")
    )
    # Every active course with all its visits and charts, in two queries however many.
    courses = with_measures(
        TreatmentCourse.objects.active()
        .for_physiotherapist(request.user)
        .select_related("patient")
        .prefetch_related(Prefetch("visits", queryset=Visit.objects.select_related("chart")))
    )
    every = ClinicSettings.load().reassess_every
    progresses = [
        course_progress(course, course.visits.all(), today, measure_progress(course), every)
        for course in courses
    ]
    to_chart = (
        Visit.objects.attended_not_charted()
        .for_physiotherapist(request.user)
        .select_related("patient", "course")
    )
    to_sign = (
        Visit.objects.filter(chart__charted_by=request.user, chart__signed_at__isnull=True)
        .select_related("patient")
        .order_by("date")
    )
    profile = PhysiotherapistProfile.objects.filter(user=request.user).first()
    notice_until = today + timedelta(days=AUTHORIZATION_NOTICE_DAYS)
    ctx = {
        "today": today,
        "profile": profile,
        "authorization_ends_soon": profile is None
        or not profile.needling_authorized
        or profile.authorization_expires <= notice_until,
        "todays_visits": todays_visits,
        "to_sign": to_sign,
        "active_count": len(progresses),
        "flagged": [progress for progress in progresses if progress.review_flags],
        "to_chart": to_chart,
    }
    return render(request, "treatments/dashboard.html", ctx)


@clinical_staff
def course_create(request, patient_pk: int):
    patient = get_object_or_404(Patient, pk=patient_pk)
    if patient.is_archived:
        # A new course means new bookings; an archived record must be restored first.
        return render(request, "treatments/course_form.html", {"patient": patient})
    form = CourseForm(
        _posted(request),
        instance=TreatmentCourse(patient=patient),
        initial={"physiotherapist": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        course = form.save()
        messages.success(
            request,
            _("Course opened for %(patient)s: %(region)s.")
            % {"patient": patient, "region": course.region},
        )
        return redirect(course)
    return render(request, "treatments/course_form.html", {"patient": patient, "form": form})


@clinical_staff
def course_detail(request, pk: int):
    course = get_object_or_404(
        with_measures(TreatmentCourse.objects.select_related("patient", "physiotherapist")), pk=pk
    )
    visits = list(
        course.visits.select_related("chart", "physiotherapist").with_needled_site_count()
    )
    progress = course_progress(course, visits, measures=measure_progress(course))
    ctx = {
        "course": course,
        "progress": progress,
        "pain_chart": pain_chart(progress),
        "has_charts": progress.charted or any(m.responses for m in progress.measures),
        "booked": [s for s in visits if s.status == Visit.Status.BOOKED],
        "missed": [s for s in visits if not s.counts_for_weekly_rule],
    }
    audit.viewed(request, course)
    return render(request, "treatments/course_detail.html", ctx)


class NotSaved(Exception):
    """Leaves a transaction, undoing what it did, when the form turns out to be invalid."""


@clinical_staff
def course_edit(request, pk: int):
    course = get_object_or_404(TreatmentCourse.objects.select_related("patient"), pk=pk)
    title = str(course)  # before the form changes the instance
    booked = list(course.visits.booked().upcoming().select_related("physiotherapist"))
    form = CourseEditForm(_posted(request), instance=course, booked=booked)
    if request.method == "POST":
        # A course does not end while visits are still booked in it (TreatmentCourse.clean):
        # ticking the box cancels them in the same step, all or nothing.
        try:
            with transaction.atomic():
                if form.cancels_booked_visits():
                    services.cancel_upcoming(booked, reason=str(COURSE_ENDED))
                if not form.is_valid():
                    raise NotSaved
                form.save()
        except NotSaved:
            pass
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Course saved."))
            return redirect(course)
    audit.viewed(request, course, "edit form")
    ctx = {"course": course, "patient": course.patient, "title": title, "form": form,
           "booked": booked}  # fmt: skip
    return render(request, "treatments/course_edit.html", ctx)


@booking_staff
def visit_detail(request, pk: int):
    # Front desk staff book and move visits but never receive the clinical record, so the
    # chart is not even loaded for them.
    clinical = is_physiotherapist(request.user)
    visits = Visit.objects.select_related(
        "patient", "course", "physiotherapist", "visit_type", "location"
    )
    if clinical:
        visits = visits.select_related("chart__charted_by", "chart__signed_by")
    visit = get_object_or_404(visits, pk=pk)
    ctx = {
        # Where the visit is, said only when the clinic has more than one location.
        "several_locations": Location.objects.several(),
        "visit": visit,
        "clinical": clinical,
        "changes": visit.allowed_changes,
        "has_started": not visit.has_not_started,
    }
    if visit.status == Visit.Status.CANCELLED and visit.starts_at > timezone.now():
        # One query, however many are waiting; a slot that has passed is left alone.
        ctx["waitlist_candidates"] = waitlist_candidates(visit)
    if clinical and visit.is_charted:
        chart = visit.chart
        ctx.update(
            chart=chart,
            sites=list(chart.sites.all()),
            adverse_events=list(chart.adverse_events.all()),
            versions=list(chart.history.select_related("history_user")),
        )
    audit.viewed(request, visit, "with its chart" if "chart" in ctx else "")
    return render(request, "treatments/visit_detail.html", ctx)


@clinical_staff
def visit_chart(request, pk: int):
    """Chart a visit: the needling of an IMS treatment, or the visit note of any other visit."""
    visit = get_object_or_404(
        Visit.objects.select_related("patient", "course", "chart", "visit_type"), pk=pk
    )
    problems = charting_problems(visit, request.user)
    if problems:
        ctx = {"visit": visit, "problems": problems}
        return render(request, "treatments/visit_chart.html", ctx)
    correcting = visit.is_charted
    chart = visit.chart if correcting else Chart(visit=visit)
    amending = correcting and chart.is_signed
    data = _posted(request)
    # "Add a site" without script posts the form to get one more row: nothing is saved.
    adding_row = data is not None and "add_site" in data
    if adding_row:
        data = _with_one_more_row(data, "sites")
    form_class = ChartForm if visit.is_needling else VisitNoteForm
    form = form_class(data, instance=chart, amending=amending)
    sites = events = None
    listed = {}
    if visit.is_needling:
        listed = listed_muscles()
        sites = _site_rows(request, visit, chart, data, correcting, listed)
        events = adverse_event_formset(correcting)(data, instance=chart, prefix="events")
    rows = [rows for rows in (sites, events) if rows is not None]
    if adding_row:
        _not_checked_yet(form, *rows)
    elif data is not None and all([form.is_valid(), *(r.is_valid() for r in rows)]):
        try:
            record_chart(
                visit=visit,
                chart=form.save(commit=False),
                sites=sites.save(commit=False) if sites else [],
                adverse_events=events.save(commit=False) if events else [],
                removed=[item for r in rows for item in r.deleted_objects],
                charted_by=request.user,
                correction_reason=form.cleaned_data.get("correction_reason", ""),
                sign="sign" in data,
            )
        except ValidationError as error:
            visit.refresh_from_db()  # nothing was saved; show the visit as it is
            add_service_errors(form, error)
        else:
            if amending:
                done = _("Chart amended; the earlier version is kept.")
            elif "sign" in data:
                done = _("Chart saved and signed.")
            else:
                done = _("Draft chart saved. Sign it when it is complete.")
            messages.success(request, done)
            return redirect(visit)
    audit.viewed(request, visit, "chart form")
    ctx = {
        "visit": visit,
        "correcting": correcting,
        "amending": amending,
        "form": form,
        "sites": sites,
        "events": events,
        "is_assessment": not visit.is_needling,
        "muscles": sorted(listed.values(), key=lambda muscle: muscle.name),
        "muscle_levels": _muscle_levels(listed),
        "most_sites": MOST_SITES,
    }
    return render(request, "treatments/visit_chart.html", ctx)


START_FROM_LAST_VISIT = "last-visit"


def _site_rows(request, visit, chart, data, correcting: bool, listed: dict):
    """The needled-site rows: those on file when correcting; on a new chart three empty rows,
    or the sites of the last IMS visit when asked, each to confirm, change or remove."""
    initial = []
    if data is None and not correcting and request.GET.get("from") == START_FROM_LAST_VISIT:
        initial = sites_to_start_from(visit)
        if not initial:
            messages.info(request, _("No earlier IMS visit of this patient has needled sites."))
    extra = 1 if correcting else (len(initial) + 1 if initial else 3)
    return needled_site_formset(extra)(
        data, instance=chart, prefix="sites", initial=initial,
        form_kwargs={"listed_muscles": listed},
    )  # fmt: skip


def _with_one_more_row(data, prefix: str):
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    # A count that is not a number is left for the formset to refuse as tampered with.
    with suppress(ValueError):
        data[key] = str(min(int(data.get(key, "")) + 1, MOST_SITES))
    return data


def _not_checked_yet(*forms_and_formsets) -> None:
    """Show what was typed without errors: adding a row is not a submission."""
    for item in forms_and_formsets:
        if hasattr(item, "forms"):
            item._errors, item._non_form_errors = [], ErrorList()
            for row in item.forms:
                row._errors = ErrorDict()
        else:
            item._errors = ErrorDict()


def _muscle_levels(listed: dict) -> dict:
    """What the page's script needs to offer the paraspinal sites of a muscle in one click."""
    paraspinal = next((m.name for m in listed.values() if m.is_paraspinal), "")
    return {
        "paraspinal": paraspinal,
        "muscles": {m.name.casefold(): {"sides": m.has_sides, "levels": m.levels}
                    for m in listed.values()},
    }  # fmt: skip


@clinical_staff
@require_POST
def chart_sign(request, pk: int):
    visit = get_object_or_404(Visit.objects.select_related("chart__charted_by"), pk=pk)
    if not visit.is_charted:
        messages.error(request, _("This visit has no chart to sign."))
        return redirect(visit)
    try:
        sign_chart(visit.chart, signed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Chart signed. From now on it is amended only with a reason."))
    return redirect(visit)
