"""When a physiotherapist can be booked: the clinic's opening hours, their working hours and
days off, and the visits they already have. Loaded once for a date range, so a calendar week
or a search for free slots runs a fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import formats, timezone

from patients.roles import display_name
from treatments.models import ClinicHours, DayOff, Visit, WorkingHours

SLOT = timedelta(minutes=30)  # the calendar's grid and the step between offered times


def _weekday_name(day: date) -> str:
    return formats.date_format(day, "l")


def _name(physiotherapist_id: int) -> str:
    """The name a refusal gives; looked up only when there is a refusal to explain."""
    user = get_user_model().objects.filter(pk=physiotherapist_id).first()
    return display_name(user) if user else "This physiotherapist"


@dataclass
class Availability:
    physiotherapist_ids: list[int]
    start: date
    end: date  # inclusive
    clinic_hours: dict[int, ClinicHours] = field(default_factory=dict)
    working_hours: dict[tuple[int, int], list[WorkingHours]] = field(default_factory=dict)
    days_off: set[tuple[int, date]] = field(default_factory=set)
    visits: list[Visit] = field(default_factory=list)

    @classmethod
    def load(
        cls, physiotherapist_ids: list[int], start: date, end: date, *, visits: bool = True
    ) -> "Availability":
        """Everything about these physiotherapists from start to end, in four queries (three
        without the visits, which only free_slots() needs)."""
        found = cls(list(physiotherapist_ids), start, end)
        found.clinic_hours = {hours.weekday: hours for hours in ClinicHours.objects.all()}
        for hours in WorkingHours.objects.filter(physiotherapist_id__in=physiotherapist_ids):
            found.working_hours.setdefault((hours.physiotherapist_id, hours.weekday), []).append(
                hours
            )
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

    def windows(self, physiotherapist_id: int, day: date) -> list[tuple[time, time]]:
        """When the physiotherapist can be booked on a day: their hours within the clinic's."""
        clinic = self.clinic_hours.get(day.weekday())
        if clinic is None or (physiotherapist_id, day) in self.days_off:
            return []
        if not self.has_working_hours(physiotherapist_id):
            # No hours set for them yet: they can be booked whenever the clinic is open.
            return [(clinic.opens_at, clinic.closes_at)]
        windows = []
        for hours in self.working_hours.get((physiotherapist_id, day.weekday()), []):
            start, end = max(hours.starts_at, clinic.opens_at), min(hours.ends_at, clinic.closes_at)
            if start < end:
                windows.append((start, end))
        return windows

    def has_working_hours(self, physiotherapist_id: int) -> bool:
        return any(key[0] == physiotherapist_id for key in self.working_hours)

    def problem_with(self, physiotherapist_id: int, day: date, start: time, minutes: int) -> str:
        """Why a visit cannot be booked then, or an empty string."""
        end = (datetime.combine(day, start) + timedelta(minutes=minutes)).time()
        clinic = self.clinic_hours.get(day.weekday())
        if clinic is None:
            return f"The clinic is closed on {_weekday_name(day)}s."
        if start < clinic.opens_at or end > clinic.closes_at or end <= start:
            return (
                f"The clinic is open {clinic.opens_at:%H:%M}-{clinic.closes_at:%H:%M} on "
                f"{_weekday_name(day)}s."
            )
        if (physiotherapist_id, day) in self.days_off:
            return f"{_name(physiotherapist_id)} is off on {formats.date_format(day, 'l j F Y')}."
        windows = self.windows(physiotherapist_id, day)
        if not any(begin <= start and end <= finish for begin, finish in windows):
            if not windows:
                return f"{_name(physiotherapist_id)} does not work on {_weekday_name(day)}s."
            hours = ", ".join(f"{begin:%H:%M}-{finish:%H:%M}" for begin, finish in windows)
            return f"{_name(physiotherapist_id)} works {hours} on {_weekday_name(day)}s."
        return ""

    def free_slots(self, physiotherapist_id: int, day: date, minutes: int) -> list[time]:
        """Start times on the grid when the physiotherapist is free for `minutes`, from now on."""
        now = timezone.localtime()
        taken = [
            s for s in self.visits if s.physiotherapist_id == physiotherapist_id and s.date == day
        ]
        slots = []
        for begin, finish in self.windows(physiotherapist_id, day):
            moment = timezone.make_aware(datetime.combine(day, begin))
            last = timezone.make_aware(datetime.combine(day, finish)) - timedelta(minutes=minutes)
            while moment <= last:
                ends = moment + timedelta(minutes=minutes)
                clash = any(s.starts_at < ends and moment < s.ends_at for s in taken)
                if not clash and moment > now:
                    slots.append(timezone.localtime(moment).time())
                moment += SLOT
        return slots


def nearest_free_slots(
    physiotherapist_id: int, around: datetime, minutes: int, *, count: int = 3, days: int = 14,
    allowed=lambda day: True,
) -> list[datetime]:  # fmt: skip
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
        for slot in availability.free_slots(physiotherapist_id, day, minutes):
            moment = timezone.make_aware(datetime.combine(day, slot))
            candidates.append((abs(moment - around), moment))
    return [moment for _, moment in sorted(candidates)[:count]]
