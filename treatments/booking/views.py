"""The calendar, the day sheet, the booking page (one visit or a weekly series), a series'
outcome, and the changes to a booked visit: move, cancel, restore, check in, mark attended or
no-show, and undo.

Each view loads what it shows, validates a form and calls treatments/booking/services.py or
series.py; a refusal is shown on the form, with the times the rules would allow instead.
"""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Min, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients.models import Patient
from patients.roles import booking_staff, is_physiotherapist
from treatments.booking import calendar as layout
from treatments.booking import day_sheet as sheet
from treatments.booking import series as weekly
from treatments.booking import services
from treatments.booking.availability import Availability
from treatments.booking.forms import (
    SEARCH_LENGTH,
    BookingForm,
    CalendarForm,
    CancelForm,
    DaySheetForm,
    MoveForm,
    PatientFinderForm,
    ReasonForm,
    SlotForm,
)
from treatments.booking.rules import BookingRefused, booking_warnings
from treatments.forms import active_physiotherapists, add_service_errors
from treatments.locations import location_choice, working_at
from treatments.models import (
    AppointmentRequest,
    BookingSeries,
    TreatmentCourse,
    Visit,
    VisitType,
    WaitlistEntry,
)


@booking_staff
def calendar(request):
    locations = location_choice(request)
    physiotherapists = list(active_physiotherapists())
    if locations.chosen:
        # The physiotherapists who work there; their hours elsewhere show as not bookable. One
        # asked for by a link (a visit's, a booking's) is shown whatever the location.
        asked = request.GET.get("physiotherapist", "")
        there = working_at(physiotherapists, locations)
        physiotherapists = [u for u in physiotherapists if u in there or str(u.pk) == asked]
    form = CalendarForm(request.GET, physiotherapists=physiotherapists)
    valid = form.is_valid()
    # A value that could not be read is left out: the page falls back to its default and says so.
    chosen = form.cleaned_data
    by_id = {user.pk: user for user in physiotherapists}
    physiotherapist = (
        by_id.get(chosen.get("physiotherapist"))
        or by_id.get(request.user.pk)
        or (physiotherapists[0] if physiotherapists else None)
    )
    today = timezone.localdate()
    week_of = chosen.get("week") or chosen.get("day") or today
    monday = week_of - timedelta(days=week_of.weekday())
    dates = [monday + timedelta(days=n) for n in range(7)]
    shown = next((d for d in (chosen.get("day"), chosen.get("week"), today) if d in dates), monday)
    ctx = {
        "form": form,
        "locations": locations,
        "physiotherapists": physiotherapists,
        "physiotherapist": physiotherapist,
        "monday": monday,
        "sunday": dates[-1],
        "today": today,
        "shown": shown,
    }
    if physiotherapist:
        availability = Availability.load(
            [physiotherapist.pk], monday, dates[-1], location_id=locations.chosen_id
        )
        visits = Visit.objects.for_physiotherapist(physiotherapist).filter(
            date__range=(monday, dates[-1])
        )
        if locations.chosen:
            visits = visits.filter(location=locations.chosen)
        visits = list(visits.select_related("patient", "visit_type"))
        layout.label_visits(visits)
        columns = [
            layout.CalendarColumn(
                date=day,
                physiotherapist_id=physiotherapist.pk,
                note=availability.day_note(physiotherapist.pk, day),
                is_today=day == today,
                is_shown=day == shown,
                url=layout.calendar_url(physiotherapist.pk, monday, day),
            )
            for day in dates
        ]
        ctx.update(
            columns=columns,
            rows=layout.lay_out(availability, columns, visits, _shortest_visit()),
            previous_url=layout.calendar_url(
                physiotherapist.pk, monday - timedelta(days=7), shown - timedelta(days=7)
            ),
            next_url=layout.calendar_url(
                physiotherapist.pk, monday + timedelta(days=7), shown + timedelta(days=7)
            ),
            this_week_url=layout.calendar_url(physiotherapist.pk, today, today),
        )
    return render(request, "treatments/booking/calendar.html", ctx, status=200 if valid else 400)


