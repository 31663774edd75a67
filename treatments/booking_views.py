"""The week calendar of one physiotherapist, and booking from it: a single visit or a weekly
series, then accepting the times offered for the weeks that could not be booked.

The calendar reads everything about the week in a fixed number of queries (Availability.load
plus the visits to show), however full the week is. Booking goes through
treatments/scheduling.py, whose refusals are shown with the times it offers instead.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from patients.models import Patient
from patients.roles import booking_staff
from treatments import scheduling
from treatments.availability import Availability
from treatments.booking_forms import (
    SEARCH_LENGTH,
    CalendarForm,
    PatientFinderForm,
    SeriesBookingForm,
    SlotForm,
)
from treatments.forms import active_physiotherapists, add_service_errors
from treatments.models import TreatmentCourse, Visit

SLOT_MINUTES = 30  # the calendar's rows, and the length of the visit a "Book" link offers
FOUND_PATIENTS = 10  # more matches than this: ask for more of the name
SERIES_KEPT = 5  # series results kept in the user's visit, newest first


# The week calendar ----------------------------------------------------------------------


@dataclass
class CalendarDay:
    date: date
    note: str  # why nothing can be booked: "Clinic closed", "Day off", "Not working"
    is_today: bool
    is_shown: bool  # the one day a narrow screen shows
    url: str


@dataclass
class CalendarCell:
    day: CalendarDay
    visits: list[Visit] = field(default_factory=list)
    free: list[tuple[time, str]] = field(default_factory=list)  # start time, booking link


@dataclass
class CalendarRow:
    starts: time
    cells: list[CalendarCell]


def calendar_url(physiotherapist_id: int, week: date, day: date | None = None) -> str:
    query = {"physiotherapist": physiotherapist_id, "week": week.isoformat()}
    if day:
        query["day"] = day.isoformat()
    return f"{reverse('treatments:calendar')}?{urlencode(query)}"


def booking_url(physiotherapist_id: int, day: date, start: time) -> str:
    query = {
        "physiotherapist": physiotherapist_id,
        "date": day.isoformat(),
        "time": f"{start:%H:%M}",
    }
    return f"{reverse('treatments:book')}?{urlencode(query)}"


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _day_note(availability: Availability, physiotherapist_id: int, day: date) -> str:
    if day.weekday() not in availability.clinic_hours:
        return "Clinic closed"
    if (physiotherapist_id, day) in availability.days_off:
        return "Day off"
    if not availability.windows(physiotherapist_id, day):
        return "Not working"
    return ""


def week_rows(
    availability: Availability, physiotherapist_id: int, days: list[CalendarDay], visits
) -> list[CalendarRow]:
    """Rows of 30 minutes from the earliest opening to the latest closing of the week, widened
    to take in any visit booked outside those hours."""
    spans = [
        (_minutes(hours.opens_at), _minutes(hours.closes_at))
        for hours in availability.clinic_hours.values()
    ]
    spans += [(_minutes(s.start_time), _minutes(s.start_time) + s.duration_minutes) for s in visits]
    if not spans:
        return []
    first = min(start for start, _ in spans) // SLOT_MINUTES * SLOT_MINUTES
    last = min(max(end for _, end in spans), 24 * 60)
    starts = range(first, last, SLOT_MINUTES)
    rows = [
        CalendarRow(time(start // 60, start % 60), [CalendarCell(day) for day in days])
        for start in starts
    ]
    column = {day.date: index for index, day in enumerate(days)}

    def cell(day: date, start: time) -> CalendarCell:
        return rows[(_minutes(start) - first) // SLOT_MINUTES].cells[column[day]]

    for visit in visits:
        cell(visit.date, visit.start_time).visits.append(visit)
    for day in days:
        for start in availability.free_slots(physiotherapist_id, day.date, SLOT_MINUTES):
            url = booking_url(physiotherapist_id, day.date, start)
            cell(day.date, start).free.append((start, url))
    return rows


def label_visits(visits: list[Visit]) -> None:
    """Give each visit its times and status as the calendar shows them. A busy week has
    hundreds of visits: formatting each in the template (time filters, translated status)
    was most of the page's cost."""
    statuses = {value: str(label) for value, label in Visit.Status.choices}
    for visit in visits:
        ends = datetime.combine(visit.date, visit.start_time) + timedelta(
            minutes=visit.duration_minutes
        )
        visit.times = f"{visit.start_time:%H:%M}-{ends:%H:%M}"
        visit.status_label = statuses[visit.status]
        visit.is_muted = visit.status not in Visit.COUNTING


