"""The calendar's layout (treatments/booking/calendar.py), without the test client or the
database: a week of one physiotherapist on the 15-minute grid, built from visits in memory."""

from datetime import date, time, timedelta
from itertools import count
from urllib.parse import parse_qs, urlsplit

from django.urls import reverse

from tests.factories import TODAY
from treatments.booking.availability import Availability
from treatments.booking.calendar import (
    CalendarColumn,
    booking_url,
    calendar_url,
    label_visits,
    lay_out,
    row_starts,
)
from treatments.models import ClinicHours, Visit, WorkingHours

MONDAY = TODAY - timedelta(days=1)  # 9 March 2026; the clock says Tuesday 10 March, noon
WEDNESDAY = TODAY + timedelta(days=1)
SATURDAY = MONDAY + timedelta(days=5)
PHYSIOTHERAPIST = 7  # an id: the layout reads nothing from the database
LOCATION = 1
QUARTERS_8_TO_18 = [time(hour, minute) for hour in range(8, 18) for minute in (0, 15, 30, 45)]
_ids = count(1)


def opening(weekday: int, opens: time, closes: time) -> dict[tuple[int, int], ClinicHours]:
    return {
        (LOCATION, weekday): ClinicHours(
            location_id=LOCATION, weekday=weekday, opens_at=opens, closes_at=closes
        )
    }


def weekdays_open(opens: time = time(8), closes: time = time(18)) -> dict:
    return {key: hours for day in range(5) for key, hours in opening(day, opens, closes).items()}


def visit(day: date, at: time, minutes: int = 30, status: str = "booked") -> Visit:
    # An id as if saved: Availability tells visits apart by it.
    made = Visit(pk=next(_ids), physiotherapist_id=PHYSIOTHERAPIST, date=day, start_time=at,
                 duration_minutes=minutes, status=status)  # fmt: skip
    made.set_times()
    return made


def week(visits=(), *, shortest: int = 30, hours=None, days_off=(), working_hours=None):
    """The rows of the week of 9 March, as the calendar view builds them."""
    availability = Availability(
        [PHYSIOTHERAPIST], MONDAY, MONDAY + timedelta(days=6),
        clinic_hours=weekdays_open() if hours is None else hours, main_location_id=LOCATION,
        working_hours=working_hours or {},
        days_off={(PHYSIOTHERAPIST, day) for day in days_off},
        # Availability.load reads only the visits that hold time.
        visits=[v for v in visits if v.status in Visit.COUNTING],
    )  # fmt: skip
    columns = [
        CalendarColumn(date=MONDAY + timedelta(days=n), physiotherapist_id=PHYSIOTHERAPIST)
        for n in range(7)
    ]
    return lay_out(availability, columns, list(visits), shortest)


def cells_on(rows, day: date) -> dict[time, object]:
    """The cells of one day's column, by the time each starts."""
    return {cell.starts: cell for row in rows for cell in row.cells if cell.column.date == day}


def book_times(rows, day: date) -> list[time]:
    return [at for at, cell in cells_on(rows, day).items() if cell.book_url]


# The grid -------------------------------------------------------------------------------


def test_it_lays_the_clinics_hours_out_in_quarter_hours():
    rows = week()
    assert [row.starts for row in rows] == QUARTERS_8_TO_18
    assert all(len(row.cells) == 7 for row in rows)
    assert all(cell.rowspan == 1 and not cell.visits for row in rows for cell in row.cells)


def test_it_runs_from_the_earliest_opening_to_the_latest_closing_of_the_week():
    hours = weekdays_open()
    hours |= opening(0, time(7, 30), time(12)) | opening(4, time(9), time(19, 15))
    starts = [row.starts for row in week(hours=hours)]
    assert (starts[0], starts[-1], len(starts)) == (time(7, 30), time(19), 47)


def test_it_lays_out_nothing_when_the_clinic_has_no_hours_and_no_visits():
    assert week(hours={}) == []


def test_it_lays_out_the_visits_of_a_clinic_without_hours():
    rows = week([visit(WEDNESDAY, time(10), 60)], hours={})
    assert [row.starts for row in rows] == [time(10), time(10, 15), time(10, 30), time(10, 45)]
    assert cells_on(rows, WEDNESDAY)[time(10)].rowspan == 4
    assert book_times(rows, WEDNESDAY) == []


# Visits at their real length ------------------------------------------------------------