def _shortest_visit() -> int:
    """The length in minutes of the shortest visit type offered: a free quarter hour is
    offered for booking only if it fits."""
    shortest = VisitType.objects.filter(is_active=True).aggregate(Min("length_minutes"))
    return shortest["length_minutes__min"] or 15


# The day sheet ----------------------------------------------------------------------------


@booking_staff
def day_sheet(request):
    """Every physiotherapist side by side, for a day or a week: the visits at their real
    length, the free time to book, check-ins and no-shows, and today's arrivals."""
    form = DaySheetForm(request.GET)
    valid = form.is_valid()
    # A value that could not be read is left out: the page shows today and says so.
    chosen = form.cleaned_data
    today = timezone.localdate()
    day = chosen.get("date") or today
    view = chosen.get("view") or DaySheetForm.DAY
    if view == DaySheetForm.WEEK:
        first = day - timedelta(days=day.weekday())
        dates, step = [first + timedelta(days=n) for n in range(7)], timedelta(days=7)
    else:
        dates, step = [day], timedelta(days=1)
    locations = location_choice(request)
    physiotherapists = list(active_physiotherapists())
    if locations.chosen:
        physiotherapists = working_at(physiotherapists, locations)
    ids = [user.pk for user in physiotherapists]
    availability = Availability.load(
        ids, dates[0], dates[-1], visits=False, location_id=locations.chosen_id
    )
    visits = Visit.objects.filter(physiotherapist_id__in=ids, date__range=(dates[0], dates[-1]))
    if locations.chosen:
        visits = visits.filter(location=locations.chosen)
    visits = list(visits.select_related("patient", "visit_type", "physiotherapist"))
    # The free times need only the visits that hold time: those already loaded, not a query.
    availability.visits = [visit for visit in visits if visit.status in Visit.COUNTING]
    layout.label_visits(visits)
    sheet.mark_actions(visits, today)
    columns = sheet.columns_for(availability, physiotherapists, dates, today)
    shortest = _shortest_visit()
    other_view = DaySheetForm.DAY if view == DaySheetForm.WEEK else DaySheetForm.WEEK
    ctx = {
        "form": form,
        "locations": locations,
        "view": view,
        "day": day,
        "dates": dates,
        "today": today,
        "physiotherapists": physiotherapists,
        "columns": columns,
        "rows": layout.lay_out(availability, columns, visits, shortest) if ids else [],
        "lists": sheet.lists_for(availability, physiotherapists, dates, visits, shortest),
        "shows_today": dates[0] <= today <= dates[-1],
        "arrivals": sheet.arrivals(visits, today),
        "previous_url": sheet.day_sheet_url(day - step, view),
        "next_url": sheet.day_sheet_url(day + step, view),
        "today_url": sheet.day_sheet_url(today, view),
        "other_view_url": sheet.day_sheet_url(day, other_view),
        # New patients waiting for the front desk to call them: one count, whatever the day.
        "new_requests": AppointmentRequest.objects.waiting().count(),
    }
    return render(request, "treatments/booking/day_sheet.html", ctx, status=200 if valid else 400)


def _back_to_the_sheet(request, visit: Visit):
    """The day sheet the front desk came from: the visit's day, or its week."""
    view = request.POST.get("view") or request.GET.get("view")
    return redirect(sheet.day_sheet_url(visit.date, "week" if view == "week" else "day"))


