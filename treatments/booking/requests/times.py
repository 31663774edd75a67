"""The free initial-assessment times a new patient may book online, when the clinic lets them
book directly: with the physiotherapists bookable online, from the clinic's notice to its
weeks ahead. Loaded in a fixed number of queries, whatever the number of weeks."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from patients.roles import display_name
from treatments.booking.availability import Availability
from treatments.forms import active_physiotherapists
from treatments.models import ClinicSettings, VisitType

# Enough to choose from on a phone without a list of hundreds: a few times a day, spread over
# the day, for the first days that have any.
TIMES_PER_DAY = 4
DAYS_SHOWN = 10


@dataclass(frozen=True)
class OfferedTime:
    physiotherapist_id: int
    physiotherapist_name: str
    day: date
    start_time: time
    location_id: int | None
    location_name: str = ""

    @property
    def key(self) -> str:
        """What the form posts for this time."""
        return f"{self.physiotherapist_id}-{self.day:%Y%m%d}-{self.start_time:%H%M}"


def assessment_type() -> VisitType | None:
    """The visit type a new patient books: offered, bookable online, without needling (a first
    visit assesses; IMS needs a course, screening and consent first)."""
    return VisitType.objects.filter(is_active=True, bookable_online=True, is_needling=False).first()


def _spread(times: list[time], count: int) -> list[time]:
    """At most `count` of the times, from the first to the last, evenly apart."""
    if len(times) <= count:
        return times
    step = (len(times) - 1) / (count - 1)
    return [times[round(n * step)] for n in range(count)]


def free_assessment_times(visit_type: VisitType, clinic: ClinicSettings) -> list[OfferedTime]:
    """The times offered, soonest first; each time once, with the first physiotherapist free."""
    physiotherapists = list(
        active_physiotherapists().filter(physiotherapist_profile__bookable_online=True)
    )
    if not physiotherapists:
        return []
    earliest = timezone.localtime() + timedelta(hours=clinic.online_booking_notice_hours)
    last = timezone.localdate() + timedelta(weeks=clinic.online_booking_weeks_ahead)
    ids = [user.pk for user in physiotherapists]
    availability = Availability.load(ids, earliest.date(), last)
    names = {key[0]: hours.location.name for key, hours in availability.clinic_hours.items()}
    offered: list[OfferedTime] = []
    day, days = earliest.date(), 0
    while day <= last and days < DAYS_SHOWN:
        by_time: dict[time, int] = {}
        for user in physiotherapists:
            for slot in availability.free_slots(user.pk, day, visit_type.length_minutes):
                moment = timezone.make_aware(datetime.combine(day, slot))
                if moment >= earliest and slot.minute in (0, 30):
                    by_time.setdefault(slot, user.pk)
        chosen = _spread(sorted(by_time), TIMES_PER_DAY)
        for slot in chosen:
            user = next(u for u in physiotherapists if u.pk == by_time[slot])
            location_id = availability.location_at(user.pk, day, slot)
            offered.append(OfferedTime(user.pk, display_name(user), day, slot, location_id,
                                       names.get(location_id, "")))  # fmt: skip
        days += bool(chosen)
        day += timedelta(days=1)
    return offered
