"""One scoring engine for every outcome instrument, driven by its definition's `score`."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .instruments import options


def _clean(definition: dict[str, Any], answers: dict[str, int | None]) -> dict[str, int]:
    """The answered items' values, checked; raises ValidationError naming each bad item."""
    items = {item["linkId"]: item for item in definition["items"]}
    title = definition["short_title"]
    errors = [
        _("%(title)s has no item %(item)s.") % {"title": title, "item": link_id}
        for link_id in answers
        if link_id not in items
    ]
    answered = {}
    for link_id, item in items.items():
        value = answers.get(link_id)
        if value is None:
            if item["required"]:
                errors.append(
                    _("%(title)s item %(item)s must be answered.")
                    % {"title": title, "item": link_id}
                )
            continue
        allowed = options(item)
        if isinstance(value, bool) or not isinstance(value, int) or value not in allowed:
            errors.append(
                _("%(title)s item %(item)s must be a whole number from %(low)s to %(high)s.")
                % {"title": title, "item": link_id, "low": allowed[0], "high": allowed[-1]}
            )
            continue
        answered[link_id] = value
    needed = definition["score"]["min_answered"]
    if not errors and len(answered) < needed:
        errors.append(
            _("%(title)s needs at least %(count)s answered items to be scored.")
            % {"title": title, "count": needed}
        )
    if errors:
        raise ValidationError(errors, code="invalid")
    return answered


def score(definition: dict[str, Any], answers: dict[str, int | None]) -> Decimal | None:
    """The instrument's score from answers by linkId (None or absent = skipped).

    Skipped items count neither in the total nor in the maximum: ODI is the total / (5 x items
    answered) x 100; NDI the same on 50; PSFS the mean of the activities answered. Returns None
    only when nothing is answered and nothing is required (a form left blank).
    """
    answered = _clean(definition, answers)
    if not answered:
        return None
    rule = definition["score"]
    total = Decimal(sum(answered.values()))
    method = rule["method"]
    if method in ("percent_of_answered", "sum_scaled_to_answered"):
        items = {item["linkId"]: item for item in definition["items"]}
        possible = sum(max(options(items[link_id])) for link_id in answered)
        scale = 100 if method == "percent_of_answered" else rule["max"]
        value = total / possible * scale
    elif method == "mean":
        value = total / len(answered)
    else:  # "sum" and "single"
        value = total
    return value.quantize(Decimal(1).scaleb(-rule["decimals"]), rounding=ROUND_HALF_UP)


def band(definition: dict[str, Any], value: Decimal | float | None) -> str | None:
    """The severity band's label, translated; None without a score or bands."""
    if value is None:
        return None
    for entry in definition["score"]["bands"]:
        if entry["from"] <= value <= entry["to"]:
            return _(entry["label"])
    return None


def change(definition: dict[str, Any], baseline: Decimal | None, value: Decimal) -> Decimal:
    """The change from baseline, signed so that positive is better.

    An instrument that itself rates change since the start (GROC, `is_change`) returns its
    score whatever the baseline.
    """
    rule = definition["score"]
    if rule.get("is_change"):
        return Decimal(value)
    difference = Decimal(value) - Decimal(baseline)
    return difference if rule["higher_is_better"] else -difference


def important_improvement(definition: dict[str, Any], baseline: Decimal | None) -> Decimal:
    """The smallest improvement from this baseline that matters to patients: the MCID's
    points, or its share of the room there was to improve where the source gives one (ODI
    and NPRS: 10 or 2 points, or 30%), whichever is smaller."""
    rule = definition["score"]
    mcid = rule["mcid"]
    points = Decimal(str(mcid["points"]))
    if mcid.get("share") is None or rule.get("is_change") or baseline is None:
        return points
    room = (
        Decimal(baseline) - rule["min"]
        if not rule["higher_is_better"]
        else rule["max"] - Decimal(baseline)
    )
    return min(points, room * Decimal(str(mcid["share"]))) if room > 0 else points


def is_important_change(
    definition: dict[str, Any], baseline: Decimal | None, value: Decimal
) -> bool:
    """Whether the improvement from baseline reaches the instrument's MCID."""
    improvement = change(definition, baseline, value)
    return improvement > 0 and improvement >= important_improvement(definition, baseline)