@booking_staff
@require_POST
def day_sheet_check_in(request, pk: int):
    visit = _visit(pk)
    try:
        services.check_in(visit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        arrived = timezone.localtime(visit.checked_in_at)
        messages.success(
            request,
            _("%(patient)s checked in at %(time)s.")
            % {"patient": visit.patient, "time": f"{arrived:%H:%M}"},
        )
    return _back_to_the_sheet(request, visit)


@booking_staff
def day_sheet_no_show(request, pk: int):
    """A no-show from the day sheet: asked to be confirmed first, as on the visit's page, then
    back to the sheet."""
    visit = _visit(pk)
    if request.method == "POST":
        try:
            services.mark_no_show(visit)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request, _("%(patient)s marked as a no-show.") % {"patient": visit.patient}
            )
        return _back_to_the_sheet(request, visit)
    view = "week" if request.GET.get("view") == "week" else "day"
    ctx = {"visit": visit, "back_url": sheet.day_sheet_url(visit.date, view)}
    return render(request, "treatments/booking/visit_no_show.html", ctx)


# Booking --------------------------------------------------------------------------------

FOUND_PATIENTS = 10  # more matches than this: ask for more of the name


def patients_to_choose(query: str, chosen: Patient | None) -> tuple[list[Patient], bool]:
    """Active patients matching the search, each with `active_courses` (and each course with
    the IMS treatments it still expects), and whether more matched than are shown. The chosen
    patient is always offered, so a refused booking is shown with what was chosen."""
    courses = Prefetch(
        "courses",
        queryset=TreatmentCourse.objects.active().select_related("physiotherapist"),
        to_attr="active_courses",
    )
    patients, more = [], False
    if query:
        found = list(
            Patient.objects.search(query).active().prefetch_related(courses)[: FOUND_PATIENTS + 1]
        )
        patients, more = found[:FOUND_PATIENTS], len(found) > FOUND_PATIENTS
    if chosen and all(patient.pk != chosen.pk for patient in patients):
        patients.insert(0, Patient.objects.prefetch_related(courses).get(pk=chosen.pk))
    # One count per course listed; the list is short (FOUND_PATIENTS).
    for patient in patients:
        patient.choice = str(patient.pk)  # what its radio posts (BookingForm.patient)
        for course in patient.active_courses:
            course.choice = f"{patient.pk}-{course.pk}"
            course.treatments_to_book = weekly.remaining_treatments(course)
    return patients, more


def _slot(query) -> SlotForm | None:
    """The physiotherapist, date and time a link sent, or None if it sent none."""
    data = {key: query.get(key, "") for key in ("physiotherapist", "date", "time")}
    if not any(data.values()):
        return None
    slot = SlotForm(data)
    slot.is_valid()
    return slot


def _linked(query, name: str, model):
    """The record a link names by id (?course=12), or None if it names none that exists."""
    value = query.get(name, "")
    # isdecimal, not isdigit: "²" is a digit that int() cannot read.
    if not value.isdecimal() or len(value) > 18:
        return None
    return model.objects.filter(pk=int(value)).first()


def _starting_values(request, slot) -> tuple[dict, Patient | None, str]:
    """The booking form's starting values from the link: a free slot, a course, a patient."""
    initial = dict(slot.cleaned_data) if slot and not slot.errors else {}
    initial["start_time"] = initial.pop("time", None)
    course = _linked(request.GET, "course", TreatmentCourse)
    patient = course.patient if course else _linked(request.GET, "patient", Patient)
    chosen = ""
    if course:
        chosen = f"{patient.pk}-{course.pk}"
        initial.setdefault("physiotherapist", course.physiotherapist)
    elif patient:
        chosen = str(patient.pk)
    waitlist = request.GET.get("waitlist", "")
    if waitlist.isdecimal() and len(waitlist) <= 18:
        initial["waitlist_entry"] = int(waitlist)
    # Records by their ids, as the form posts them.
    initial = {k: getattr(v, "pk", v) for k, v in initial.items() if v is not None}
    return initial, patient, chosen


def preferred_type(offered: list[VisitType], *, in_a_course: bool) -> int | None:
    """The type to start with, among those offered: an IMS treatment for a course; otherwise
    the first in the clinic's order (an initial assessment, where it fits)."""
    needling = [visit_type for visit_type in offered if visit_type.is_needling]
    first = ((needling if in_a_course else []) or offered or [None])[0]
    return first.pk if first else None