@booking_staff
def calendar(request):
    physiotherapists = list(active_physiotherapists())
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
        "physiotherapists": physiotherapists,
        "physiotherapist": physiotherapist,
        "monday": monday,
        "sunday": dates[-1],
        "today": today,
        "shown": shown,
    }
    if physiotherapist:
        availability = Availability.load([physiotherapist.pk], monday, dates[-1])
        visits = list(
            Visit.objects.for_physiotherapist(physiotherapist)
            .filter(date__range=(monday, dates[-1]))
            .select_related("patient")
        )
        label_visits(visits)
        days = [
            CalendarDay(
                date=day,
                note=_day_note(availability, physiotherapist.pk, day),
                is_today=day == today,
                is_shown=day == shown,
                url=calendar_url(physiotherapist.pk, monday, day),
            )
            for day in dates
        ]
        ctx.update(
            days=days,
            rows=week_rows(availability, physiotherapist.pk, days, visits),
            previous_url=calendar_url(
                physiotherapist.pk, monday - timedelta(days=7), shown - timedelta(days=7)
            ),
            next_url=calendar_url(
                physiotherapist.pk, monday + timedelta(days=7), shown + timedelta(days=7)
            ),
            this_week_url=calendar_url(physiotherapist.pk, today, today),
        )
    return render(request, "treatments/calendar/week.html", ctx, status=200 if valid else 400)


# Booking --------------------------------------------------------------------------------


def _slot_from_link(query) -> SlotForm | None:
    """The physiotherapist, date and time a calendar slot sent, or None if it sent none."""
    data = {
        "physiotherapist": query.get("physiotherapist", ""),
        "date": query.get("date", ""),
        "start_time": query.get("time", ""),
    }
    if not any(data.values()):
        return None
    slot = SlotForm(data)
    slot.is_valid()
    return slot


def patients_to_choose(query: str, chosen: TreatmentCourse | None) -> tuple[list[Patient], bool]:
    """Active patients matching the search who have an active course (each with its
    `active_courses`), and whether there were more than we show. The chosen course is always
    offered, so a refused booking is shown with what was chosen."""
    patients, more = [], False
    if query:
        courses = TreatmentCourse.objects.active().select_related("physiotherapist")
        found = list(
            Patient.objects.search(query)
            .active()
            .filter(courses__status=TreatmentCourse.Status.ACTIVE)
            .distinct()
            .prefetch_related(Prefetch("courses", queryset=courses, to_attr="active_courses"))[
                : FOUND_PATIENTS + 1
            ]
        )
        patients, more = found[:FOUND_PATIENTS], len(found) > FOUND_PATIENTS
    if chosen and not any(chosen in patient.active_courses for patient in patients):
        patient = chosen.patient
        patient.active_courses = [chosen]
        patients.insert(0, patient)
    # One count per course listed; the list is short (FOUND_PATIENTS).
    for patient in patients:
        for course in patient.active_courses:
            course.visits_to_book = scheduling.remaining_visits(course)
    return patients, more


def _alternative_posts(
    form: SeriesBookingForm, alternatives: list[datetime], query: str
) -> list[dict]:
    """For each time offered instead, what its one-click button posts: the same booking at
    that time, a single week."""
    data = form.cleaned_data
    same = {
        "course": data["course"].pk,
        "physiotherapist": data["physiotherapist"].pk,
        "duration_minutes": data["duration_minutes"],
        "weeks": 1,
        "q": query,
    }
    posts = []
    for moment in alternatives:
        moment = timezone.localtime(moment)
        fields = {**same, "date": moment.date().isoformat(), "start_time": f"{moment:%H:%M}"}
        posts.append({"moment": moment, "fields": fields})
    return posts


