"""Recording what was done at an IMS session: the rules that must hold before needling."""

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


def record_chart(
    *,
    session: Session,
    chart: SessionChart,
    sites: list[NeedledSite],
    adverse_events: list[AdverseEvent],
    removed: list[NeedledSite | AdverseEvent] = (),
    charted_by,
    correction_reason: str = "",
) -> SessionChart:
    """Chart an attended session, or correct its chart; the earlier version stays in history."""
    correcting = chart.pk is not None
    if correcting and not correction_reason.strip():
        raise ValidationError({"correction_reason": "Say why the chart is being corrected."})
    with transaction.atomic():
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
        chart._change_reason = correction_reason.strip() or "Charted"
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