def _carried(query, slot: SlotForm | None) -> dict:
    """What a new search for the patient carries along: the slot and the course or patient."""
    carried = {
        key: query[key]
        for key in ("course", "patient", "waitlist")
        if query.get(key, "").isdecimal()
    }
    if slot is not None:
        data = slot.cleaned_data
        if data.get("physiotherapist"):
            carried["physiotherapist"] = data["physiotherapist"].pk
        if data.get("date"):
            carried["date"] = data["date"].isoformat()
        if data.get("time"):
            carried["time"] = f"{data['time']:%H:%M}"
    return carried


def fitting_types(slot: SlotForm | None) -> tuple[list[VisitType], int | None]:
    """The visit types that fit in the free time at the slot, and how many minutes are free."""
    if slot is None or slot.errors:
        return [], None
    data = slot.cleaned_data
    physiotherapist, day = data["physiotherapist"], data["date"]
    availability = Availability.load([physiotherapist.pk], day, day)
    free = availability.free_minutes(physiotherapist.pk, day, data["time"])
    return list(VisitType.objects.filter(is_active=True, length_minutes__lte=free)), free


def _alternative_posts(form: BookingForm, alternatives, query: str) -> list[dict]:
    """For each time offered instead, what its one-click button posts: the same booking at
    that time, a single visit."""
    same = {key: form.data.get(key, "") for key in ("patient", "physiotherapist", "visit_type")}
    if form.data.get("waitlist_entry"):
        same["waitlist_entry"] = form.data["waitlist_entry"]
    posts = []
    for moment in alternatives:
        moment = timezone.localtime(moment)
        fields = {**same, "weeks": 1, "q": query, "date": moment.date().isoformat(),
                  "start_time": f"{moment:%H:%M}"}  # fmt: skip
        posts.append({"moment": moment, "fields": fields})
    return posts


def _book(request, form: BookingForm):
    """Book what the valid form asks for. Returns the page to go to next, or None when the
    service refused (its message is then on the form) with the times it offered instead."""
    data = form.cleaned_data
    booking = {key: data[key] for key in ("patient", "course", "physiotherapist", "visit_type")}
    weeks = data["weeks"]
    if weeks is None:
        course, needling = data["course"], data["visit_type"].is_needling
        weeks = weekly.remaining_treatments(course) if course and needling else 1
    try:
        if weeks == 1:
            entry = None
            if data["waitlist_entry"]:
                entry = WaitlistEntry.objects.filter(pk=data["waitlist_entry"]).first()
            visit = services.book_visit(
                day=data["date"], start_time=data["start_time"], waitlist_entry=entry, **booking
            )
        else:
            series = weekly.book_series(
                first_day=data["date"], start_time=data["start_time"], weeks=weeks,
                booked_by=request.user, **booking,
            )  # fmt: skip
    except ValidationError as error:
        add_service_errors(form, error)
        return None, getattr(error, "alternatives", [])
    if weeks > 1:
        for warning in weekly.warnings_for(series):
            messages.warning(request, warning)
        return redirect(series), []
    messages.success(request, _("Visit booked: %(visit)s.") % {"visit": visit})
    for warning in booking_warnings(visit):
        messages.warning(request, warning)
    return redirect(layout.calendar_url(visit.physiotherapist_id, visit.date, visit.date)), []


