"""Views of the treatments app: the physiotherapist's dashboard, courses, sessions and charts.

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
    SessionTimeForm,
    add_service_errors,
    adverse_event_formset,
    needled_site_formset,
)
from treatments.models import Session, SessionChart, TreatmentCourse
from treatments.progress import course_progress, pain_chart
from treatments.worklist import waitlist_candidates


def _posted(request):
    return request.POST if request.method == "POST" else None


@clinical_staff
def dashboard(request):
    today = timezone.localdate()
    todays_sessions = (
        Session.objects.on(today).for_practitioner(request.user).select_related("patient")
    )
    # Every active course with all its sessions and charts, in two queries however many.
    courses = (
        TreatmentCourse.objects.active()
        .for_practitioner(request.user)
        .select_related("patient")
        .prefetch_related(Prefetch("sessions", queryset=Session.objects.select_related("chart")))
    )
    progresses = [course_progress(course, course.sessions.all(), today) for course in courses]
    to_chart = (
        Session.objects.attended_not_charted()
        .for_practitioner(request.user)
        .select_related("patient", "course")
    )
    to_sign = (
        Session.objects.filter(chart__charted_by=request.user, chart__signed_at__isnull=True)
        .select_related("patient")
        .order_by("date")
    )
    ctx = {
        "today": today,
        "todays_sessions": todays_sessions,
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
        initial={"practitioner": request.user.pk},
    )
    if request.method == "POST" and form.is_valid():
        course = form.save()
        messages.success(request, f"Course opened for {patient}: {course.region}.")
        return redirect(course)
    return render(request, "treatments/course_form.html", {"patient": patient, "form": form})


@clinical_staff
def course_detail(request, pk: int):
    course = get_object_or_404(
        TreatmentCourse.objects.select_related("patient", "practitioner"), pk=pk
    )
    sessions = list(
        course.sessions.select_related("chart", "practitioner").with_needled_site_count()
    )
    progress = course_progress(course, sessions)
    ctx = {
        "course": course,
        "progress": progress,
        "pain_chart": pain_chart(progress),
        "booked": [s for s in sessions if s.status == Session.Status.BOOKED],
        "missed": [s for s in sessions if not s.counts_for_weekly_rule],
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
    when = SessionTimeForm(request.GET)
    if when.is_valid():
        offered.update(date=when.cleaned_data["date"], start_time=when.cleaned_data["start_time"])
    try:
        practitioner = BookingForm.base_fields["practitioner"].clean(
            request.GET.get("practitioner")
        )
    except ValidationError:
        practitioner = None
    if practitioner is not None:
        offered["practitioner"] = practitioner.pk
    return offered


@booking_staff
def session_create(request, course_pk: int):
    course = get_object_or_404(TreatmentCourse.objects.select_related("patient"), pk=course_pk)
    initial = {"practitioner": course.practitioner_id, **_offered_time(request)}
    form = BookingForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = scheduling.book_session(
                course=course,
                practitioner=form.cleaned_data["practitioner"],
                day=form.cleaned_data["date"],
                start_time=form.cleaned_data["start_time"],
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Session booked: {session}.")
            return redirect(session)
    recent = (
        Session.objects.counting()
        .for_patient(course.patient)
        .filter(date__gte=timezone.localdate() - timedelta(days=14))
    )
    ctx = {"course": course, "patient": course.patient, "form": form, "recent": recent}
    return render(request, "treatments/session_create.html", ctx)


@booking_staff
def session_detail(request, pk: int):
    # Front desk staff book and move sessions but never receive the clinical record, so the
    # chart is not even loaded for them.
    clinical = is_physiotherapist(request.user)
    sessions = Session.objects.select_related("patient", "course", "practitioner")
    if clinical:
        sessions = sessions.select_related("chart__charted_by", "chart__signed_by")
    session = get_object_or_404(sessions, pk=pk)
    ctx = {"session": session, "clinical": clinical}
    if session.status == Session.Status.CANCELLED and session.starts_at > timezone.now():
        # One query, however many are waiting; a slot that has passed is left alone.
        ctx["waitlist_candidates"] = waitlist_candidates(session)
    if clinical and session.is_charted:
        chart = session.chart
        ctx.update(
            chart=chart,
            sites=list(chart.sites.all()),
            adverse_events=list(chart.adverse_events.all()),
            versions=list(chart.history.select_related("history_user")),
        )
    audit.viewed(request, session, "with its chart" if "chart" in ctx else "")
    return render(request, "treatments/session_detail.html", ctx)


@booking_staff
def session_move(request, pk: int):
    session = get_object_or_404(Session.objects.select_related("patient"), pk=pk)
    form = SessionTimeForm(
        _posted(request), initial={"date": session.date, "start_time": session.start_time}
    )
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.move_session(
                session, day=form.cleaned_data["date"], start_time=form.cleaned_data["start_time"]
            )
        except ValidationError as error:
            session.refresh_from_db()  # the service changed it in memory before refusing
            add_service_errors(form, error)
        else:
            messages.success(request, f"Session moved: {session}.")
            return redirect(session)
    return render(request, "treatments/session_move.html", {"session": session, "form": form})


@booking_staff
def session_cancel(request, pk: int):
    session = get_object_or_404(Session.objects.select_related("patient"), pk=pk)
    form = CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.cancel_session(session, reason=form.cleaned_data["cancellation_reason"])
        except ValidationError as error:
            session.refresh_from_db()
            add_service_errors(form, error)
        else:
            messages.success(request, f"Session cancelled: {session}.")
            return redirect(session)
    return render(request, "treatments/session_cancel.html", {"session": session, "form": form})


def _change_status(request, pk: int, change: Callable[[Session], Session], done: str):
    session = get_object_or_404(Session.objects.select_related("patient"), pk=pk)
    try:
        change(session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(session)


@booking_staff
@require_POST
def session_restore(request, pk: int):
    return _change_status(
        request, pk, scheduling.restore_session, "Session restored: it is booked again."
    )


@booking_staff
@require_POST
def session_attended(request, pk: int):
    return _change_status(request, pk, scheduling.mark_attended, "Session marked attended.")


@booking_staff
@require_POST
def session_no_show(request, pk: int):
    return _change_status(request, pk, scheduling.mark_no_show, "Session marked as a no-show.")


@clinical_staff
def session_chart(request, pk: int):
    session = get_object_or_404(Session.objects.select_related("patient", "course", "chart"), pk=pk)
    problems = needling_problems(session, request.user)
    if problems:
        ctx = {"session": session, "problems": problems}
        return render(request, "treatments/session_chart.html", ctx)
    correcting = session.is_charted
    chart = session.chart if correcting else SessionChart(session=session)
    amending = correcting and chart.is_signed
    data = _posted(request)
    form = ChartForm(data, instance=chart, amending=amending)
    sites = needled_site_formset(correcting)(data, instance=chart, prefix="sites")
    events = adverse_event_formset(correcting)(data, instance=chart, prefix="events")
    if data is not None and all([form.is_valid(), sites.is_valid(), events.is_valid()]):
        new_sites, new_events = sites.save(commit=False), events.save(commit=False)
        try:
            record_chart(
                session=session,
                chart=form.save(commit=False),
                sites=new_sites,
                adverse_events=new_events,
                removed=[*sites.deleted_objects, *events.deleted_objects],
                charted_by=request.user,
                correction_reason=form.cleaned_data.get("correction_reason", ""),
                sign="sign" in data,
            )
        except ValidationError as error:
            session.refresh_from_db()  # nothing was saved; show the session as it is
            add_service_errors(form, error)
        else:
            if amending:
                done = "Chart amended; the earlier version is kept."
            elif "sign" in data:
                done = "Chart saved and signed."
            else:
                done = "Draft chart saved. Sign it when it is complete."
            messages.success(request, done)
            return redirect(session)
    audit.viewed(request, session, "chart form")
    ctx = {
        "session": session,
        "correcting": correcting,
        "amending": amending,
        "form": form,
        "sites": sites,
        "events": events,
    }
    return render(request, "treatments/session_chart.html", ctx)


@clinical_staff
@require_POST
def chart_sign(request, pk: int):
    session = get_object_or_404(Session.objects.select_related("chart__charted_by"), pk=pk)
    if not session.is_charted:
        messages.error(request, "This session has no chart to sign.")
        return redirect(session)
    try:
        sign_chart(session.chart, signed_by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Chart signed. From now on it is amended only with a reason.")
    return redirect(session)
