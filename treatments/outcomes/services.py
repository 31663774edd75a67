"""The only functions that write a course's measures, answers and answer links.

A questionnaire is answered at the start of a course (baseline), again every few IMS
treatments (re-assessment, ClinicSettings.reassess_every) and when the course ends (discharge).
Each answer is scored when saved, by the one scoring engine (scoring.py), and compared with the
baseline against the instrument's smallest important change (MCID).
"""

import hashlib
import secrets
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from treatments.models import (
    AnswerLink,
    CourseMeasure,
    Instrument,
    MeasureResponse,
    TreatmentCourse,
    Visit,
)
from treatments.outcomes import scoring
from treatments.outcomes.measures import due_for_patient

Occasion = MeasureResponse.Occasion
# Every course follows the patient's own activities; the region adds its disability index.
FOR_EVERY_COURSE = "psfs"
LINK_LIFETIME = {AnswerLink.Channel.EMAIL: timedelta(days=7),
                 AnswerLink.Channel.KIOSK: timedelta(hours=1)}  # fmt: skip
SOURCE_OF = {AnswerLink.Channel.EMAIL: MeasureResponse.Source.LINK,
             AnswerLink.Channel.KIOSK: MeasureResponse.Source.KIOSK}  # fmt: skip


def suggested_instruments(region: str) -> list[Instrument]:
    """The measures that suit a course's region: low back ODI and PSFS, neck NDI and PSFS,
    otherwise PSFS (each instrument's file names the regions it suits)."""
    words = region.lower()
    return [
        instrument
        for instrument in Instrument.objects.filter(is_active=True)
        if instrument.code == FOR_EVERY_COURSE
        or any(keyword in words for keyword in instrument.definition.get("regions", []))
    ]


def set_measures(course: TreatmentCourse, instruments) -> list[CourseMeasure]:
    """Make the course's measures these instruments. A measure already answered stays: its
    answers are part of the record."""
    with transaction.atomic():
        TreatmentCourse.objects.select_for_update().get(pk=course.pk)
        chosen = {instrument.pk for instrument in instruments}
        for measure in course.measures.exclude(instrument__in=chosen):
            if measure.responses.exists():
                raise ValidationError(
                    _("%(measure)s has answers on file, so it stays one of the course's measures.")
                    % {"measure": measure.instrument}
                )
            if measure.links.exists():
                raise ValidationError(
                    _("%(measure)s was sent to the patient to answer, so it stays one of the "
                      "course's measures.") % {"measure": measure.instrument}
                )  # fmt: skip
            measure.delete()
        have = set(course.measures.values_list("instrument", flat=True))
        for instrument in instruments:
            if instrument.pk not in have:
                CourseMeasure.objects.create(course=course, instrument=instrument)
        return list(course.measures.select_related("instrument"))


def treatments_by(course: TreatmentCourse, day: date) -> int:
    """IMS treatments attended in the course up to and including `day`."""
    return course.visits.filter(
        status=Visit.Status.ATTENDED, is_needling=True, date__lte=day
    ).count()


def check_occasion(measure: CourseMeasure, occasion: str) -> None:
    """A baseline first, once; re-assessments and a discharge answer after it."""
    occasions = set(measure.responses.values_list("occasion", flat=True))
    if occasion == Occasion.BASELINE and Occasion.BASELINE in occasions:
        raise ValidationError(_("This questionnaire already has a baseline."))
    if occasion != Occasion.BASELINE and Occasion.BASELINE not in occasions:
        raise ValidationError(_("Record the baseline of this questionnaire first."))
    if occasion == Occasion.DISCHARGE and Occasion.DISCHARGE in occasions:
        raise ValidationError(_("This questionnaire already has a discharge answer."))
    if occasion not in Occasion.values:
        raise ValidationError(_("Choose baseline, re-assessment or discharge."))


