"""Building chart form data and arranging charted visits for the view tests."""

import html

from treatments.models import Chart

SITE = {
    "muscle": "Multifidus", "side": "right", "site_type": "paraspinal", "spinal_segment": "L4",
    "response": "grasp", "insertions": "3",
}  # fmt: skip
SECOND_SITE = {**SITE, "muscle": "Gluteus medius", "site_type": "pain_site", "spinal_segment": "L5"}
# What the browser posts for a row left empty.
EMPTY_SITE = dict.fromkeys(SITE, "") | {"insertions": "1"}
EMPTY_EVENT = {"kind": "", "severity": "", "note": ""}
CHART = {
    "consent_confirmed": "on", "consent_confirmed_by": "patient", "patient_position": "prone",
    "pain_before": "7", "pain_after": "4", "retest_note": "Flexion easier",
    "note": "Grasp at L4 multifidus; flexion freer after.",
}  # fmt: skip


def formset_data(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def chart_data(*, sites: list[dict] = (SITE,), events: list[dict] = (), **fields) -> dict:
    """What the chart form posts for a new chart. A field given as None is left out."""
    chart = {key: value for key, value in {**CHART, **fields}.items() if value is not None}
    rows = [*sites, EMPTY_SITE] if len(sites) < 3 else list(sites)  # one row left empty
    return {
        **chart, **formset_data("sites", rows), **formset_data("events", [*events, EMPTY_EVENT])
    }  # fmt: skip


def correction_data(chart: Chart, *, reason: str = "Wrong side recorded", **fields):
    """What the chart form posts to correct a chart: its sites kept as they are."""
    sites = [
        {"id": site.pk, "chart": chart.pk, **{key: getattr(site, key) for key in SITE}}
        for site in chart.sites.all()
    ]
    data = {
        **CHART, "note": chart.note, "pain_before": chart.pain_before,
        "pain_after": chart.pain_after, "correction_reason": reason, **fields,
    }  # fmt: skip
    data = {key: value for key, value in data.items() if value is not None}
    initial_events = list(chart.adverse_events.all())
    events = [
        {"id": e.pk, "chart": chart.pk, "kind": e.kind, "severity": e.severity, "note": e.note}
        for e in initial_events
    ]
    return {
        **data,
        **formset_data("sites", [*sites, EMPTY_SITE], initial=len(sites)),
        **formset_data("events", [*events, EMPTY_EVENT], initial=len(events)),
    }


def page_text(response) -> str:
    """The page's HTML with entities decoded, for looking up sentences with apostrophes."""
    return html.unescape(response.content.decode())
