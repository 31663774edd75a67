"""The calendar's layout: columns (the days of one physiotherapist's week) and rows on a
15-minute grid. A booked or attended visit fills a cell as tall as it is long; each free
quarter hour from now on, where the shortest visit type fits, links to the booking page.
Cancelled visits and no-shows are listed, greyed, in the cell where they would have started:
they do not hold the time.

Nothing here reads the database: the view loads the week (Availability.load and the visits)
in a fixed number of queries and passes it in.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.urls import reverse

from treatments.booking.availability import GRID, Availability
from treatments.models import Visit

GRID_MINUTES = int(GRID.total_seconds() // 60)


@dataclass
class CalendarColumn:
    """A day of one physiotherapist."""

    date: date
    physiotherapist_id: int
    note: str = ""  # why nothing can be booked: "Clinic closed", "Day off", "Not working"
    is_today: bool = False
    is_shown: bool = True  # the one day a narrow screen shows
    url: str = ""
    label: str = ""  # the physiotherapist's name, on the day sheet where columns are people


@dataclass
class CalendarCell:
    column: CalendarColumn
    starts: time
    rowspan: int = 1
    visits: list[Visit] = field(default_factory=list)  # booked or attended, filling the cell
    muted: list[Visit] = field(default_factory=list)  # cancelled or no-show, starting here
    book_url: str = ""  # a free quarter hour


@dataclass
class CalendarRow:
    starts: time
    cells: list[CalendarCell]  # only the cells that begin in this row: the rest are spanned


def calendar_url(physiotherapist_id: int, week: date, day: date | None = None) -> str:
    query = {"physiotherapist": physiotherapist_id, "week": week.isoformat()}
    if day:
        query["day"] = day.isoformat()
    return f"{reverse('treatments:calendar')}?{urlencode(query)}"


def booking_url(physiotherapist_id: int, day: date, start: time, **more) -> str:
    query = {"physiotherapist": physiotherapist_id, "date": day.isoformat(),
             "time": f"{start:%H:%M}", **more}  # fmt: skip
    return f"{reverse('treatments:book')}?{urlencode(query)}"


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _time(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def row_starts(availability: Availability, visits: list[Visit]) -> list[time]:
    """The grid from the earliest opening to the latest closing of the clinic's week, widened
    to take in any visit outside those hours."""
    spans = [
        (_minutes(h.opens_at), _minutes(h.closes_at)) for h in availability.clinic_hours.values()
    ]
    spans += [(_minutes(v.start_time), _minutes(v.start_time) + v.duration_minutes) for v in visits]
    if not spans:
        return []
    first = min(start for start, _ in spans) // GRID_MINUTES * GRID_MINUTES
    last = min(max(end for _, end in spans), 24 * 60)
    return [_time(minute) for minute in range(first, last, GRID_MINUTES)]


def lay_out(
    availability: Availability,
    columns: list[CalendarColumn],
    visits: list[Visit],
    shortest_visit: int,
) -> list[CalendarRow]:
    """The rows of the calendar. `shortest_visit` is the length in minutes of the shortest
    visit type offered: a free quarter hour links to the booking page only if it fits."""
    starts = row_starts(availability, visits)
    if not starts:
        return []
    first = _minutes(starts[0])
    rows = [CalendarRow(start, []) for start in starts]
    # Columns one after the other: each row gets at most one new cell per column, in order.
    for column in columns:
        _lay_out_column(availability, column, visits, shortest_visit, rows, first)
    return rows


def _lay_out_column(availability, column, visits, shortest_visit, rows, first) -> None:
    mine = (column.date, column.physiotherapist_id)
    ours = [v for v in visits if (v.date, v.physiotherapist_id) == mine]
    owner: list[CalendarCell | None] = [None] * len(rows)  # the cell covering each row

    def row_of(moment: time) -> int:
        return min(max((_minutes(moment) - first) // GRID_MINUTES, 0), len(rows) - 1)

    for visit in sorted((v for v in ours if v.status in Visit.COUNTING), key=lambda v: v.starts_at):
        top = row_of(visit.start_time)
        bottom = row_of(_time(min(_minutes(visit.start_time) + visit.duration_minutes - 1, 1439)))
        cell = owner[top]
        if cell is None:
            cell = CalendarCell(column, rows[top].starts)
            rows[top].cells.append(cell)
        cell.visits.append(visit)
        cell_top = row_of(cell.starts)
        for index in range(cell_top, bottom + 1):
            if owner[index] is None:
                owner[index] = cell
        cell.rowspan = max(cell.rowspan, bottom - cell_top + 1)
    free = set(availability.free_slots(column.physiotherapist_id, column.date, shortest_visit))
    for index, row in enumerate(rows):
        if owner[index] is None:
            cell = CalendarCell(column, row.starts)
            if row.starts in free:
                cell.book_url = booking_url(column.physiotherapist_id, column.date, row.starts)
            row.cells.append(cell)
            owner[index] = cell
    for visit in (v for v in ours if v.status not in Visit.COUNTING):
        owner[row_of(visit.start_time)].muted.append(visit)


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
