"""Answering a course's questionnaires: typed in by the physiotherapist, on the clinic's tablet
(the kiosk), or at home through an emailed private link.

The views check the role, load the measure and call treatments/outcomes/services.py, which
holds the rules; a service's ValidationError is shown on the form or as a message. The public
answer page is reached by its token alone: it shows that one questionnaire and nothing else.
"""

import logging
import smtplib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from ims_clinic import audit
from ims_clinic.token_pages import private
from patients.roles import booking_staff, clinical_staff, is_physiotherapist
from treatments.forms import add_service_errors
from treatments.ical import absolute_url
from treatments.models import AnswerLink, CourseMeasure, MeasureResponse
from treatments.outcomes import services
from treatments.outcomes.answer_forms import AnswerForm
from treatments.outcomes.measures import occasion_due

logger = logging.getLogger(__name__)
Channel, Occasion = AnswerLink.Channel, MeasureResponse.Occasion


def _measure(course_pk: int, measure_pk: int) -> CourseMeasure:
    """The measure, if it is one of this course's (404 otherwise)."""
    return get_object_or_404(
        CourseMeasure.objects.select_related("instrument", "course__patient"),
        pk=measure_pk,
        course_id=course_pk,
    )


def _back(request, measure: CourseMeasure):
    """Physiotherapists go back to the course; the front desk, who may not see it, to the
    patient's page."""
    if is_physiotherapist(request.user):
        return redirect(measure.course)
    return redirect(measure.course.patient)


def _occasion(request, measure: CourseMeasure) -> str:
    """The occasion asked for, or the one that is due."""
    occasion = request.POST.get("occasion", "")
    return occasion if occasion in Occasion.values else occasion_due(measure)


@clinical_staff
def answer_typed(request, pk: int, measure_pk: int):
    measure = _measure(pk, measure_pk)
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        instrument=measure.instrument,
        typed=True,
        occasion=occasion_due(measure),
        initial=services.named_activities_initial(measure),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_response(
                measure,
                occasion=form.cleaned_data["occasion"],
                answers=form.answers(),
                activities=form.activities(),
                answered_on=form.cleaned_data["answered_on"],
                source=MeasureResponse.Source.TYPED,
                entered_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(title)s answers saved.") % {"title": measure.instrument})
            return redirect(measure.course)
    audit.viewed(request, measure.course, f"answer form: {measure.instrument.short_title}")
    ctx = {"measure": measure, "course": measure.course, "form": form}
    return render(request, "treatments/outcomes/answer_typed.html", ctx)


@booking_staff
@require_POST
def open_kiosk(request, pk: int, measure_pk: int):
    """Open the questionnaire on this browser for the patient, and sign the staff member out:
    the tablet is handed over, and the patient must reach nothing else from it."""
    measure = _measure(pk, measure_pk)
    try:
        link, token = services.make_link(
            measure, _occasion(request, measure), Channel.KIOSK, request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, measure)
    audit.record(
        request,
        audit.Action.CREATED,
        link,
        detail=f"opened on the clinic tablet: {measure.instrument.short_title}",
    )
    logout(request)
    return redirect("treatments:answer", token=token)


def email_text(measure: CourseMeasure, url: str) -> tuple[str, str]:
    """The subject and body of the email with the link, in the patient's language (not the
    staff member's who sends it): no clinical detail but the questionnaire's name."""
    patient = measure.course.patient
    with translation.override(patient.preferred_language):
        ctx = {
            "first_name": patient.preferred_name or patient.legal_first_name,
            "title": measure.instrument.shown_title,
            "url": url,
            "clinic_name": settings.CLINIC_NAME,
            "clinic_phone": settings.CLINIC_PHONE,
            "days": services.LINK_LIFETIME[Channel.EMAIL].days,
        }
        subject = render_to_string("treatments/outcomes/email/answer_link_subject.txt", ctx)
        body = render_to_string("treatments/outcomes/email/answer_link_body.txt", ctx)
    return " ".join(subject.split()), body.strip() + "\n"


@booking_staff
@require_POST
def email_link(request, pk: int, measure_pk: int):
    measure = _measure(pk, measure_pk)
    patient = measure.course.patient
    try:
        # A link is kept only if its email went out.
        with transaction.atomic():
            link, token = services.make_link(
                measure,
                _occasion(request, measure),
                Channel.EMAIL,
                request.user,
                sent_to=patient.email,
            )
            subject, body = email_text(
                measure, absolute_url(reverse("treatments:answer", args=[token]))
            )
            send_mail(subject, body, None, [patient.email])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except (OSError, smtplib.SMTPException):
        logger.exception("Could not email the questionnaire link of measure %s", measure.pk)
        messages.error(request, _("The email could not be sent. Please try again later."))
    else:
        audit.record(
            request,
            audit.Action.CREATED,
            link,
            detail=f"emailed link: {measure.instrument.short_title}",
        )
        messages.success(
            request,
            _("A link to the %(title)s was emailed to %(email)s. It works once, for %(days)s days.")
            % {
                "title": measure.instrument,
                "email": patient.email,
                "days": services.LINK_LIFETIME[Channel.EMAIL].days,
            },
        )
    return _back(request, measure)


def _refused(request, refused: services.LinkRefused):
    audit.record(
        request, audit.Action.REFUSED, username=_who(None), detail=f"answer link: {refused}"
    )
    status = 410 if refused.gone else 404
    ctx = {"message": str(refused)}
    return render(request, "treatments/outcomes/answer_refused.html", ctx, status=status)


@never_cache
def answer(request, token: str):
    """The patient's page: the one questionnaire the token opens, and nothing else. The token
    alone says which: nothing posted can point the answers elsewhere."""
    try:
        link = services.open_link(token)
    except services.LinkRefused as refused:
        return private(_refused(request, refused))
    measure = link.measure
    posted = request.POST if request.method == "POST" else None
    form = AnswerForm(posted, instrument=measure.instrument,
                      initial=services.named_activities_initial(measure))  # fmt: skip
    if posted is not None and form.is_valid():
        try:
            response = services.answer_by_link(token, form.answers(), form.activities())
        except services.LinkRefused as refused:  # answered or expired since the page opened
            return private(_refused(request, refused))
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            audit.record(
                request, audit.Action.CREATED, response, username=_who(link),
                detail=f"answered {measure.instrument.short_title} ({link.get_occasion_display()})",
            )  # fmt: skip
            thanks = reverse("treatments:answer-thanks")
            on = "?on=tablet" if link.channel == Channel.KIOSK else ""
            return private(redirect(thanks + on))
    audit.record(
        request, audit.Action.VIEWED, link, username=_who(link),
        detail=f"questionnaire: {measure.instrument.short_title}",
    )  # fmt: skip
    ctx = {"form": form, "definition": form.definition, "instrument": measure.instrument}
    return private(render(request, "treatments/outcomes/answer.html", ctx))


@never_cache
def answer_thanks(request):
    """Where the answer page sends the patient once their answers are saved, so that reloading
    the page sends nothing twice. It names nothing: it only thanks."""
    ctx = {"is_kiosk": request.GET.get("on") == "tablet"}
    return private(render(request, "treatments/outcomes/answer_thanks.html", ctx))


def _who(link: AnswerLink | None) -> str:
    """How the audit trail names whoever holds a link: not signed in, known by the channel."""
    if link is None:
        return "(someone with an answer link)"
    return f"(the patient, by {link.get_channel_display().lower()})"
