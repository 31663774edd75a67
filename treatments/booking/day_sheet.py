"""The day sheet's layout: every physiotherapist side by side, on the calendar's 15-minute grid
(treatments/booking/calendar.py), for a day or a week; the same as one list per
physiotherapist for a narrow screen; and the arrivals of the day.

Nothing here reads the database: the view loads the physiotherapists, their availability and
their visits in a fixed number of queries and passes them in.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from patients.roles import display_name
from treatments.booking import calendar as layout
from treatments.booking.availability import GRID, Availability
from treatments.models import Visit


@dataclass
class FreeTime:
    """Free time between visits, for the narrow list: it books from its first quarter hour."""

    starts: time
    ends: time
    book_url: str


@dataclass
class ListEntry:
    starts: time
    visit: Visit | None = None
    free: FreeTime | None = None


@dataclass
class ListDay:
    date: date
    note: str = ""
    entries: list[ListEntry] = field(default_factory=list)


@dataclass
class PhysiotherapistList:
    name: str
    days: list[ListDay] = field(default_factory=list)


def columns_for(
    availability: Availability, physiotherapists: list, dates: list[date], today: date
) -> list[layout.CalendarColumn]:
    """A column for each day and each physiotherapist: the days in order, and within each day
    the physiotherapists in order. Today is marked only in a week, where it is one of seven."""
    marks_today = len(dates) > 1
    return [
        layout.CalendarColumn(
            date=day,
            physiotherapist_id=user.pk,
            note=availability.day_note(user.pk, day),
            is_today=marks_today and day == today,
            label=display_name(user),
        )
        for day in dates
        for user in physiotherapists
    ]


def mark_actions(visits: list[Visit], today: date) -> None:
    """What the front desk may do with each visit from the sheet: check the patient in (a
    booked visit today, not yet checked in) or mark a no-show (a booked visit that has begun
    and whose patient has not checked in). The services check it again."""
    now = timezone.now()
    for visit in visits:
        booked = visit.status == Visit.Status.BOOKED
        visit.arrived = (
            f"{timezone.localtime(visit.checked_in_at):%H:%M}" if visit.checked_in_at else ""
        )
        visit.can_check_in = booked and visit.date == today and not visit.checked_in_at
        visit.can_mark_no_show = booked and visit.starts_at <= now and not visit.checked_in_at


def arrivals(visits: list[Visit], today: date) -> list[Visit]:
    """Today's checked-in patients, in the order they arrived."""
    arrived = [
        visit
        for visit in visits
        if visit.checked_in_at and timezone.localtime(visit.checked_in_at).date() == today
    ]
    return sorted(arrived, key=lambda visit: visit.checked_in_at)


def _free_times(
    availability: Availability, physiotherapist_id: int, day: date, shortest_visit: int
) -> list[FreeTime]:
    """The runs of free quarter hours where the shortest visit fits, from now on, each lasting
    to the next visit or the end of the physiotherapist's hours."""
    runs: list[FreeTime] = []
    previous = run_end = None
    for slot in availability.free_slots(physiotherapist_id, day, shortest_visit):
        moment = datetime.combine(day, slot)
        if previous and moment - previous == GRID and moment < run_end:
            previous = moment
            continue
        minutes = availability.free_minutes(physiotherapist_id, day, slot)
        run_end = moment + timedelta(minutes=minutes)
        url = layout.booking_url(physiotherapist_id, day, slot)
        runs.append(FreeTime(slot, run_end.time(), url))
        previous = moment
    return runs


def lists_for(
    availability: Availability,
    physiotherapists: list,
    dates: list[date],
    visits: list[Visit],
    shortest_visit: int,
) -> list[PhysiotherapistList]:
    """One list per physiotherapist, day by day: their visits (cancelled and no-shows too,
    greyed) and the free time between them, in time order."""
    by_column: dict[tuple[int, date], list[Visit]] = {}
    for visit in visits:
        by_column.setdefault((visit.physiotherapist_id, visit.date), []).append(visit)
    lists = []
    for user in physiotherapists:
        found = PhysiotherapistList(display_name(user))
        for day in dates:
            entries = [ListEntry(v.start_time, visit=v) for v in by_column.get((user.pk, day), [])]
            entries += [
                ListEntry(free.starts, free=free)
                for free in _free_times(availability, user.pk, day, shortest_visit)
            ]
            entries.sort(key=lambda entry: (entry.starts, entry.free is not None))
            found.days.append(ListDay(day, availability.day_note(user.pk, day), entries))
        lists.append(found)
    return lists


def day_sheet_url(day: date, view: str = "day") -> str:
    query = {"date": day.isoformat()}
    if view == "week":
        query["view"] = "week"
    return f"{reverse('treatments:day-sheet')}?{urlencode(query)}"
