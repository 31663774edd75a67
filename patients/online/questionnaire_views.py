"""The questionnaires due for a signed-in patient, answered at home.

Which are due, and whether these answers may be saved, is decided by
treatments/outcomes/services.py (due_online, answer_online); the page is the emailed link's,
inside the patient's pages. Every look and every answer is an audit entry."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from patients.online.session import patient_required
from patients.online.views import Action, _audit
from treatments.forms import add_service_errors
from treatments.models import MeasureResponse
from treatments.outcomes import services
from treatments.outcomes.answer_forms import AnswerForm
from treatments.outcomes.measures import due_for_patient

Occasion = MeasureResponse.Occasion
# Why a questionnaire is asked now, as the patient reads it.
OCCASION_IN_PLAIN_WORDS = {
    Occasion.BASELINE: _("Your starting point, to compare your later answers with"),
    Occasion.REASSESSMENT: _("A check on how you are doing since you started"),
    Occasion.DISCHARGE: _("At the end of your treatment, to see how far you have come"),
}


@never_cache
@patient_required
def questionnaires(request):
    due = [
        {"course": course, "measure": measure, "occasion": occasion,
         "why": OCCASION_IN_PLAIN_WORDS[occasion]}
        for course, measure, occasion in due_for_patient(request.patient, timezone.localdate())
    ]  # fmt: skip
    _audit(request, Action.VIEWED, request.patient, "Their questionnaires, online")
    return render(request, "patients/online/questionnaires.html", {"due": due})


@never_cache
@patient_required
def answer_questionnaire(request, pk: int, occasion: str):
    """One questionnaire due for the patient, on this occasion; anything else is refused by
    the service (not theirs or not due: 404)."""
    patient = request.patient
    try:
        measure = services.due_online(patient, pk, occasion, timezone.localdate())
    except services.OnlineRefused as refused:
        return _refused(request, refused)
    posted = request.POST if request.method == "POST" else None
    form = AnswerForm(posted, instrument=measure.instrument,
                      initial=services.named_activities_initial(measure))  # fmt: skip
    title = measure.instrument.short_title
    if posted is not None and form.is_valid():
        try:
            response = services.answer_online(
                patient, pk, occasion, form.answers(), form.activities()
            )
        except services.OnlineRefused as refused:  # answered in another tab since
            return _refused(request, refused)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            _audit(request, Action.CREATED, response, f"Answered {title} ({occasion}) online")
            return redirect("patients:online-questionnaire-thanks")
    if posted is None:
        _audit(request, Action.VIEWED, measure, f"Questionnaire {title} ({occasion}), online")
    ctx = {"form": form, "definition": form.definition, "measure": measure,
           "why": OCCASION_IN_PLAIN_WORDS[Occasion(occasion)]}  # fmt: skip
    status = 400 if form.is_bound else 200
    return render(request, "patients/online/questionnaire_answer.html", ctx, status=status)


def _refused(request, refused: services.OnlineRefused):
    _audit(request, Action.REFUSED, request.patient, f"Questionnaire online: {refused}")
    return render(request, "patients/online/questionnaire_refused.html",
                  {"message": str(refused)}, status=refused.status)  # fmt: skip


@never_cache
@patient_required
def questionnaire_thanks(request):
    """Where a saved answer leads, so that reloading sends nothing twice."""
    return render(request, "patients/online/questionnaire_thanks.html")