def record_response(
    measure: CourseMeasure, *, occasion: str, answers: dict, activities: dict | None = None,
    answered_on: date | None = None, source: str, entered_by=None,
) -> MeasureResponse:  # fmt: skip
    """Score and save one answered questionnaire, or raise ValidationError saving nothing."""
    answered_on = answered_on or timezone.localdate()
    course, definition = measure.course, measure.instrument.definition
    answers, activities, score = scored(measure, answers, activities, answered_on)
    with transaction.atomic():
        CourseMeasure.objects.select_for_update().get(pk=measure.pk)
        check_occasion(measure, occasion)
        baseline = measure.responses.filter(occasion=Occasion.BASELINE).first()
        response = MeasureResponse(
            measure=measure, occasion=occasion, answered_on=answered_on, answers=answers,
            activities=activities, score=score, source=source, entered_by=entered_by,
            treatments_before=treatments_by(course, answered_on),
            is_important_change=baseline is not None
            and scoring.is_important_change(definition, baseline.score, score),
        )  # fmt: skip
        response.save()
    return response


def scored(measure: CourseMeasure, answers: dict, activities: dict | None, answered_on: date):
    """The answers as kept (skipped ones left out), the activities named, and the score; or a
    ValidationError for a bad day, an unnamed activity or too few answers."""
    check_day(measure.course, answered_on)
    definition = measure.instrument.definition
    activities = clean_activities(definition, answers, activities or {})
    score = scoring.score(definition, answers)
    if score is None:
        raise ValidationError(_("Answer enough of the questions for a score."))
    return {key: value for key, value in answers.items() if value is not None}, activities, score


def check_day(course: TreatmentCourse, answered_on: date) -> None:
    if answered_on > timezone.localdate():
        raise ValidationError({"answered_on": _("The answers cannot be dated in the future.")})
    if answered_on < course.started_on:
        raise ValidationError({"answered_on": _("The answers cannot be dated before the course "
                                                "started.")})  # fmt: skip


CORRECTION_REASON_LENGTH = 500


def correct_response(
    response: MeasureResponse, *, answers: dict, activities: dict | None = None,
    answered_on: date, reason: str, corrected_by,
) -> MeasureResponse:  # fmt: skip
    """Correct answers entered wrongly, with the reason; the version before stays in history.
    A corrected baseline changes every later answer's change from baseline, so each is
    compared again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the answers are corrected.")})
    if len(reason) > CORRECTION_REASON_LENGTH:
        raise ValidationError({"reason": _("Keep the reason under 500 characters.")})
    measure, definition = response.measure, response.measure.instrument.definition
    answers, activities, score = scored(measure, answers, activities, answered_on)
    with transaction.atomic():
        CourseMeasure.objects.select_for_update().get(pk=measure.pk)
        response.refresh_from_db()
        response.answers, response.activities = answers, activities
        response.score, response.answered_on = score, answered_on
        response.treatments_before = treatments_by(measure.course, answered_on)
        response._change_reason = f"Corrected: {reason}"
        response._history_user = corrected_by
        response.save()
        baseline = measure.responses.filter(occasion=Occasion.BASELINE).first()
        for other in measure.responses.exclude(occasion=Occasion.BASELINE):
            important = scoring.is_important_change(definition, baseline.score, other.score)
            if other.is_important_change != important:
                other.is_important_change = important
                other._change_reason = "Compared again with the corrected baseline"
                other._history_user = corrected_by
                other.save(update_fields=["is_important_change"])
    return response


def clean_activities(definition: dict, answers: dict, activities: dict) -> dict:
    """PSFS: each scored activity is one the patient named."""
    if definition.get("code") != "psfs":
        return {}
    named = {key: str(name).strip()[:120] for key, name in activities.items() if str(name).strip()}
    for key, value in answers.items():
        if value is not None and key not in named:
            raise ValidationError(_("Name the activity for each score."))
    return {key: name for key, name in named.items() if answers.get(key) is not None}


def named_activities_initial(measure: CourseMeasure) -> dict:
    """The answer form's starting values: the PSFS activities named at baseline, each to be
    rated again at every later answer."""
    baseline = measure.responses.filter(occasion=Occasion.BASELINE).first()
    activities = baseline.activities if baseline else {}
    return {f"{key}-name": name for key, name in activities.items()}


# Answer links -------------------------------------------------------------------------------


class LinkRefused(Exception):
    """The link cannot be used: the message says why, in words for the patient. `gone`: the
    link was ours but is used or expired (HTTP 410), not unknown (404)."""

    def __init__(self, message: str, *, gone: bool = False):
        super().__init__(message)
        self.gone = gone


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def make_link(measure: CourseMeasure, occasion: str, channel: str, user, sent_to: str = ""):
    """A new private link for one questionnaire; returns it and its token (never stored)."""
    check_occasion(measure, occasion)
    if not measure.instrument.has_text:
        raise ValidationError(_("Load this questionnaire's licensed text in the admin before "
                                "patients answer it."))  # fmt: skip
    if channel == AnswerLink.Channel.EMAIL and not sent_to:
        raise ValidationError(_("The patient has no email address on file."))
    token = secrets.token_urlsafe(32)
    link = AnswerLink.objects.create(
        measure=measure, occasion=occasion, channel=channel, token_hash=token_hash(token),
        sent_to=sent_to, created_by=user, expires_at=timezone.now() + LINK_LIFETIME[channel],
    )  # fmt: skip
    return link, token


def open_link(token: str, *, lock: bool = False) -> AnswerLink:
    links = AnswerLink.objects.select_related("measure__instrument", "measure__course")
    if lock:
        links = links.select_for_update(of=("self",))
    # Our tokens are 43 characters; anything far longer is not one of ours, whatever it holds.
    link = (
        links.filter(token_hash=token_hash(token or "")).first() if len(token or "") < 200 else None
    )
    if link is None:
        raise LinkRefused(_("This link is not one of ours. Ask the clinic for a new one."))
    if link.used_at is not None:
        raise LinkRefused(_("This questionnaire has already been answered. Thank you."), gone=True)
    if link.expires_at <= timezone.now():
        raise LinkRefused(_("This link has expired. Ask the clinic for a new one."), gone=True)
    return link


def answer_by_link(token: str, answers: dict, activities: dict | None = None) -> MeasureResponse:
    """Save the patient's answers through their link, once."""
    with transaction.atomic():
        link = open_link(token, lock=True)
        response = record_response(
            link.measure, occasion=link.occasion, answers=answers, activities=activities,
            source=SOURCE_OF[link.channel],
        )  # fmt: skip
        link.used_at, link.response = timezone.now(), response
        link.save(update_fields=["used_at", "response"])
    return response