def _week_record(week: scheduling.SeriesWeek) -> dict:
    """A week of a series as the user's visit keeps it (JSON)."""
    return {
        "number": week.number,
        "day": week.day.isoformat(),
        "time": f"{week.start_time:%H:%M}",
        "visit": week.visit.pk if week.visit else None,
        "problem": week.problem,
        "alternative": week.alternative.isoformat() if week.alternative else None,
    }


def _keep_series(request, *, course, physiotherapist, duration: int, plan) -> str:
    """Keep a series' outcome in the user's visit, so its page can be shown again after
    each alternative is accepted. Returns the key of its page."""
    key = secrets.token_urlsafe(8)
    kept = request.session.get("booking_series", {})
    kept[key] = {
        "course": course.pk,
        "physiotherapist": physiotherapist.pk,
        "duration": duration,
        "weeks": [_week_record(week) for week in plan],
    }
    while len(kept) > SERIES_KEPT:
        kept.pop(next(iter(kept)))
    request.session["booking_series"] = kept
    return key


def _book(request, form: SeriesBookingForm) -> tuple[HttpResponse | None, list[datetime]]:
    """Book what the valid form asks for. Returns the page to go to next, or, when the service
    refused (its message is then on the form), the times it offered instead."""
    data = form.cleaned_data
    course, physiotherapist = data["course"], data["physiotherapist"]
    booking = {
        "course": course,
        "physiotherapist": physiotherapist,
        "duration_minutes": data["duration_minutes"],
    }
    weeks = data["weeks"] or scheduling.remaining_visits(course)
    try:
        if weeks == 1:
            visit = scheduling.book_visit(
                day=data["date"], start_time=data["start_time"], **booking
            )
        else:
            plan = scheduling.book_series(
                first_day=data["date"], start_time=data["start_time"], weeks=weeks, **booking
            )
    except scheduling.BookingRefused as refused:
        add_service_errors(form, refused)
        return None, refused.alternatives
    except ValidationError as error:
        add_service_errors(form, error)
        return None, []
    if weeks == 1:
        messages.success(request, f"Visit booked: {visit}.")
        return redirect(calendar_url(physiotherapist.pk, visit.date, visit.date)), []
    booked = sum(1 for week in plan if week.visit)
    messages.success(request, f"Booked {booked} of {weeks} weeks for {course.patient}.")
    key = _keep_series(
        request, course=course, physiotherapist=physiotherapist,
        duration=data["duration_minutes"], plan=plan,
    )  # fmt: skip
    return redirect("treatments:series-results", key=key), []


def _carried_slot(data: dict) -> dict:
    """The valid part of the chosen time, kept by a new search for the patient."""
    carried = {}
    if data.get("physiotherapist"):
        carried["physiotherapist"] = data["physiotherapist"].pk
    if data.get("date"):
        carried["date"] = data["date"].isoformat()
    if data.get("start_time"):
        carried["time"] = f"{data['start_time']:%H:%M}"
    return carried


@booking_staff
def book(request):
    slot, alternatives, status = None, [], 200
    if request.method == "POST":
        form = SeriesBookingForm(request.POST)
        # The search that found the patient, posted along to list them again if refused.
        finder = PatientFinderForm({"q": request.POST.get("q", "")[:SEARCH_LENGTH]})
        if form.is_valid():
            done, offered = _book(request, form)
            if done:
                return done
            query = finder.cleaned_data["q"] if finder.is_valid() else ""
            alternatives = _alternative_posts(form, offered, query)
        carried = _carried_slot(form.cleaned_data)
    else:
        finder = PatientFinderForm(request.GET)
        slot = _slot_from_link(request.GET)
        form = SeriesBookingForm(
            initial={"duration_minutes": 30, **(slot.cleaned_data if slot else {})}
        )
        if (slot and slot.errors) or not finder.is_valid():
            status = 400
        carried = _carried_slot(slot.cleaned_data if slot else {})
    query = finder.cleaned_data.get("q", "") if finder.is_valid() else ""
    chosen = form.cleaned_data.get("course") if form.is_bound else None
    patients, more = patients_to_choose(query, chosen)
    if form.is_bound:
        chosen_id = str(chosen.pk if chosen else form["course"].value() or "")
    else:
        # One course found: choose it, and offer to book the rest of it.
        courses = [course for patient in patients for course in patient.active_courses]
        chosen_id = str(courses[0].pk) if len(courses) == 1 else ""
        if chosen_id:
            form.initial["weeks"] = courses[0].visits_to_book
    ctx = {
        "form": form,
        "finder": finder,
        "slot": slot,
        "carried": carried,
        "query": query,
        "patients": patients,
        "more": more,
        "chosen_id": chosen_id,
        "alternatives": alternatives,
    }
    return render(request, "treatments/calendar/book.html", ctx, status=status)


