"""A new patient's details, and the clinic's online settings, for the requests' tests."""

from datetime import date

from treatments.booking.requests import services
from treatments.models import AppointmentRequest, ClinicSettings, VisitType


def details(**changes) -> dict:
    """What a new patient would type in the form, as the form hands it on."""
    return {
        "first_name": "Jordan", "last_name": "Reyes", "date_of_birth": date(1985, 6, 1),
        "email": "jordan@example.com", "phone": "604 555 0123",
        "problem": "Sore shoulder since the winter", "times_that_suit": "Mornings", **changes,
    }  # fmt: skip


def form_data(**changes) -> dict:
    """The same, as the page posts it."""
    data = details(**changes)
    if isinstance(data["date_of_birth"], date):
        data["date_of_birth"] = data["date_of_birth"].isoformat()
    return data


def turn_on_online_booking(*, directly: bool = False) -> ClinicSettings:
    clinic = ClinicSettings.load()
    clinic.online_booking, clinic.new_patients_book_directly = True, directly
    clinic.save()
    return clinic


def let_new_patients_book(physiotherapist) -> VisitType:
    """Direct booking on, with the initial assessment and this physiotherapist bookable."""
    turn_on_online_booking(directly=True)
    profile = physiotherapist.physiotherapist_profile
    profile.bookable_online = True
    profile.save()
    assessment = VisitType.objects.get(name="Initial assessment")
    assessment.bookable_online = True
    assessment.save()
    return assessment


def a_request(**changes) -> AppointmentRequest:
    """A request asked through the service (online booking must be on)."""
    return services.ask_for_assessment(details=details(**changes))
