"""A signed-in patient's care pages: the intake before the first visit, the home plan their
physiotherapist wrote, and how they are doing over the course. Each visit is an audit entry."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from patients.online import home_plan, intake
from patients.online.forms import IntakeForm
from patients.online.session import patient_required
from patients.online.views import Action, _audit
from treatments.forms import add_service_errors


@never_cache
@patient_required
def intake_form(request):
    patient = request.patient
    initial = {name: getattr(patient, name) for name in intake.CONTACT_FIELDS}
    form = IntakeForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            sent = intake.submit_intake(
                patient=patient,
                heard_about=form.cleaned_data["heard_about"],
                problem=form.cleaned_data["problem"],
                how_long=form.cleaned_data["how_long"],
                screening_answers=form.screening_answers(),
                other_health=form.cleaned_data["other_health"],
                contact=form.contact(),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _audit(request, Action.CREATED, sent, "Intake sent online")
            messages.success(request, _("Thank you. Your physiotherapist will go through it "
                                        "with you at your first visit."))  # fmt: skip
            return redirect("patients:online-visits")
    ctx = {"patient": patient, "form": form, "consent_topics": intake.CONSENT_TOPICS_TO_READ}
    return render(request, "patients/online/intake.html", ctx, status=400 if form.errors else 200)


@never_cache
@patient_required
def home_plan_page(request):
    plans = home_plan.home_plans(request.patient)
    _audit(request, Action.VIEWED, request.patient, "Their home plan, online")
    return render(request, "patients/online/home_plan.html", {"plans": plans})


@never_cache
@patient_required
def progress_page(request):
    progress = home_plan.progress(request.patient)
    _audit(request, Action.VIEWED, request.patient, "How they are doing, online")
    return render(request, "patients/online/progress.html", {"progress": progress})
