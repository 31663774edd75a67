"""When a physiotherapist can be booked: the clinic's opening hours, their working hours and
days off, and the visits they already have. Loaded once for a date range, so a calendar week or
a search for free times runs a fixed number of queries."""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from patients.roles import display_name
from treatments.models import ClinicHours, DayOff, Visit, WorkingHours

# The calendar's grid, and the step between the start times offered.
GRID = timedelta(minutes=15)

messages = {
    "clinic_closed_on": _("The clinic is closed on %(weekdays)s."),
    "clinic_open": _("The clinic is open %(opens)s-%(closes)s on %(weekdays)s."),
    "day_off": _("%(name)s is off on %(day)s."),
    "not_working_on": _("%(name)s does not work on %(weekdays)s."),
    "works": _("%(name)s works %(hours)s on %(weekdays)s."),
    # Why nothing can be booked on a day, as the calendar's column says it.
    "closed": _("Clinic closed"),
    "off": _("Day off"),
    "not_working": _("Not working"),
}


def on_the_grid(moment: datetime) -> datetime:
    """The first quarter hour at or after `moment`. Hours may begin at any minute (08:10), but
    the start times offered are the calendar's rows, which begin on the quarter hour."""
    late = (moment - datetime.combine(moment.date(), time())) % GRID
    return moment + (GRID - late if late else timedelta())


def _weekdays(day: date) -> str:
    return formats.date_format(day, "l")


def _name(physiotherapist_id: int) -> str:
    """The name a refusal gives; looked up only when there is a refusal to explain."""
    user = get_user_model().objects.filter(pk=physiotherapist_id).first()
    return display_name(user) if user else str(_("This physiotherapist"))


