"""Charts described apart from any page: what to draw, and the same numbers as a table.

A view builds a `LineChart` or a `BarChart` from translated strings and numbers, and the page
shows it with one include::

    {% include "includes/chart.html" with chart=pain_chart id="pain-chart" %}

and loads the scripts once, in the page's ``scripts`` block::

    {% block scripts %}{% include "includes/chart_scripts.html" %}{% endblock %}

The include writes `chart.data()` into the page with ``json_script`` (no inline script, so the
Content Security Policy holds) and `chart.table()` as an HTML table beside the chart, which
holds the same numbers for screen readers, for paper and for anyone who wants the figures;
static/js/charts.js draws the chart with Chart.js.

For example, an outcome measure over a course, where a lower score is better and the MCID
line marks an important change from the baseline::

    LineChart(
        title=_("Oswestry Disability Index"),
        description=_("ODI score at each questionnaire, from 0 (no disability) to 100."),
        x_label=_("Questionnaire"), y_label=_("Score"), y_min=0, y_max=100,
        series=[Series(_("ODI score"), [(_("Baseline"), 42), (_("Visit 4"), 30)])],
        reference_lines=[ReferenceLine(_("Important change"), 32)],
    )
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

Number = int | float

NO_VALUE = _("no value")


@dataclass
class Series:
    """One line of a line chart: its points in order, as (x label, y); y None for a gap.

    A dashed series is drawn with a dashed line (e.g. pain after needling beside pain before).
    """

    label: str
    points: list[tuple[str, Number | None]]
    dashed: bool = False


@dataclass
class ReferenceLine:
    """A level across the whole chart, drawn as a thin dashed line with its label: a baseline,
    or the score that counts as an important change (MCID)."""

    label: str
    y: Number


@dataclass
class BarSeries:
    """One set of bars: one value per category of its `BarChart`, None where there is none."""

    label: str
    values: list[Number | None]


@dataclass
class ChartTable:
    """The chart's numbers for its HTML table.

    `headers` name the columns (the x label, then each series); each row starts with its x
    label or category, then one formatted value per series; `footer` holds the reference lines
    as (label, formatted value).
    """

    headers: list[str]
    rows: list[list[str]]
    footer: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class LineChart:
    """Values over time or over visits: one line per series, on one shared x axis.

    The x axis holds every x label of every series, in the order they first appear. `y_min`
    and `y_max` fix the y axis (None lets Chart.js choose); `reverse` turns the y axis upside
    down, for a score where lower is better and the chart should rise as it improves.
    `missing` is what the table shows for a point without a value.
    """

    title: str
    description: str
    x_label: str
    y_label: str
    y_min: Number | None
    y_max: Number | None
    series: list[Series]
    reference_lines: list[ReferenceLine] = field(default_factory=list)
    reverse: bool = False
    missing: str = NO_VALUE

    @property
    def labels(self) -> list[str]:
        labels = {}
        for series in self.series:
            labels.update((str(x), None) for x, _y in series.points)
        return list(labels)

    def values(self, series: Series) -> list[Number | None]:
        """The series' y values, one per x label of the chart (None where it has no point)."""
        by_label = {str(x): y for x, y in series.points}
        return [by_label.get(label) for label in self.labels]

    def data(self) -> dict[str, Any]:
        """What static/js/charts.js draws, as plain JSON."""
        return {
            "type": "line",
            "xLabel": str(self.x_label),
            "yLabel": str(self.y_label),
            "yMin": self.y_min,
            "yMax": self.y_max,
            "reverse": self.reverse,
            "labels": self.labels,
            "series": [
                {"label": str(s.label), "values": self.values(s), "dashed": s.dashed}
                for s in self.series
            ],
            "referenceLines": [
                {"label": str(line.label), "y": line.y} for line in self.reference_lines
            ],
        }

    def table(self) -> ChartTable:
        columns = [self.values(s) for s in self.series]
        return ChartTable(
            headers=[str(self.x_label), *(str(s.label) for s in self.series)],
            rows=[
                [label, *(_formatted(column[i], self.missing) for column in columns)]
                for i, label in enumerate(self.labels)
            ],
            footer=[(str(line.label), _formatted(line.y)) for line in self.reference_lines],
        )


@dataclass
class BarChart:
    """Values by category (a region, a physiotherapist, a measure): one bar per category for
    each series, side by side. The y axis starts at 0."""

    title: str
    description: str
    x_label: str
    y_label: str
    categories: list[str]
    series: list[BarSeries]
    missing: str = NO_VALUE

    def __post_init__(self) -> None:
        for series in self.series:
            if len(series.values) != len(self.categories):
                raise ValueError(
                    f"{series.label}: {len(series.values)} values for "
                    f"{len(self.categories)} categories"
                )

    def data(self) -> dict[str, Any]:
        """What static/js/charts.js draws, as plain JSON."""
        return {
            "type": "bar",
            "xLabel": str(self.x_label),
            "yLabel": str(self.y_label),
            "yMin": 0,
            "yMax": None,
            "reverse": False,
            "labels": [str(c) for c in self.categories],
            "series": [
                {"label": str(s.label), "values": list(s.values), "dashed": False}
                for s in self.series
            ],
            "referenceLines": [],
        }

    def table(self) -> ChartTable:
        return ChartTable(
            headers=[str(self.x_label), *(str(s.label) for s in self.series)],
            rows=[
                [str(category), *(_formatted(s.values[i], self.missing) for s in self.series)]
                for i, category in enumerate(self.categories)
            ],
        )


def _formatted(value: Number | None, missing: str = NO_VALUE) -> str:
    """A value as the table shows it: 7 rather than 7.0, at most one decimal, localized."""
    if value is None:
        return str(missing)
    if float(value).is_integer():
        return number_format(int(value))
    return number_format(round(value, 1), decimal_pos=1)
