"""The front desk's worklists: patients due for their weekly visit, and the waitlist."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients.roles import booking_staff
from treatments import worklist
from treatments.forms import add_service_errors
from treatments.locations import location_choice
from treatments.models import WaitlistEntry
from treatments.progress import DUE_AFTER_DAYS, OVERDUE_AFTER_DAYS
from treatments.worklist_forms import MATCHES_SHOWN, PatientLookupForm, WaitlistEntryForm


@booking_staff
def due_list(request):
    today = timezone.localdate()
    locations = location_choice(request)
    patients = worklist.due_for_booking(today, location_id=locations.chosen_id)
    ctx = {
        "locations": locations,
        "today": today,
        "due": [row for row in patients if not row.is_overdue],
        "overdue": [row for row in patients if row.is_overdue],
        "due_after": DUE_AFTER_DAYS,
        "overdue_after": OVERDUE_AFTER_DAYS,
    }
    return render(request, "treatments/worklist/due_list.html", ctx)


@booking_staff
def waitlist(request):
    locations = location_choice(request)
    ctx = {
        "locations": locations,
        "entries": worklist.waiting_list(location_id=locations.chosen_id),
    }
    return render(request, "treatments/worklist/waitlist.html", ctx)


@booking_staff
def waitlist_add(request):
    data = request.POST if request.method == "POST" else None
    lookup = PatientLookupForm(data if data is not None else request.GET)
    matches = lookup.matching_patients()
    only = matches[0].pk if len(matches) == 1 else None
    initial = {"patient": lookup.cleaned_data.get("patient") or only}
    locations = location_choice(request)
    initial["location"] = locations.chosen
    form = WaitlistEntryForm(
        data, matches=matches, initial=initial, several_locations=locations.several
    )
    if data is not None and form.is_valid():
        try:
            entry = worklist.add_to_waitlist(
                patient=form.cleaned_data["patient"], note=form.cleaned_data["note"],
                location=form.cleaned_data.get("location"),
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("%(patient)s is on the waitlist.") % {"patient": entry.patient}
            )
            return redirect("treatments:waitlist")
    ctx = {"lookup": lookup, "form": form, "matches": matches, "matches_shown": MATCHES_SHOWN}
    status = 400 if lookup.errors.get("q") else 200
    return render(request, "treatments/worklist/waitlist_add.html", ctx, status=status)


@booking_staff
@require_POST
def waitlist_resolve(request, pk: int):
    entry = get_object_or_404(WaitlistEntry.objects.select_related("patient"), pk=pk)
    try:
        worklist.resolve_waitlist_entry(entry)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("%(patient)s is off the waitlist.") % {"patient": entry.patient}
        )
    return redirect("treatments:waitlist")


urlpatterns = [
    path("due/", due_list, name="due-list"),
    path("waitlist/", waitlist, name="waitlist"),
    path("waitlist/add/", waitlist_add, name="waitlist-add"),
    path("waitlist/<int:pk>/resolve/", waitlist_resolve, name="waitlist-resolve"),
]