@booking_staff
def book(request):
    slot, alternatives, status = None, [], 200
    if request.method == "POST":
        form = BookingForm(request.POST)
        # The search that found the patient, posted along to list them again if refused.
        finder = PatientFinderForm({"q": request.POST.get("q", "")[:SEARCH_LENGTH]})
        chosen_patient = None
        if form.is_valid():
            done, offered = _book(request, form)
            if done:
                return done
            query = finder.cleaned_data["q"] if finder.is_valid() else ""
            alternatives = _alternative_posts(form, offered, query)
            chosen_patient = form.cleaned_data.get("patient")
        chosen = form.data.get("patient", "")
    else:
        finder = PatientFinderForm(request.GET)
        slot = _slot(request.GET)
        initial, chosen_patient, chosen = _starting_values(request, slot)
        if is_physiotherapist(request.user):
            initial.setdefault("physiotherapist", request.user.pk)  # booking their own patient
        form = BookingForm(initial=initial)
        if (slot and slot.errors) or not finder.is_valid():
            status = 400
    query = finder.cleaned_data.get("q", "") if finder.is_valid() else ""
    if chosen_patient is None and form.is_bound and form.cleaned_data.get("patient"):
        chosen_patient = form.cleaned_data["patient"]
    patients, more = patients_to_choose(query, chosen_patient)
    if not chosen and len(patients) == 1 and not form.is_bound:
        # One patient found: choose their only course, or them without one.
        courses = patients[0].active_courses
        chosen = f"{patients[0].pk}-{courses[0].pk}" if len(courses) == 1 else str(patients[0].pk)
    fitting, free_minutes = fitting_types(slot)
    if fitting:
        fitting_ids = [visit_type.pk for visit_type in fitting]
        form.fields["visit_type"].queryset = VisitType.objects.filter(pk__in=fitting_ids)
    if not form.is_bound:
        offered = fitting or list(VisitType.objects.filter(is_active=True))
        form.initial["visit_type"] = preferred_type(offered, in_a_course="-" in chosen)
    ctx = {
        "form": form,
        "finder": finder,
        "slot": slot,
        "query": query,
        "patients": patients,
        "more": more,
        "chosen": chosen,
        "fitting": fitting,
        "carried": _carried(request.GET if not form.is_bound else {}, slot),
        "free_minutes": free_minutes,
        "alternatives": alternatives,
        "open_series": BookingSeries.objects.open_for(request.user).select_related("patient"),
    }
    return render(request, "treatments/booking/book.html", ctx, status=status)


# A series' outcome ----------------------------------------------------------------------


def _own_series(request, pk: int) -> BookingSeries:
    """A series is kept for the staff member who booked it; to anyone else it does not exist."""
    return get_object_or_404(
        BookingSeries.objects.select_related("patient", "physiotherapist", "visit_type"),
        pk=pk,
        booked_by=request.user,
    )


@booking_staff
def series_results(request, pk: int):
    series = _own_series(request, pk)
    weeks = weekly.weeks_of(series)
    for week in weeks:
        week.calendar_url = layout.calendar_url(series.physiotherapist_id, week.day, week.day)
    ctx = {
        "series": series,
        "weeks": weeks,
        "booked": sum(1 for week in weeks if week.visit),
        "calendar_url": layout.calendar_url(series.physiotherapist_id, weeks[0].day),
    }
    return render(request, "treatments/booking/series.html", ctx)


@booking_staff
@require_POST
def series_accept(request, pk: int):
    """Book the time offered for one week of a series that could not be booked as planned."""
    series = _own_series(request, pk)
    number = request.POST.get("week", "")
    try:
        # A week's number has a digit or two: a longer one is none, and int() refuses to read
        # more than 4,300 digits.
        week = int(number) if number.isdecimal() and len(number) <= 3 else 0
        visit = weekly.accept_alternative(series, week)
    except ValidationError as error:
        messages.error(
            request,
            _("Week %(number)s was not booked: %(why)s")
            % {"number": number[:3], "why": " ".join(error.messages)},
        )
    else:
        messages.success(request, _("Visit booked: %(visit)s.") % {"visit": visit})
        for warning in booking_warnings(visit):
            messages.warning(request, warning)
    return redirect(series)