def test_a_60_minute_assessment_spans_four_rows_and_a_45_minute_re_assessment_three():
    assessment = visit(WEDNESDAY, time(9), 60)
    re_assessment = visit(WEDNESDAY, time(11), 45)
    ims = visit(WEDNESDAY, time(14), 30)
    cells = cells_on(week([assessment, re_assessment, ims]), WEDNESDAY)
    assert (cells[time(9)].visits, cells[time(9)].rowspan) == ([assessment], 4)
    assert (cells[time(11)].visits, cells[time(11)].rowspan) == ([re_assessment], 3)
    assert (cells[time(14)].visits, cells[time(14)].rowspan) == ([ims], 2)
    # The rows they span have no cell of their own in that column.
    for spanned in [time(9, 15), time(9, 45), time(11, 15), time(11, 30), time(14, 15)]:
        assert spanned not in cells
    assert time(10) in cells and time(11, 45) in cells


def test_every_column_covers_every_row_exactly_once():
    visits = [
        visit(MONDAY, time(8), 60), visit(TODAY, time(9, 10), 50),
        visit(WEDNESDAY, time(17, 30), 30), visit(WEDNESDAY, time(12, 5), 240),
        visit(SATURDAY, time(10), 45),
    ]  # fmt: skip
    rows = week(visits)
    for n in range(7):
        day = MONDAY + timedelta(days=n)
        assert sum(cell.rowspan for cell in cells_on(rows, day).values()) == len(rows)
    # Each row's cells are in the order of the days.
    for row in rows:
        days = [cell.column.date for cell in row.cells]
        assert days == sorted(days)


def test_a_visit_off_the_grid_fills_every_quarter_hour_it_touches():
    off_grid = visit(WEDNESDAY, time(10, 10), 30)  # 10:10-10:40
    cells = cells_on(week([off_grid]), WEDNESDAY)
    assert (cells[time(10)].visits, cells[time(10)].rowspan) == ([off_grid], 3)
    assert cells[time(10)].book_url == ""


def test_back_to_back_visits_have_a_cell_each():
    first, second = visit(WEDNESDAY, time(10)), visit(WEDNESDAY, time(10, 30))
    cells = cells_on(week([first, second]), WEDNESDAY)
    assert (cells[time(10)].visits, cells[time(10)].rowspan) == ([first], 2)
    assert (cells[time(10, 30)].visits, cells[time(10, 30)].rowspan) == ([second], 2)


def test_visits_that_overlap_share_one_cell_as_tall_as_both():
    # Only a visit recorded outside the rules could overlap; the calendar still shows both.
    first, second = visit(MONDAY, time(10), 60, "attended"), visit(MONDAY, time(10, 30), 60)
    cells = cells_on(week([second, first]), MONDAY)
    assert (cells[time(10)].visits, cells[time(10)].rowspan) == ([first, second], 6)
    assert time(10, 30) not in cells and time(11, 30) in cells


def test_the_rows_widen_for_a_visit_outside_the_hours():
    early = visit(TODAY, time(7, 10), 30)  # 07:10-07:40
    late = visit(WEDNESDAY, time(18, 30), 45)  # 18:30-19:15
    starts = [row.starts for row in week([early, late])]
    assert (starts[0], starts[-1]) == (time(7), time(19))
    cells = cells_on(week([early, late]), TODAY)
    assert (cells[time(7)].visits, cells[time(7)].rowspan) == ([early], 3)
    # Outside the hours is not bookable.
    assert cells[time(7, 45)].book_url == "" and cells[time(18)].book_url == ""


def test_a_visit_running_past_midnight_ends_at_the_last_row():
    late = visit(WEDNESDAY, time(23, 30), 60)
    rows = week([late])
    assert rows[-1].starts == time(23, 45)
    assert cells_on(rows, WEDNESDAY)[time(23, 30)].rowspan == 2


# Free quarter hours ---------------------------------------------------------------------


def test_free_quarter_hours_link_to_the_booking_page_from_now_on():
    rows = week()
    assert book_times(rows, MONDAY) == []  # yesterday
    # It is noon: 12:15 is the first time ahead; 17:30 the last a 30-minute visit fits.
    assert book_times(rows, TODAY) == QUARTERS_8_TO_18[17:-1]
    assert book_times(rows, WEDNESDAY) == QUARTERS_8_TO_18[:-1]
    assert book_times(rows, SATURDAY) == []  # the clinic is closed
    cell = cells_on(rows, WEDNESDAY)[time(8)]
    assert cell.book_url == booking_url(PHYSIOTHERAPIST, WEDNESDAY, time(8))


def test_a_free_quarter_hour_links_only_where_the_shortest_type_fits():
    taken = visit(WEDNESDAY, time(10), 60)  # 10:00-11:00
    times = book_times(week([taken], shortest=30), WEDNESDAY)
    assert time(9, 30) in times and time(9, 45) not in times
    assert time(11) in times and time(17, 30) in times and time(17, 45) not in times
    times = book_times(week([taken], shortest=60), WEDNESDAY)
    assert time(9) in times and time(9, 15) not in times
    assert time(17) in times and time(17, 15) not in times
    times = book_times(week([taken], shortest=15), WEDNESDAY)
    assert time(9, 45) in times and time(17, 45) in times