@dataclass
class Availability:
    """`location_id`, when given, narrows what can be booked to that location's hours."""

    physiotherapist_ids: list[int]
    start: date
    end: date  # inclusive
    location_id: int | None = None
    # Opening hours by (location, weekday), and the location of a physiotherapist with no
    # working hours set: the first one with opening hours (a fresh install's only one).
    clinic_hours: dict[tuple[int, int], ClinicHours] = field(default_factory=dict)
    main_location_id: int | None = None
    working_hours: dict[tuple[int, int], list[WorkingHours]] = field(default_factory=dict)
    days_off: set[tuple[int, date]] = field(default_factory=set)
    visits: list[Visit] = field(default_factory=list)

    @classmethod
    def load(
        cls, physiotherapist_ids: list[int], start: date, end: date, *, visits: bool = True,
        location_id: int | None = None,
    ) -> "Availability":  # fmt: skip
        """Everything about these physiotherapists from start to end, in four queries (three
        without the visits, which only the free times need)."""
        found = cls(list(physiotherapist_ids), start, end, location_id)
        opening = ClinicHours.objects.filter(location__is_open=True).order_by("location_id")
        for hours in opening.select_related("location"):
            found.clinic_hours[hours.location_id, hours.weekday] = hours
            found.main_location_id = found.main_location_id or hours.location_id
        for hours in WorkingHours.objects.filter(physiotherapist_id__in=physiotherapist_ids):
            key = (hours.physiotherapist_id, hours.weekday)
            found.working_hours.setdefault(key, []).append(hours)
        found.days_off = set(
            DayOff.objects.filter(
                physiotherapist_id__in=physiotherapist_ids, date__range=(start, end)
            ).values_list("physiotherapist_id", "date")
        )
        if visits:
            found.visits = list(
                Visit.objects.counting()
                .filter(physiotherapist_id__in=physiotherapist_ids, date__range=(start, end))
                .order_by("starts_at")
            )
        return found

    def _hours(self, physiotherapist_id: int, day: date) -> list[tuple[time, time, int]]:
        """Where and when the physiotherapist works on a day, before the opening hours: their
        working hours, or with none set, the main location's opening hours."""
        if not self.has_working_hours(physiotherapist_id):
            # No hours set for them yet: they can be booked whenever the clinic is open.
            clinic = self.clinic_hours.get((self.main_location_id, day.weekday()))
            return [(clinic.opens_at, clinic.closes_at, clinic.location_id)] if clinic else []
        rows = self.working_hours.get((physiotherapist_id, day.weekday()), [])
        return [(row.starts_at, row.ends_at, row.location_id) for row in rows]

    def places(self, physiotherapist_id: int, day: date) -> list[tuple[time, time, int]]:
        """When and where the physiotherapist can be booked on a day: their hours at each
        location within that location's opening hours, at the chosen location only."""
        if (physiotherapist_id, day) in self.days_off:
            return []
        places = []
        for begin, finish, location_id in self._hours(physiotherapist_id, day):
            clinic = self.clinic_hours.get((location_id, day.weekday()))
            if clinic is None or self.location_id not in (None, location_id):
                continue
            start, end = max(begin, clinic.opens_at), min(finish, clinic.closes_at)
            if start < end:
                places.append((start, end, location_id))
        return sorted(places)

    def windows(self, physiotherapist_id: int, day: date) -> list[tuple[time, time]]:
        """When the physiotherapist can be booked on a day: their hours within the clinic's."""
        return [(start, end) for start, end, _ in self.places(physiotherapist_id, day)]

    def location_at(self, physiotherapist_id: int, day: date, start: time) -> int | None:
        """Where the physiotherapist is at a time: the location of their hours then, else of
        their hours that day (a visit recorded outside them), else the main location."""
        hours = self._hours(physiotherapist_id, day)
        for begin, finish, location_id in hours:
            if begin <= start < finish:
                return location_id
        return hours[0][2] if hours else self.main_location_id

    def has_working_hours(self, physiotherapist_id: int) -> bool:
        return any(key[0] == physiotherapist_id for key in self.working_hours)

    def _open_on(self, physiotherapist_id: int, day: date) -> bool:
        """Whether a location where they could work that day opens on its weekday."""
        locations = {place[2] for place in self._hours(physiotherapist_id, day)} or {
            location_id for location_id, _ in self.clinic_hours
        }
        if self.location_id is not None:
            locations &= {self.location_id}
        return any((location_id, day.weekday()) in self.clinic_hours for location_id in locations)

    def day_note(self, physiotherapist_id: int, day: date) -> str:
        """Why nothing can be booked with them on a day, in two words, or an empty string."""
        if not self._open_on(physiotherapist_id, day):
            return str(messages["closed"])
        if (physiotherapist_id, day) in self.days_off:
            return str(messages["off"])
        if not self.windows(physiotherapist_id, day):
            return str(messages["not_working"])
        return ""

    def problem_with(self, physiotherapist_id: int, day: date, start: time, minutes: int) -> str:
        """Why a visit cannot be booked then, or an empty string."""
        end = (datetime.combine(day, start) + timedelta(minutes=minutes)).time()
        weekdays = _weekdays(day)
        if not self._open_on(physiotherapist_id, day):
            return messages["clinic_closed_on"] % {"weekdays": weekdays}
        location_id = self.location_at(physiotherapist_id, day, start)
        clinic = self.clinic_hours.get((location_id, day.weekday()))
        if clinic and (start < clinic.opens_at or end > clinic.closes_at or end <= start):
            return messages["clinic_open"] % {
                "opens": f"{clinic.opens_at:%H:%M}",
                "closes": f"{clinic.closes_at:%H:%M}",
                "weekdays": weekdays,
            }
        if (physiotherapist_id, day) in self.days_off:
            name = _name(physiotherapist_id)
            return messages["day_off"] % {"name": name, "day": formats.date_format(day, "l j F Y")}
        windows = self.windows(physiotherapist_id, day)
        if not any(begin <= start and end <= finish for begin, finish in windows):
            name = _name(physiotherapist_id)
            if not windows:
                return messages["not_working_on"] % {"name": name, "weekdays": weekdays}
            hours = ", ".join(f"{begin:%H:%M}-{finish:%H:%M}" for begin, finish in windows)
            return messages["works"] % {"name": name, "hours": hours, "weekdays": weekdays}
        return ""

    def visits_of(self, physiotherapist_id: int, day: date, ignoring: int | None = None):
        return [
            visit
            for visit in self.visits
            if visit.physiotherapist_id == physiotherapist_id
            and visit.date == day
            and visit.pk != ignoring
        ]

    def free_minutes(
        self, physiotherapist_id: int, day: date, start: time, *, ignoring: int | None = None
    ) -> int:
        """How long the physiotherapist is free from `start`: to their next visit or the end of
        the hours they can be booked, 0 when they cannot be booked then."""
        moment = timezone.make_aware(datetime.combine(day, start))
        for begin, finish in self.windows(physiotherapist_id, day):
            if begin <= start < finish:
                end = timezone.make_aware(datetime.combine(day, finish))
                break
        else:
            return 0
        for visit in self.visits_of(physiotherapist_id, day, ignoring):
            if visit.starts_at <= moment < visit.ends_at:
                return 0
            if moment < visit.starts_at < end:
                end = visit.starts_at
        return int((end - moment).total_seconds() // 60)

    def free_slots(
        self, physiotherapist_id: int, day: date, minutes: int, *, ignoring: int | None = None
    ) -> list[time]:
        """Start times on the grid when the physiotherapist is free for `minutes`, from now on.
        `ignoring` is a visit being moved, whose own time counts as free."""
        now = timezone.localtime()
        taken = self.visits_of(physiotherapist_id, day, ignoring)
        slots = []
        for begin, finish in self.windows(physiotherapist_id, day):
            moment = timezone.make_aware(on_the_grid(datetime.combine(day, begin)))
            last = timezone.make_aware(datetime.combine(day, finish)) - timedelta(minutes=minutes)
            while moment <= last:
                ends = moment + timedelta(minutes=minutes)
                clash = any(v.starts_at < ends and moment < v.ends_at for v in taken)
                if not clash and moment > now:
                    slots.append(timezone.localtime(moment).time())
                moment += GRID
        return slots


def nearest_free_slots(
    physiotherapist_id: int,
    around: datetime,
    minutes: int,
    *,
    count: int = 3,
    days: int = 14,
    allowed: Callable[[date], bool] = lambda day: True,
    ignoring: int | None = None,
) -> list[datetime]:
    """The physiotherapist's free times nearest to `around`, on days that `allowed` accepts."""
    try:
        start, end = around.date() - timedelta(days=days), around.date() + timedelta(days=days)
    except OverflowError:  # a date at the very end of the calendar: nothing to offer
        return []
    availability = Availability.load([physiotherapist_id], start, end)
    candidates = []
    for offset in range(-days, days + 1):
        day = around.date() + timedelta(days=offset)
        if not allowed(day):
            continue
        for slot in availability.free_slots(physiotherapist_id, day, minutes, ignoring=ignoring):
            moment = timezone.make_aware(datetime.combine(day, slot))
            candidates.append((abs(moment - around), moment))
    return [moment for _, moment in sorted(candidates)[:count]]
