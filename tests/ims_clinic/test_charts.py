"""The charts' descriptions: what Chart.js is given, and the table beside each chart."""

import json

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from ims_clinic.charts import BarChart, BarSeries, LineChart, ReferenceLine, Series


def odi_chart(**changes) -> LineChart:
    fields = {
        "title": "Oswestry Disability Index",
        "description": "ODI score at each questionnaire.",
        "x_label": "Questionnaire",
        "y_label": "Score (0-100)",
        "y_min": 0,
        "y_max": 100,
        "series": [Series("ODI", [("Baseline", 42), ("Visit 4", 30.5), ("Discharge", 18)])],
        "reference_lines": [ReferenceLine("Important change", 32)],
    }
    return LineChart(**(fields | changes))


def results_chart() -> BarChart:
    return BarChart(
        title="Courses with an important change",
        description="Courses by when they reached an important change.",
        x_label="Region",
        y_label="Courses",
        categories=["Low back", "Neck"],
        series=[BarSeries("By session 3", [12, None]), BarSeries("By session 6", [20, 7])],
        missing="fewer than 5",
    )


def test_a_line_chart_gives_chart_js_its_labels_series_and_reference_lines():
    data = odi_chart(reverse=True).data()
    assert data == {
        "type": "line",
        "xLabel": "Questionnaire",
        "yLabel": "Score (0-100)",
        "yMin": 0,
        "yMax": 100,
        "reverse": True,
        "labels": ["Baseline", "Visit 4", "Discharge"],
        "series": [{"label": "ODI", "values": [42, 30.5, 18], "dashed": False}],
        "referenceLines": [{"label": "Important change", "y": 32}],
    }
    assert json.loads(json.dumps(data)) == data


def test_a_line_chart_puts_every_series_on_one_x_axis_with_gaps_where_one_has_no_point():
    chart = odi_chart(
        series=[
            Series("Before", [("1", 7), ("2", 6)]),
            Series("After", [("1", 5), ("3", 2)], dashed=True),
        ]
    )
    data = chart.data()
    assert data["labels"] == ["1", "2", "3"]
    assert [(s["values"], s["dashed"]) for s in data["series"]] == [
        ([7, 6, None], False),
        ([5, None, 2], True),
    ]


def test_a_line_charts_table_has_a_row_per_x_and_its_reference_lines_at_the_foot():
    table = odi_chart().table()
    assert table.headers == ["Questionnaire", "ODI"]
    assert table.rows == [["Baseline", "42"], ["Visit 4", "30.5"], ["Discharge", "18"]]
    assert table.footer == [("Important change", "32")]


def test_the_table_shows_whole_numbers_without_decimals_and_others_with_one():
    chart = odi_chart(series=[Series("ODI", [("a", 18.0), ("b", 2 / 3), ("c", None)])])
    assert chart.table().rows == [["a", "18"], ["b", "0.7"], ["c", "no value"]]


def test_a_bar_chart_gives_chart_js_a_bar_per_category_for_each_series():
    data = results_chart().data()
    assert data["type"] == "bar"
    assert data["labels"] == ["Low back", "Neck"]
    assert data["yMin"] == 0
    assert [s["values"] for s in data["series"]] == [[12, None], [20, 7]]
    assert json.loads(json.dumps(data)) == data


def test_a_bar_charts_table_has_a_row_per_category_and_says_what_is_missing():
    table = results_chart().table()
    assert table.headers == ["Region", "By session 3", "By session 6"]
    assert table.rows == [["Low back", "12", "20"], ["Neck", "fewer than 5", "7"]]
    assert table.footer == []


def test_a_bar_chart_refuses_a_series_that_does_not_match_its_categories():
    with pytest.raises(ValueError, match="1 values for 2 categories"):
        BarChart("T", "D", "X", "Y", ["a", "b"], [BarSeries("S", [1])])


def test_a_chart_takes_translated_labels_and_gives_plain_strings():
    with translation.override("fr"):
        data = odi_chart(series=[Series(translation.gettext_lazy("Visit"), [])]).data()
    assert isinstance(data["series"][0]["label"], str)
    assert json.dumps(data)


def test_the_include_shows_the_title_canvas_table_and_data_of_a_chart():
    html = render_to_string("includes/chart.html", {"chart": odi_chart(), "id": "odi-chart"})
    assert '<figure class="chart" data-chart="odi-chart">' in html
    assert '<figcaption class="chart-title">Oswestry Disability Index</figcaption>' in html
    assert "<h" not in html.replace("<th", "")  # a caption, not a heading
    assert (
        '<canvas id="odi-chart-canvas" role="img" aria-label="ODI score at each questionnaire.">'
        in html
    )
    assert '<th scope="col">Questionnaire</th><th scope="col">ODI</th>' in html
    assert '<tr><th scope="row">Visit 4</th><td>30.5</td></tr>' in html
    assert '<tr><th scope="row">Important change</th><td colspan="1">32</td></tr>' in html
    data = html.split('<script id="odi-chart" type="application/json">')[1].split("</script>")[0]
    assert json.loads(data) == odi_chart().data()


def test_the_include_escapes_labels_in_the_table_and_in_the_data():
    chart = odi_chart(series=[Series("</script><b>ODI</b>", [("<i>1</i>", 3)])])
    html = render_to_string("includes/chart.html", {"chart": chart, "id": "c"})
    assert "<b>" not in html and "<i>" not in html
    assert html.count("</script>") == 1
