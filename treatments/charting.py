"""Recording what was done at an IMS session: the rules that must hold before needling, and
signing a chart, after which it changes only by an amendment with a reason."""

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import transaction
from django.utils import formats, timezone

from treatments.models import AdverseEvent, NeedledSite, Session, SessionChart
from treatments.scheduling import save_session


def _day(value) -> str:
    return formats.date_format(value, "j F Y")


def needling_problems(session: Session, practitioner) -> list[str]:
    """Why this practitioner may not record needling at this session, if anything stops it."""
    problems = []
    if session.date > timezone.localdate():
        problems.append("A session in the future cannot be charted as attended.")
    if session.status in (Session.Status.CANCELLED, Session.Status.NO_SHOW):
        problems.append("A cancelled or missed session cannot be charted. Restore it first.")
    try:
        authorized = practitioner.practitioner.can_needle_on(session.date)
    except ObjectDoesNotExist:
        authorized = False
    if not authorized:
        name = practitioner.get_full_name() or practitioner.get_username()
        problems.append(f"{name} has no current needling authorization on {_day(session.date)}.")
    screening = (
        session.patient.screenings.filter(screened_on__lte=session.date)
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
    consent = session.patient.consents.filter(consented_on__lte=session.date).first()
    if consent is None or not consent.is_in_force_on(session.date):
        problems.append("No consent to IMS is on file for this date. Record the consent first.")
    return problems


def _check_signer(chart: SessionChart, user) -> None:
    if chart.charted_by_id != user.pk:
        name = chart.charted_by.get_full_name() or chart.charted_by.get_username()
        raise ValidationError(f"Only {name}, who wrote this chart, can sign it.")


def sign_chart(chart: SessionChart, *, signed_by) -> SessionChart:
    """Sign a draft chart: from now on it is amended only with a reason."""
    with transaction.atomic():
        chart = SessionChart.objects.select_for_update().get(pk=chart.pk)
        if chart.is_signed:
            raise ValidationError("This chart is already signed.")
        _check_signer(chart, signed_by)
        chart.signed_by, chart.signed_at = signed_by, timezone.now()
        chart._change_reason, chart._history_user = "Signed", signed_by
        chart.save()
    return chart


def record_chart(
    *,
    session: Session,
    chart: SessionChart,
    sites: list[NeedledSite],
    adverse_events: list[AdverseEvent],
    removed: list[NeedledSite | AdverseEvent] = (),
    charted_by,
    correction_reason: str = "",
    sign: bool = False,
) -> SessionChart:
    """Chart an attended session, edit its draft chart or amend its signed one, and sign it if
    asked. Every earlier version stays in history; an amendment keeps its reason."""
    correcting = chart.pk is not None
    reason = correction_reason.strip()
    with transaction.atomic():
        # Read the lock from the database, under a row lock: a chart signed a moment ago in
        # another window is not edited as a draft.
        amending = (
            correcting
            and SessionChart.objects.select_for_update()
            .filter(pk=chart.pk, signed_at__isnull=False)
            .exists()
        )
        if amending and not reason:
            raise ValidationError(
                {"correction_reason": "A signed chart is amended only with a reason: say why."}
            )
        problems = needling_problems(session, charted_by)
        if problems:
            raise ValidationError(problems)
        kept_sites = [site for site in sites if site not in removed]
        removed_sites = [item.pk for item in removed if isinstance(item, NeedledSite)]
        remaining = chart.sites.exclude(pk__in=removed_sites).count() if correcting else 0
        if not kept_sites and not remaining:
            raise ValidationError("Record at least one needled site.")
        if session.status == Session.Status.BOOKED:
            session.status = Session.Status.ATTENDED
            session.practitioner = charted_by
            save_session(session)
        chart.session = session
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
