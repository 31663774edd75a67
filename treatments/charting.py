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
from treatments.models import (
    MOST_SITES,
    AdverseEvent,
    Chart,
    Muscle,
    NeedledSite,
    Visit,
    muscle_key,
)

# What a site of the last visit passes on to the next: where the needle went, never how the
# muscle answered, nor the pain or the note ("as previous" is not a note).
CARRIED_FORWARD = ["muscle", "side", "site_type", "spinal_segment", "over_thorax"]


def too_many_sites() -> str:
    return _(
        "A chart holds at most %(most)d needled sites. Remove the rows that are not needed."
    ) % {"most": MOST_SITES}


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
        problems.append(
            _("%(name)s has no current needling authorization on %(day)s.")
            % {"name": name, "day": _day(visit.date)}
        )
    screening = (
        visit.patient.screenings.filter(screened_on__lte=visit.date)
        .prefetch_related("precautions")
        .first()
    )
    if screening is None:
        problems.append(_("No screening is on file for this patient. Record a screening first."))
    elif not screening.allows_needling:
        problems.append(
            _("The screening of %(day)s says do not needle: %(reasons)s.")
            % {
                "day": _day(screening.screened_on),
                "reasons": ", ".join(screening.do_not_needle_reasons),
            }
        )
    consent = visit.patient.consents.filter(consented_on__lte=visit.date).first()
    if consent is None or not consent.is_in_force_on(visit.date):
        problems.append(_("No consent to IMS is on file for this date. Record the consent first."))
    return problems


def listed_muscles() -> dict[str, Muscle]:
    """The muscles on offer, by their name in lower case: one query for a whole chart."""
    return {muscle.name.casefold(): muscle for muscle in Muscle.objects.active()}


def match_listed_muscle(site: NeedledSite, listed: dict[str, Muscle]) -> None:
    """Link a site to the muscle of the list its name spells exactly (any case), and write the
    name as the list does; any other name stays free text."""
    muscle = listed.get(site.muscle.strip().casefold())
    if muscle is not None:
        site.listed_muscle, site.muscle = muscle, muscle.name
    elif site.listed_muscle_id is not None and site.listed_muscle.name != site.muscle:
        site.listed_muscle = None


def sites_to_start_from(visit: Visit) -> list[dict]:
    """The needled sites of the patient's last IMS visit before this one, as the rows of a new
    chart for the physiotherapist to confirm, change or remove."""
    last = (
        Chart.objects.filter(
            visit__patient_id=visit.patient_id,
            kind=Chart.Kind.NEEDLING,
            visit__starts_at__lt=visit.starts_at,
        )
        .exclude(visit=visit)
        .order_by("-visit__starts_at")
        .first()
    )
    if last is None:
        return []
    return list(last.sites.values(*CARRIED_FORWARD))


def _clean_row(site: NeedledSite, name: str) -> None:
    # The page shows a service's errors above the form: say which row each is about.
    try:
        site.full_clean()
    except ValidationError as error:
        raise ValidationError([f"{name}: {message}" for message in error.messages]) from None


def _check_signer(chart: Chart, user: User) -> None:
    if chart.charted_by_id != user.pk:
        name = display_name(chart.charted_by)
        raise ValidationError(
            _("Only %(name)s, who wrote this chart, can sign it.") % {"name": name}
        )


def sign_chart(chart: Chart, *, signed_by: User) -> Chart:
    """Sign a draft chart: from now on it is amended only with a reason."""
    with transaction.atomic():
        chart = Chart.objects.select_for_update().get(pk=chart.pk)
        if chart.is_signed:
            raise ValidationError(_("This chart is already signed."))
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
                {"correction_reason": _("A signed chart is amended only with a reason: say why.")}
            )
        problems = charting_problems(visit, charted_by)
        if problems:
            raise ValidationError(problems)
        kept_sites = [site for site in sites if site not in removed]
        removed_sites = [item.pk for item in removed if isinstance(item, NeedledSite)]
        remaining = chart.sites.exclude(pk__in=removed_sites).count() if correcting else 0
        if visit.is_needling and not kept_sites and not remaining:
            raise ValidationError(_("Record at least one needled site."))
        if len(kept_sites) + remaining > MOST_SITES:
            raise ValidationError(too_many_sites())
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
        # History reasons are records kept in English for staff: not translated.
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
        listed = listed_muscles() if kept_sites else {}
        for number, site in enumerate(kept_sites, start=1):
            match_listed_muscle(site, listed)
            site.chart = chart
            _clean_row(site, _("Site %(number)d") % {"number": number})
            site.save()
        for item in adverse_events:
            item.chart = chart
            item.full_clean()
            item.save()
    return chart


def map_muscle_names(*, dry_run: bool = False) -> tuple[dict[tuple[str, str], int], dict[str, int]]:
    """Link the free-text muscles of earlier charts to the clinic's list where the spelling
    means one listed muscle only ("glut med", "G. medius"), writing the list's name; each site's
    history keeps the spelling it had. Returns ({(spelling, listed name): sites},
    {spelling left as free text: sites})."""
    mapped, left = {}, {}
    muscles = list(Muscle.objects.all())
    with transaction.atomic():
        free_text = NeedledSite.objects.filter(listed_muscle__isnull=True).order_by("pk")
        for site in free_text.select_for_update():
            # Certain only when the spelling means one listed muscle, and no other.
            matches = [m for m in muscles if muscle_key(site.muscle) in m.spellings()]
            if len(matches) != 1:
                left[site.muscle] = left.get(site.muscle, 0) + 1
                continue
            spelling, muscle = site.muscle, matches[0]
            mapped[spelling, muscle.name] = mapped.get((spelling, muscle.name), 0) + 1
            if not dry_run:
                site.muscle, site.listed_muscle = muscle.name, muscle
                site._change_reason = f"Muscle linked to the clinic's list (was “{spelling}”)"
                site.save(update_fields=["muscle", "listed_muscle"])
    return mapped, left
