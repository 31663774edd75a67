"""Which location a page of the clinic's day shows: the day sheet, the calendar, the due list,
the waitlist and the reports filter by it.

A front desk works at one location for the day, so the choice is kept in the session and every
one of those pages opens on it. With one location there is nothing to choose, and the pages say
nothing about locations.
"""

from dataclasses import dataclass, field

from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from treatments.models import Location, WorkingHours

SESSION_KEY = "location"
NOT_A_LOCATION = _("That location is not one of the clinic's: showing every location.")


@dataclass
class LocationChoice:
    locations: list[Location] = field(default_factory=list)
    chosen: Location | None = None

    @property
    def several(self) -> bool:
        return len(self.locations) > 1

    @property
    def chosen_id(self) -> int | None:
        return self.chosen.pk if self.chosen else None


def location_choice(request) -> LocationChoice:
    """The open locations (one query) and the one the page shows: the `location` asked for in
    the address, else the one chosen before in this session, else all. An empty value shows
    all; a value that is not an open location shows all and says so."""
    choice = LocationChoice(list(Location.objects.open()))
    asked = request.GET.get("location")
    raw = asked if asked is not None else request.session.get(SESSION_KEY, "")
    by_id = {str(location.pk): location for location in choice.locations}
    if raw and raw not in by_id:
        if asked is not None:
            messages.warning(request, NOT_A_LOCATION)
        raw = ""
    choice.chosen = by_id.get(raw) if choice.several else None
    if asked is not None and request.session.get(SESSION_KEY, "") != raw:
        request.session[SESSION_KEY] = raw
    return choice


def working_at(physiotherapists: list, choice: LocationChoice) -> list:
    """Those of `physiotherapists` who work at the chosen location, in one query; one with no
    working hours set works at the main location (the first open one made), as booking has it."""
    ids = [user.pk for user in physiotherapists]
    hours = WorkingHours.objects.filter(physiotherapist_id__in=ids)
    places = set(hours.values_list("physiotherapist_id", "location_id"))
    with_hours = {physiotherapist_id for physiotherapist_id, _ in places}
    main = min(location.pk for location in choice.locations)
    return [
        user
        for user in physiotherapists
        if (user.pk, choice.chosen_id) in places
        or (user.pk not in with_hours and choice.chosen_id == main)
    ]
