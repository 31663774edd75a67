"""A signed-in patient books a visit (kind, physiotherapist or anyone, day, time, then confirm)
and moves one of their own. Each step is a GET that carries the choices so far; only the
confirming POST books or moves, through patients/online/booking.py, which holds every rule."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from patients.models import Patient
from patients.online import booking, throttle
from patients.online.forms import ANYONE, BookingChoiceForm, MoveChoiceForm
from patients.online.session import patient_required
from patients.online.views import Action, _audit
from patients.roles import display_name
from treatments.models import ClinicSettings, Location, Visit

STEPS = ["visit_type", "physiotherapist", "day", "slot"]
NO_TIMES_THAT_DAY = gettext_lazy(
    "There is no free time on that day any more: please choose another day."
)
NO_LONGER_FREE = gettext_lazy("That time is not free any more: please choose another.")


def _too_fast(request, template: str, ctx: dict):
    """More bookings or moves than a person makes: counted per patient (throttle.py)."""
    if not throttle.too_many_bookings(request.patient.pk):
        return None
    ctx["refusal"] = _(
        "You have booked or moved several visits in a few minutes. Please wait 10 minutes and "
        "try again, or call the clinic."
    )
    return render(request, template, ctx, status=429)


def _location_name(free: booking.FreeTime) -> str:
    """Where the visit would be, named only when the clinic has several locations."""
    if free is None or not Location.objects.several():
        return ""
    return Location.objects.filter(pk=free.location_id).values_list("name", flat=True).first()


def _step(form: BookingChoiceForm) -> str:
    """The first choice still to make, or made wrongly; "confirm" once all are made."""
    if not form.is_bound:
        return STEPS[0]
    form.is_valid()
    for name in STEPS:
        if name in form.errors or not form.cleaned_data.get(name):
            return name
    return "confirm"


def who_name(who: str, offered: list) -> str:
    if who == ANYONE or not offered:
        return _("Anyone free then")
    return display_name(offered[0])


@never_cache
@patient_required
def book(request):
    patient, clinic = request.patient, ClinicSettings.load()
    template, posted = "patients/online/book.html", request.method == "POST"
    refusal = booking.why_not_booking(patient, clinic)
    course = booking.active_course(patient) if refusal is None else None
    types = booking.bookable_types(patient, clinic, course)
    if refusal is None and not types.exists():
        refusal = _("There is nothing you can book online yet. Please call the clinic to book.")
    if refusal:
        return render(request, template, {"refusal": refusal}, status=400 if posted else 200)
    physiotherapists = list(booking.bookable_physiotherapists())
    data = request.POST if posted else request.GET
    form = BookingChoiceForm(data or None, types=types, physiotherapists=physiotherapists)
    step = _step(form)
    chosen = getattr(form, "cleaned_data", {})
    ctx = {"form": form, "step": step, "types": types, "physiotherapists": physiotherapists,
           "anyone": ANYONE}  # fmt: skip
    visit_type, who = chosen.get("visit_type"), chosen.get("physiotherapist")
    if visit_type is not None and who:
        ctx["weekly_rule"] = booking.weekly_rule_before_choosing(
            patient, visit_type, clinic, course
        )
        offered = (
            physiotherapists if who == ANYONE else [p for p in physiotherapists if str(p.pk) == who]
        )
        times = booking.free_times(
            patient=patient, minutes=visit_type.length_minutes, needling=visit_type.is_needling,
            physiotherapists=offered, clinic=clinic, course=course,
        )  # fmt: skip
        ctx["days"], ctx["who_name"] = list(times), who_name(who, offered)
        day = chosen.get("day")
        if day is not None and day not in times:
            too_close = booking.too_close_words(patient, visit_type, day)
            form.add_error("day", too_close or NO_TIMES_THAT_DAY)
            step = ctx["step"] = "day"
        elif day is not None:
            ctx["times"] = times[day]
            slot = chosen.get("slot")
            free = next(
                (f for f in times[day] if (f.physiotherapist.pk, f.start_time) == slot), None
            )
            if slot is not None and free is None:
                form.add_error("slot", NO_LONGER_FREE)
                step = ctx["step"] = "slot"
            ctx["free"], ctx["location"] = free, _location_name(free)
    if form.errors or (posted and step != "confirm"):
        return render(request, template, ctx, status=400)
    if not posted:
        return render(request, template, ctx)
    too_fast = _too_fast(request, template, ctx)
    if too_fast:
        return too_fast
    free = ctx["free"]
    try:
        visit = booking.book_online(
            patient=patient, visit_type=visit_type, physiotherapist=free.physiotherapist,
            day=free.day, start_time=free.start_time,
        )  # fmt: skip
    except booking.OnlineBookingError as error:
        ctx["refusal_at_save"] = str(error)
        return render(request, template, ctx, status=400)
    _audit(request, Action.CREATED, visit, "Visit booked online by the patient")
    messages.success(request, _("Your visit on %(day)s at %(time)s is booked.") % {
        "day": date_format(visit.date, "l j F"), "time": f"{visit.start_time:%H:%M}"})  # fmt: skip
    return redirect("patients:online-visits")


@never_cache
@patient_required
def move_visit(request, pk: int):
    """Moves one of the signed-in patient's own visits; another's is not found."""
    visit = get_object_or_404(
        Visit.objects.select_related("physiotherapist", "location", "visit_type", "course"),
        pk=pk,
        patient=request.patient,
    )
    back = reverse("patients:online-visits")
    return move_on_page(
        request, visit, patient=request.patient, back=back, done=lambda moved: back,
        how="Visit moved online by the patient",
    )  # fmt: skip


def move_on_page(request, visit: Visit, *, patient: Patient, back: str, done, how: str):
    """The move page of one visit, signed in or by an emailed link: offers free times of the
    same type with the same physiotherapist, then moves it (patients/online/booking.py holds
    the rules). `back` is the page it came from; `done(visit)` where to go once moved."""
    request.patient = patient
    clinic, template = ClinicSettings.load(), "patients/online/move_visit.html"
    posted = request.method == "POST"
    form = MoveChoiceForm((request.POST if posted else request.GET) or None)
    ctx = {"visit": visit, "form": form, "several_locations": Location.objects.several(),
           "back": back, "by_link": "token" in request.resolver_match.kwargs}  # fmt: skip
    refusal = booking.why_not_movable(visit, clinic)
    if refusal:
        ctx["refusal"] = refusal
        return render(request, template, ctx, status=400 if posted else 200)
    times = booking.free_times(
        patient=request.patient, minutes=visit.duration_minutes, needling=visit.is_needling,
        physiotherapists=[visit.physiotherapist], clinic=clinic, course=visit.course,
        ignoring=visit,
    )  # fmt: skip
    ctx["days"], ctx["step"] = list(times), "day"
    if form.is_bound:
        form.is_valid()
    chosen = getattr(form, "cleaned_data", {})
    day, start_time = chosen.get("day"), chosen.get("start_time")
    if day is not None and day not in times:
        too_close = booking.too_close_words(
            request.patient, visit.visit_type, day, ignoring=visit.pk
        )
        form.add_error("day", too_close or NO_TIMES_THAT_DAY)
    elif day is not None:
        ctx["times"], ctx["step"] = times[day], "start_time"
        if start_time is not None:
            if any(free.start_time == start_time for free in times[day]):
                ctx["step"] = "confirm"
            else:
                form.add_error("start_time", NO_LONGER_FREE)
    if form.errors or (posted and ctx["step"] != "confirm"):
        return render(request, template, ctx, status=400)
    if not posted:
        return render(request, template, ctx)
    too_fast = _too_fast(request, template, ctx)
    if too_fast:
        return too_fast
    was = timezone.localtime(visit.starts_at)
    try:
        booking.move_online(patient=request.patient, visit=visit, day=day, start_time=start_time)
    except booking.OnlineBookingError as error:
        visit.refresh_from_db()
        ctx["refusal_at_save"] = str(error)
        return render(request, template, ctx, status=400)
    _audit(request, Action.CHANGED, visit, f"{how} from {was:%Y-%m-%d %H:%M}")
    messages.success(request, _("Your visit is moved to %(day)s at %(time)s.") % {
        "day": date_format(day, "l j F"), "time": f"{start_time:%H:%M}"})  # fmt: skip
    return redirect(done(visit))