@booking_staff
@require_POST
def series_finish(request, pk: int):
    series = weekly.finish(_own_series(request, pk))
    messages.info(
        request, _("The series for %(patient)s is finished.") % {"patient": series.patient}
    )
    return redirect(layout.calendar_url(series.physiotherapist_id, timezone.localdate()))


# Changes to a visit ---------------------------------------------------------------------


def _visit(pk: int) -> Visit:
    return get_object_or_404(
        Visit.objects.select_related("patient", "physiotherapist", "visit_type", "course"), pk=pk
    )


def _posted(request):
    return request.POST if request.method == "POST" else None


@booking_staff
def visit_move(request, pk: int):
    visit = _visit(pk)
    initial = {
        "date": visit.date,
        "start_time": visit.start_time,
        "physiotherapist": visit.physiotherapist_id,
        "visit_type": visit.visit_type_id,
    }
    form = MoveForm(_posted(request), initial=initial)
    alternatives = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.move_visit(
                visit, day=data["date"], start_time=data["start_time"],
                physiotherapist=data["physiotherapist"], visit_type=data["visit_type"],
            )  # fmt: skip
        except ValidationError as error:
            alternatives = getattr(error, "alternatives", [])
            visit = _visit(pk)  # the service changed it in memory before refusing
            add_service_errors(form, error)
        else:
            messages.success(request, _("Visit moved: %(visit)s.") % {"visit": visit})
            for warning in booking_warnings(visit):
                messages.warning(request, warning)
            return redirect(visit)
    ctx = {"visit": visit, "form": form, "alternatives": alternatives}
    return render(request, "treatments/booking/visit_move.html", ctx)


@booking_staff
def visit_cancel(request, pk: int):
    visit = _visit(pk)
    form = CancelForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.cancel_visit(visit, reason=form.cleaned_data["cancellation_reason"])
        except ValidationError as error:
            visit = _visit(pk)
            add_service_errors(form, error)
        else:
            messages.success(request, _("Visit cancelled: %(visit)s.") % {"visit": visit})
            return redirect(visit)
    return render(request, "treatments/booking/visit_cancel.html", {"visit": visit, "form": form})


def _change(request, pk: int, change: str, done: str):
    visit = _visit(pk)
    try:
        services.CHANGES[change](visit, "")
    except BookingRefused as refused:
        messages.error(request, " ".join(refused.messages))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(visit)


@booking_staff
@require_POST
def visit_restore(request, pk: int):
    return _change(request, pk, Visit.Change.RESTORE, _("Visit restored: it is booked again."))


@booking_staff
@require_POST
def visit_attended(request, pk: int):
    return _change(request, pk, Visit.Change.MARK_ATTENDED, _("Visit marked attended."))


@booking_staff
def visit_no_show(request, pk: int):
    """A no-show is asked to be confirmed first: it frees the time and stays on the record."""
    if request.method == "POST":
        return _change(request, pk, Visit.Change.MARK_NO_SHOW, _("Visit marked as a no-show."))
    return render(request, "treatments/booking/visit_no_show.html", {"visit": _visit(pk)})


@booking_staff
def visit_undo(request, pk: int):
    """Set a visit marked attended or as a no-show back to booked, with the reason."""
    visit = _visit(pk)
    undo = {
        Visit.Status.ATTENDED: Visit.Change.UNDO_ATTENDED,
        Visit.Status.NO_SHOW: Visit.Change.UNDO_NO_SHOW,
    }.get(visit.status)
    if undo is None:
        messages.error(request, _("Only a visit marked attended or as a no-show can be undone."))
        return redirect(visit)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.CHANGES[undo](visit, form.cleaned_data["reason"])
        except ValidationError as error:
            visit = _visit(pk)
            add_service_errors(form, error)
        else:
            messages.success(request, _("The visit is booked again."))
            return redirect(visit)
    ctx = {"visit": visit, "form": form, "undo": undo}
    return render(request, "treatments/booking/visit_undo.html", ctx)