# A series' outcome ----------------------------------------------------------------------


def _kept_series(request, key: str) -> dict | None:
    return request.session.get("booking_series", {}).get(key)


def _gone(request):
    messages.info(
        request, "That series' results are no longer kept here: the calendar shows what is booked."
    )
    return redirect("treatments:calendar")


@booking_staff
def series_results(request, key: str):
    series = _kept_series(request, key)
    if series is None:
        return _gone(request)
    course = get_object_or_404(
        TreatmentCourse.objects.select_related("patient"), pk=series["course"]
    )
    physiotherapist = get_object_or_404(get_user_model(), pk=series["physiotherapist"])
    booked = Visit.objects.in_bulk([week["visit"] for week in series["weeks"] if week["visit"]])
    weeks = [
        scheduling.SeriesWeek(
            number=week["number"],
            day=date.fromisoformat(week["day"]),
            start_time=time.fromisoformat(week["time"]),
            visit=booked.get(week["visit"]),
            problem=week["problem"],
            alternative=(
                timezone.localtime(datetime.fromisoformat(week["alternative"]))
                if week["alternative"]
                else None
            ),
        )
        for week in series["weeks"]
    ]
    for week in weeks:
        week.calendar_url = calendar_url(physiotherapist.pk, week.day, week.day)
    ctx = {
        "key": key,
        "course": course,
        "patient": course.patient,
        "physiotherapist": physiotherapist,
        "weeks": weeks,
        "booked": sum(1 for week in weeks if week.visit),
        "calendar_url": calendar_url(physiotherapist.pk, weeks[0].day, weeks[0].day),
    }
    return render(request, "treatments/calendar/series.html", ctx)


@booking_staff
@require_POST
def series_accept(request, key: str):
    """Book the time offered for one week of a series that could not be booked as planned."""
    series = _kept_series(request, key)
    if series is None:
        return _gone(request)
    results = redirect("treatments:series-results", key=key)
    number = request.POST.get("week", "")
    week = next((w for w in series["weeks"] if str(w["number"]) == number), None)
    if week is None or week["visit"] or not week["alternative"]:
        messages.error(request, "There is no time to accept for that week.")
        return results
    course = get_object_or_404(
        TreatmentCourse.objects.select_related("patient"), pk=series["course"]
    )
    physiotherapist = get_object_or_404(get_user_model(), pk=series["physiotherapist"])
    moment = timezone.localtime(datetime.fromisoformat(week["alternative"]))
    try:
        visit = scheduling.book_visit(
            course=course, physiotherapist=physiotherapist, day=moment.date(),
            start_time=moment.time(), duration_minutes=series["duration"],
        )  # fmt: skip
    except scheduling.BookingRefused as refused:
        # Taken since it was offered: offer the nearest time that is free now.
        week["problem"] = " ".join(refused.messages)
        week["alternative"] = refused.alternatives[0].isoformat() if refused.alternatives else None
        messages.error(request, f"Week {number} was not booked: {week['problem']}")
    except ValidationError as error:
        messages.error(request, f"Week {number} was not booked: {' '.join(error.messages)}")
    else:
        week.update(visit=visit.pk, problem="", alternative=None)
        messages.success(request, f"Visit booked: {visit}.")
    request.session.modified = True
    return results


urlpatterns = [
    path("calendar/", calendar, name="calendar"),
    path("book/", book, name="book"),
    path("book/series/<str:key>/", series_results, name="series-results"),
    path("book/series/<str:key>/accept/", series_accept, name="series-accept"),
]
