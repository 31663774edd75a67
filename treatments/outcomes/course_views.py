"""A course's questionnaires: choosing them, and the discharge summary."""

from copy import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ims_clinic import audit
from patients.roles import clinical_staff
from treatments.forms import add_service_errors
from treatments.models import DischargeSummary, MeasureResponse, TreatmentCourse
from treatments.outcomes import services
from treatments.outcomes.answer_forms import CorrectionForm
from treatments.outcomes.course_forms import DischargeForm, MeasuresForm
from treatments.outcomes.measures import with_measures
from treatments.outcomes.summary import course_summary
from treatments.progress import course_progress


def _course(pk: int) -> TreatmentCourse:
    courses = TreatmentCourse.objects.select_related("patient", "physiotherapist")
    return get_object_or_404(with_measures(courses), pk=pk)


@clinical_staff
def course_measures(request, pk: int):
    course = _course(pk)
    chosen = [measure.instrument for measure in course.measures.all()]
    initial = chosen or services.suggested_instruments(course.region)
    form = MeasuresForm(request.POST or None, initial={"instruments": initial})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_measures(course, form.cleaned_data["instruments"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The course's questionnaires are saved."))
            return redirect(course)
    answered = {m.instrument_id for m in course.measures.all() if m.responses.all()}
    audit.viewed(request, course, "questionnaires")
    ctx = {"course": course, "form": form, "answered": answered, "suggested": not chosen}
    return render(request, "treatments/outcomes/course_measures.html", ctx)


@clinical_staff
def correct_response(request, pk: int):
    """Correct a questionnaire's answers, with the reason; the earlier version stays."""
    responses = MeasureResponse.objects.select_related(
        "measure__instrument", "measure__course__patient"
    )
    response = get_object_or_404(responses, pk=pk)
    measure, course = response.measure, response.measure.course
    form = CorrectionForm(request.POST or None, response=response)
    if request.method == "POST" and form.is_valid():
        try:
            services.correct_response(
                response, answers=form.answers(), activities=form.activities(),
                answered_on=form.cleaned_data["answered_on"], reason=form.cleaned_data["reason"],
                corrected_by=request.user,
            )  # fmt: skip
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("The corrected answers are saved; the earlier ones are "
                                        "kept in the history."))  # fmt: skip
            return redirect(course)
    audit.viewed(request, course, f"correction form: {measure.instrument.short_title}")
    ctx = {"measure": measure, "course": course, "form": form, "response": response}
    return render(request, "treatments/outcomes/answer_typed.html", ctx)


@clinical_staff
def discharge_summary(request, pk: int):
    course = _course(pk)
    written = DischargeSummary.objects.filter(course=course).select_related("written_by").first()
    # The form edits a copy: a note refused by the form must not show as the one on file.
    form = DischargeForm(
        request.POST or None,
        instance=copy(written) or DischargeSummary(course=course, written_by=request.user),
    )
    if request.method == "POST" and form.is_valid():
        summary = form.save(commit=False)
        summary.written_by = request.user
        summary.save()
        messages.success(request, _("The discharge summary is saved."))
        return redirect("treatments:discharge-summary", pk=course.pk)
    progress = course_progress(course, list(course.visits.select_related("chart")))
    audit.viewed(request, course, "discharge summary")
    ctx = {"course": course, "summary": course_summary(course, progress, written),
           "form": form}  # fmt: skip
    return render(request, "treatments/outcomes/discharge_summary.html", ctx)