# Answered online by the signed-in patient ----------------------------------------------------


class OnlineRefused(Exception):
    """The patient cannot answer this questionnaire online: the message says why, in their
    words. `status`: 404 when it is not one due for them, 409 when they answered it already or
    it is answered at the clinic."""

    def __init__(self, message: str, *, status: int):
        super().__init__(message)
        self.status = status


def due_online(patient, measure_pk: int, occasion: str, today: date) -> CourseMeasure:
    """One of the questionnaires due for this patient now (measures.due_for_patient), on that
    occasion: the only ones they may answer online. Another patient's measure, or one not due,
    is not found; one they answered already, or whose licensed text is not loaded, says so."""
    for _course, measure, due in due_for_patient(patient, today):
        if measure.pk == measure_pk and due == occasion:
            if not measure.instrument.has_text:
                raise OnlineRefused(_("This questionnaire is filled in at the clinic. Your "
                                      "physiotherapist will give it to you at your next "
                                      "visit."), status=409)  # fmt: skip
            return measure
    # The id is compared here, not in the query: the URL may hold any number, however large.
    answered = MeasureResponse.objects.filter(measure__course__patient=patient, occasion=occasion)
    if measure_pk in set(answered.values_list("measure_id", flat=True)):
        raise OnlineRefused(_("You have answered this questionnaire already. Thank you."),
                            status=409)  # fmt: skip
    raise OnlineRefused(_("This questionnaire is not one for you to answer now."), status=404)


def answer_online(
    patient, measure_pk: int, occasion: str, answers: dict, activities: dict | None = None
) -> MeasureResponse:
    """Save the signed-in patient's answers to a questionnaire due for them now, once."""
    with transaction.atomic():
        # Two presses of "Send" wait here in turn: the second finds the questionnaire answered.
        mine = CourseMeasure.objects.filter(course__patient=patient)
        list(mine.select_for_update(of=("self",)))
        measure = due_online(patient, measure_pk, occasion, timezone.localdate())
        return record_response(
            measure, occasion=occasion, answers=answers, activities=activities,
            source=MeasureResponse.Source.ONLINE,
        )  # fmt: skip
