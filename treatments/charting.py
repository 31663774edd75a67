"""Recording what happened at a visit: the rules that must hold before needling, the visit note
of a visit without needling, and signing a chart, after which it changes only by an amendment
with a reason."""

from django.contrib.auth.models import User
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from patients.roles import display_name
from treatments.booking import services
from treatments.models import AdverseEvent, Chart, NeedledSite, Visit


def _day(value) -> str:
    return formats.date_format(value, "j F Y")


def charting_problems(visit: Visit, physiotherapist: User) -> list[str]:
    """Why this physiotherapist may not chart this visit, if anything stops it. Needling needs
    a current authorization, a screening that allows it and consent in force; a visit note of
    a visit without needling (an assessment, a follow-up) needs none of those."""
    problems = []
    if visit.has_not_started:
        problems.append(_("A visit is charted once it has started."))
    if visit.status in (Visit.Status.CANCELLED, Visit.Status.NO_SHOW):
        problems.append(_("A cancelled or missed visit cannot be charted. Restore it first."))
    if visit.is_needling:
        problems += needling_problems(visit, physiotherapist)
    return problems


def needling_problems(visit: Visit, physiotherapist: User) -> list[str]:
    """Why this physiotherapist may not record needling at this visit, if anything stops it."""
    problems = []
    try:
        authorized = physiotherapist.physiotherapist_profile.can_needle_on(visit.date)
    except ObjectDoesNotExist:
        authorized = False
    if not authorized:
        name = display_name(physiotherapist)
        problems.append(f"{name} has no current needling authorization on {_day(visit.date)}.")
    screening = (
        visit.patient.screenings.filter(screened_on__lte=visit.date)
        .prefetch_related("precautions")
        .first()
    )
    if screening is None:
        problems.append("No screening is on file for this patient. Record a screening first.")
    elif not screening.allows_needling:
        problems.append(
            f"The screening of {_day(screening.screened_on)} says do not needle: "
            f"{', '.join(screening.do_not_needle_reasons)}."
        )
    consent = visit.patient.consents.filter(consented_on__lte=visit.date).first()
    if consent is None or not consent.is_in_force_on(visit.date):
        problems.append("No consent to IMS is on file for this date. Record the consent first.")
    return problems


def _check_signer(chart: Chart, user: User) -> None:
    if chart.charted_by_id != user.pk:
        name = display_name(chart.charted_by)
        raise ValidationError(f"Only {name}, who wrote this chart, can sign it.")


def sign_chart(chart: Chart, *, signed_by: User) -> Chart:
    """Sign a draft chart: from now on it is amended only with a reason."""
    with transaction.atomic():
        chart = Chart.objects.select_for_update().get(pk=chart.pk)
        if chart.is_signed:
            raise ValidationError("This chart is already signed.")
        _check_signer(chart, signed_by)
        chart.signed_by, chart.signed_at = signed_by, timezone.now()
        chart._change_reason, chart._history_user = "Signed", signed_by
        chart.save()
    return chart


def record_chart(
    *,
    visit: Visit,
    chart: Chart,
    sites: list[NeedledSite],
    adverse_events: list[AdverseEvent],
    removed: list[NeedledSite | AdverseEvent] = (),
    charted_by: User,
    correction_reason: str = "",
    sign: bool = False,
) -> Chart:
    """Chart an attended visit, edit its draft chart or amend its signed one, and sign it if
    asked. Every earlier version stays in history; an amendment keeps its reason."""
    correcting = chart.pk is not None
    reason = correction_reason.strip()
    with transaction.atomic():
        # Read the lock from the database, under a row lock: a chart signed a moment ago in
        # another window is not edited as a draft.
        amending = (
            correcting
            and Chart.objects.select_for_update()
            .filter(pk=chart.pk, signed_at__isnull=False)
            .exists()
        )
        if amending and not reason:
            raise ValidationError(
                {"correction_reason": "A signed chart is amended only with a reason: say why."}
            )
        problems = charting_problems(visit, charted_by)
        if problems:
            raise ValidationError(problems)
        kept_sites = [site for site in sites if site not in removed]
        removed_sites = [item.pk for item in removed if isinstance(item, NeedledSite)]
        remaining = chart.sites.exclude(pk__in=removed_sites).count() if correcting else 0
        if visit.is_needling and not kept_sites and not remaining:
            raise ValidationError(_("Record at least one needled site."))
        if not visit.is_needling and (kept_sites or adverse_events):
            raise ValidationError(_("A visit without needling has no needled sites."))
        if visit.status == Visit.Status.BOOKED:
            # Charting a visit says it took place, seen by whoever charts it.
            services.mark_attended(visit, physiotherapist=charted_by)
        chart.visit = visit
        chart.kind = Chart.Kind.NEEDLING if visit.is_needling else Chart.Kind.NOTE
        if not correcting:
            chart.charted_by = charted_by
        if sign and not amending:
            _check_signer(chart, charted_by)
            chart.signed_by, chart.signed_at = charted_by, timezone.now()
        if amending:
            chart._change_reason = f"Amended: {reason}"
        else:
            done = "Draft edited" if correcting else "Charted"
            chart._change_reason = f"{done} and signed" if sign else done
        chart._history_user = charted_by  # the web request sets it too; commands do not
        chart.full_clean()
        chart.save()
        for item in removed:
            item.delete()
        for item in [*kept_sites, *adverse_events]:
            item.chart = chart
            item.full_clean()
            item.save()
    return chart