def test_a_gap_too_short_for_any_type_offers_nothing():
    before, after = visit(WEDNESDAY, time(9), 60), visit(WEDNESDAY, time(10, 15), 30)
    times = book_times(week([before, after], shortest=30), WEDNESDAY)
    assert time(10) not in times  # 15 minutes free
    assert time(10) in book_times(week([before, after], shortest=15), WEDNESDAY)


def test_cancelled_and_no_show_visits_are_greyed_in_their_start_cell_and_free_the_time():
    cancelled = visit(WEDNESDAY, time(10), 60, "cancelled")
    missed = visit(MONDAY, time(9), 30, "no_show")
    inside = visit(WEDNESDAY, time(14, 15), 30, "cancelled")
    booked = visit(WEDNESDAY, time(14), 60)
    rows = week([cancelled, missed, inside, booked])
    wednesday = cells_on(rows, WEDNESDAY)
    assert wednesday[time(10)].muted == [cancelled] and wednesday[time(10)].visits == []
    assert wednesday[time(10)].rowspan == 1 and wednesday[time(10)].book_url
    assert wednesday[time(10, 15)].book_url  # the hour it held is free again
    assert cells_on(rows, MONDAY)[time(9)].muted == [missed]
    # One that would have started inside a visit is listed in that visit's cell.
    assert (wednesday[time(14)].visits, wednesday[time(14)].muted) == ([booked], [inside])


def test_a_closed_day_or_a_day_off_offers_nothing_but_shows_its_visits():
    recorded = visit(SATURDAY, time(10), 30, "attended")
    rows = week([recorded], days_off=[WEDNESDAY])
    assert book_times(rows, WEDNESDAY) == [] and book_times(rows, SATURDAY) == []
    assert cells_on(rows, SATURDAY)[time(10)].visits == [recorded]
    assert book_times(rows, TODAY) != []


def test_working_hours_narrow_the_free_quarter_hours():
    works = {(PHYSIOTHERAPIST, 2): [
        WorkingHours(physiotherapist_id=PHYSIOTHERAPIST, location_id=LOCATION, weekday=2,
                     starts_at=time(13), ends_at=time(15)),
    ]}  # fmt: skip
    rows = week(working_hours=works)
    assert book_times(rows, WEDNESDAY) == [time(13), time(13, 15), time(13, 30), time(13, 45),
                                           time(14), time(14, 15), time(14, 30)]  # fmt: skip
    assert book_times(rows, MONDAY + timedelta(days=3)) == []  # does not work on Thursdays


def test_hours_that_begin_off_the_grid_are_offered_from_the_next_quarter_hour():
    works = {(PHYSIOTHERAPIST, 2): [
        WorkingHours(physiotherapist_id=PHYSIOTHERAPIST, location_id=LOCATION, weekday=2,
                     starts_at=time(8, 10), ends_at=time(9, 20)),
    ]}  # fmt: skip
    assert book_times(week(working_hours=works), WEDNESDAY) == [time(8, 15), time(8, 30),
                                                                time(8, 45)]  # fmt: skip


# What each visit says, and the links ----------------------------------------------------


def test_it_labels_each_visit_with_its_times_and_status():
    visits = [visit(WEDNESDAY, time(9, 45), 45), visit(MONDAY, time(23, 30), 60, "no_show")]
    label_visits(visits)
    assert [(v.times, v.status_label, v.is_muted) for v in visits] == [
        ("09:45-10:30", "Booked", False),
        ("23:30-00:30", "No-show", True),
    ]


def test_the_calendar_and_booking_links_name_the_physiotherapist_and_the_time():
    week_link = urlsplit(calendar_url(PHYSIOTHERAPIST, MONDAY, WEDNESDAY))
    assert week_link.path == reverse("treatments:calendar")
    assert parse_qs(week_link.query) == {
        "physiotherapist": ["7"], "week": ["2026-03-09"], "day": ["2026-03-11"]
    }  # fmt: skip
    assert "day=" not in calendar_url(PHYSIOTHERAPIST, MONDAY)
    book_link = urlsplit(booking_url(PHYSIOTHERAPIST, WEDNESDAY, time(9, 5), course=3))
    assert book_link.path == reverse("treatments:book")
    assert parse_qs(book_link.query) == {
        "physiotherapist": ["7"], "date": ["2026-03-11"], "time": ["09:05"], "course": ["3"]
    }  # fmt: skip


def test_row_starts_are_on_the_grid_whatever_the_hours():
    hours = opening(0, time(8, 10), time(9))
    availability = Availability([PHYSIOTHERAPIST], MONDAY, MONDAY, clinic_hours=hours)
    assert row_starts(availability, []) == [time(8), time(8, 15), time(8, 30), time(8, 45)]
