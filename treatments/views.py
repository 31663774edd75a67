"""Views of the treatments app: the physiotherapist's dashboard, courses, visits and charts.

Each view checks the role, loads what it shows, validates a form and calls a service from
treatments/scheduling.py or treatments/charting.py, which hold the rules. A service's
ValidationError is shown on the form or as a message, never as an error page.
"""

from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from ims_clinic import audit
from patients.models import Patient
from patients.roles import booking_staff, clinical_staff, is_physiotherapist
from treatments import scheduling
from treatments.charting import needling_problems, record_chart, sign_chart
from treatments.forms import (
    BookingForm,
    CancelForm,
    ChartForm,
    CourseEditForm,
    CourseForm,
    VisitTimeForm,
    add_service_errors,
    adverse_event_formset,
    needled_site_formset,
)
from treatments.models import Chart, TreatmentCourse, Visit
from treatments.progress import course_progress, pain_chart
from treatments.worklist import waitlist_candidates


def _posted(request):
    return request.POST if request.method == "POST" else None


@clinical_staff
def dashboard(request):
    today = timezone.localdate()
    todays_visits = (
        Visit.objects.on(today).for_physiotherapist(request.user).select_related("patient")
    )
    # Every active course with all its visits and charts, in two queries however many.
    courses = (
        TreatmentCourse.objects.active()
        .for_physiotherapist(request.user)
        .select_related("patient")
        .prefetch_related(Prefetch("visits", queryset=Visit.objects.select_related("chart")))
    )
    progresses = [course_progress(course, course.visits.all(), today) for course in courses]
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
    ctx = {
        "today": today,
        "todays_visits": todays_visits,
        "to_sign": to_sign,
        "active_count": len(progresses),
        "flagged": [progress for progress in progresses if progress.flags],
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
        messages.success(request, f"Course opened for {patient}: {course.region}.")
        return redirect(course)
    return render(request, "treatments/course_form.html", {"patient": patient, "form": form})


@clinical_staff
def course_detail(request, pk: int):
    course = get_object_or_404(
        TreatmentCourse.objects.select_related("patient", "physiotherapist"), pk=pk
    )
    visits = list(
        course.visits.select_related("chart", "physiotherapist").with_needled_site_count()
    )
    progress = course_progress(course, visits)
    ctx = {
        "course": course,
        "progress": progress,
        "pain_chart": pain_chart(progress),
        "booked": [s for s in visits if s.status == Visit.Status.BOOKED],
        "missed": [s for s in visits if not s.counts_for_weekly_rule],
    }
    audit.viewed(request, course)
    return render(request, "treatments/course_detail.html", ctx)


@clinical_staff
def course_edit(request, pk: int):
    course = get_object_or_404(TreatmentCourse.objects.select_related("patient"), pk=pk)
    title = str(course)  # before the form changes the instance
    form = CourseEditForm(_posted(request), instance=course)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Course saved.")
        return redirect(course)
    audit.viewed(request, course, "edit form")
    ctx = {"course": course, "patient": course.patient, "title": title, "form": form}
    return render(request, "treatments/course_edit.html", ctx)


def _offered_time(request) -> dict:
    """A date, time and physiotherapist carried by the link (a freed slot offered to someone on
    the waitlist), as the form's starting values; whatever does not validate is left out."""
    offered = {}
    when = VisitTimeForm(request.GET)
    if when.is_valid():
        offered.update(date=when.cleaned_data["date"], start_time=when.cleaned_data["start_time"])
    try:
        physiotherapist = BookingForm.base_fields["physiotherapist"].clean(
            request.GET.get("physiotherapist")
        )
    except ValidationError:
        physiotherapist = None
    if physiotherapist is not None:
        offered["physiotherapist"] = physiotherapist.pk
    return offered


@booking_staff
def visit_create(request, course_pk: int):
    course = get_object_or_404(TreatmentCourse.objects.select_related("patient"), pk=course_pk)
    initial = {"physiotherapist": course.physiotherapist_id, **_offered_time(request)}
    form = BookingForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            visit = scheduling.book_visit(
                course=course,
                physiotherapist=form.cleaned_data["physiotherapist"],
                day=form.cleaned_data["date"],
                start_time=form.cleaned_data["start_time"],
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Visit booked: {visit}.")
            return redirect(visit)
    recent = (
        Visit.objects.counting()
        .for_patient(course.patient)
        .filter(date__gte=timezone.localdate() - timedelta(days=14))
    )
    ctx = {"course": course, "patient": course.patient, "form": form, "recent": recent}
    return render(request, "treatments/visit_create.html", ctx)


@booking_staff
def visit_detail(request, pk: int):
    # Front desk staff book and move visits but never receive the clinical record, so the
    # chart is not even loaded for them.
    clinical = is_physiotherapist(request.user)
    visits = Visit.objects.select_related("patient", "course", "physiotherapist")
    if clinical:
        visits = visits.select_related("chart__charted_by", "chart__signed_by")
    visit = get_object_or_404(visits, pk=pk)
    ctx = {"visit": visit, "clinical": clinical}
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


@booking_staff
def visit_move(request, pk: int):
    visit = get_object_or_404(Visit.objects.select_related("patient"), pk=pk)
    form = VisitTimeForm(
        _posted(request), initial={"date": visit.date, "start_time": visit.start_time}
    )
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.move_visit(
                visit, day=form.cleaned_data["date"], start_time=form.cleaned_data["start_time"]
            )
        except ValidationError as error:
            visit.refresh_from_db()  # the service changed it in memory before refusing
            add_service_errors(form, error)
        else:
            messages.success(request, f"Visit moved: {visit}.")
            return redirect(visit)
    return render(request, "treatments/visit_move.html", {"visit": visit, "form": form})


@booking_staff
def visit_cancel(request, pk: int):
    visit = get_object_or_404(Visit.objects.select_related("patient"), pk=pk)
    form = CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.cancel_visit(visit, reason=form.cleaned_data["cancellation_reason"])
        except ValidationError as error:
            visit.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, f"Visit cancelled: {visit}.")
            return redirect(visit)
    return render(request, "treatments/visit_cancel.html", {"visit": visit, "form": form})


def _change_status(request, pk: int, change: Callable[[Visit], Visit], done: str):
    visit = get_object_or_404(Visit.objects.select_related("patient"), pk=pk)
    try:
        change(visit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(visit)


@booking_staff
@require_POST
def visit_restore(request, pk: int):
    return _change_status(
        request, pk, scheduling.restore_visit, "Visit restored: it is booked again."
    )


@booking_staff
@require_POST
def visit_attended(request, pk: int):
    return _change_status(request, pk, scheduling.mark_attended, "Visit marked attended.")


@booking_staff
@require_POST
def visit_no_show(request, pk: int):
    return _change_status(request, pk, scheduling.mark_no_show, "Visit marked as a no-show.")


@clinical_staff
def visit_chart(request, pk: int):
    visit = get_object_or_404(Visit.objects.select_related("patient", "course", "chart"), pk=pk)
    problems = needling_problems(visit, request.user)
    if problems:
        ctx = {"visit": visit, "problems": problems}
        return render(request, "treatments/visit_chart.html", ctx)
    correcting = visit.is_charted
    chart = visit.chart if correcting else Chart(visit=visit)
    amending = correcting and chart.is_signed
    data = _posted(request)
    form = ChartForm(data, instance=chart, amending=amending)
    sites = needled_site_formset(correcting)(data, instance=chart, prefix="sites")
    events = adverse_event_formset(correcting)(data, instance=chart, prefix="events")
    if data is not None and all([form.is_valid(), sites.is_valid(), events.is_valid()]):
        new_sites, new_events = sites.save(commit=False), events.save(commit=False)
        try:
            record_chart(
                visit=visit,
                chart=form.save(commit=False),
                sites=new_sites,
                adverse_events=new_events,
                removed=[*sites.deleted_objects, *events.deleted_objects],
                charted_by=request.user,
                correction_reason=form.cleaned_data.get("correction_reason", ""),
                sign="sign" in data,
            )
        except ValidationError as error:
            visit.refresh_from_db()  # nothing was saved; show the visit as it is
            add_service_errors(form, error)
        else:
            if amending:
                done = "Chart amended; the earlier version is kept."
            elif "sign" in data:
                done = "Chart saved and signed."
            else:
                done = "Draft chart saved. Sign it when it is complete."
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
    }
    return render(request, "treatments/visit_chart.html", ctx)


@clinical_staff
@require_POST
def chart_sign(request, pk: int):
    visit = get_object_or_404(Visit.objects.select_related("chart__charted_by"), pk=pk)
    if not visit.is_charted:
        messages.error(request, "This visit has no chart to sign.")
        return redirect(visit)
    try:
        sign_chart(visit.chart, signed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Chart signed. From now on it is amended only with a reason.")
    return redirect(visit)
