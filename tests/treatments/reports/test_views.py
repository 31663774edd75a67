"""The reports' pages and CSVs: who may open them, the period, the chart and the table, the
CSV, bad input, and a fixed number of queries."""

import csv
import io
from datetime import date, time, timedelta

import pytest
from django.urls import reverse

from ims_clinic.models import AuditEntry
from tests.factories import TODAY, make_course, make_physiotherapist, make_visit
from treatments.models import Visit, WorkingHours
from treatments.reports.queries import REPORTS

# Visits without needling: the weekly rule (held by PostgreSQL too) is not what is counted here.
FOLLOW_UP = "Follow-up without needling"


def visit(course, day, at=None, *, kind=FOLLOW_UP, **fields):
    return make_visit(course, day, at, kind=kind, **fields)


pytestmark = pytest.mark.django_db
MONDAY = date(2026, 3, 2)
LIST = reverse("treatments:reports")


def page(slug: str) -> str:
    return reverse(f"treatments:report-{slug}")


def csv_url(slug: str) -> str:
    return reverse(f"treatments:report-{slug}-csv")


@pytest.fixture
def lee(db):
    """Lee works Mondays 9 to 17 and saw a patient three times last week."""
    lee = make_physiotherapist(first_name="Lee", last_name="Chan")
    WorkingHours.objects.create(physiotherapist=lee, weekday=0, starts_at=time(9),
                                ends_at=time(17))  # fmt: skip
    course = make_course(physiotherapist=lee)
    visit(course, MONDAY, status=Visit.Status.ATTENDED)
    visit(course, MONDAY + timedelta(days=1), status=Visit.Status.NO_SHOW)
    visit(course, MONDAY + timedelta(days=2), status=Visit.Status.ATTENDED)
    return lee


# Who may see them --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [LIST, *map(page, REPORTS), *map(csv_url, REPORTS)])
def test_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("person", ["physiotherapist", "front_desk", "outsider"])
@pytest.mark.parametrize("url", [LIST, page("visits"), csv_url("attendance")])
def test_staff_other_than_clinic_admins_are_refused(client, request, person, url):
    client.force_login(request.getfixturevalue(person))
    assert client.get(url).status_code == 403


def test_the_list_links_every_report(client, clinic_admin):
    client.force_login(clinic_admin)
    html = client.get(LIST).content.decode()
    for slug in REPORTS:
        assert f'href="{page(slug)}"' in html


def test_clinic_admins_find_the_reports_in_the_header_and_on_the_admins_start_page(
    client, clinic_admin, physiotherapist
):
    client.force_login(clinic_admin)
    assert f'href="{LIST}"' in client.get(page("visits")).content.decode()
    assert f'href="{LIST}"' in client.get(reverse("admin:index")).content.decode()
    client.force_login(physiotherapist)
    assert f'href="{LIST}"' not in client.get(reverse("treatments:results")).content.decode()


# The pages ---------------------------------------------------------------------------------


@pytest.mark.usefixtures("clock", "lee")
@pytest.mark.parametrize("slug", list(REPORTS))
def test_each_report_shows_a_chart_and_its_table_for_the_last_twelve_months(
    client, clinic_admin, slug
):
    client.force_login(clinic_admin)
    response = client.get(page(slug))
    html = response.content.decode()
    assert response.status_code == 200
    assert "From 11 Mar 2025 to 10 Mar 2026" in html
    assert f'id="chart-{slug}"' in html  # the chart's data, drawn by static/js/charts.js
    assert "All the figures" in html
    assert response.context["form"]["by"].value() == "month"
    assert "Mar 2026" in html


@pytest.mark.usefixtures("clock", "lee")
def test_the_attendance_report_shows_counts_and_rates_by_week(client, clinic_admin):
    client.force_login(clinic_admin)
    params = {"date_from": "2026-03-02", "date_to": "2026-03-08", "by": "week"}
    response = client.get(page("attendance"), params)
    report = response.context["report"]
    # The other reports open on the same period.
    html = response.content.decode()
    assert (
        f'href="{page("visits")}?date_from=2026-03-02&amp;date_to=2026-03-08&amp;by=week"' in html
    )
    assert report.rows == [
        ["Whole period", "Lee Chan", 3, 2, 1, 0, 0, 0, "66.7%", "33.3%", "0%"],
        ["Week of 2 Mar 2026", "Lee Chan", 3, 2, 1, 0, 0, 0, "66.7%", "33.3%", "0%"],
    ]


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize(
    "params, message",
    [
        ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "The “from” date must be on"),
        ({"date_from": "10/03/2026"}, "Enter a date as YYYY-MM-DD"),
        ({"date_from": "1800-01-01"}, "Choose a date from 1900 on."),
        ({"date_from": "2000-01-01", "date_to": "2026-01-01"}, "at most 10 years"),
        ({"by": "fortnight"}, "Count by week or by month."),
        ({"by": "<script>alert(1)</script>"}, "Count by week or by month."),
        ({"date_from": "9" * 5000}, "Enter a date as YYYY-MM-DD"),
    ],
)
@pytest.mark.parametrize("slug", ["visits", "utilisation"])
def test_a_period_that_cannot_be_read_is_explained_and_nothing_counted(
    client, clinic_admin, params, message, slug
):
    client.force_login(clinic_admin)
    for url in (page(slug), csv_url(slug)):
        response = client.get(url, params)
        html = response.content.decode()
        assert response.status_code == 200
        assert message in html
        assert "Nothing is shown until the period is corrected." in html
        assert "<script>alert" not in html


@pytest.mark.usefixtures("clock")
def test_an_empty_period_says_there_is_nothing_to_count(client, clinic_admin):
    client.force_login(clinic_admin)
    html = client.get(page("visits")).content.decode()
    assert "Nothing to count in this period." in html


# The CSV -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("clock", "lee")
def test_the_csv_holds_the_table_and_is_recorded_in_the_audit_trail(client, clinic_admin):
    client.force_login(clinic_admin)
    params = {"date_from": "2026-03-02", "date_to": "2026-03-08", "by": "week"}
    response = client.get(csv_url("utilisation"), params)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="report-utilisation-by-week-2026-03-02-to-2026-03-08.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [
        ["Period", "Physiotherapist", "Booked hours", "Working hours", "Utilisation"],
        ["Whole period", "Lee Chan", "1", "8", "12.5%"],  # the no-show is not booked time
        ["Week of 2 Mar 2026", "Lee Chan", "1", "8", "12.5%"],
    ]
    assert AuditEntry.objects.filter(action=AuditEntry.Action.EXPORTED).count() == 1


@pytest.mark.usefixtures("clock")
def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(client, clinic_admin):
    sneaky = make_physiotherapist(first_name="=HYPERLINK(1)", last_name="")
    visit(make_course(physiotherapist=sneaky), MONDAY, status=Visit.Status.ATTENDED)
    client.force_login(clinic_admin)
    response = client.get(csv_url("visits"), {"date_from": "2026-03-01", "date_to": "2026-03-31"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[1][1] == "'=HYPERLINK(1)"


# A fixed number of queries -----------------------------------------------------------------


@pytest.mark.usefixtures("clock")
@pytest.mark.parametrize("physiotherapists", [1, 5])
def test_a_months_report_page_runs_the_same_queries_whatever_the_clinics_size(
    client, clinic_admin, physiotherapists, django_assert_num_queries
):
    for _n in range(physiotherapists):
        course = make_course(physiotherapist=make_physiotherapist())
        for day in range(physiotherapists * 2):
            visit(course, TODAY - timedelta(days=day + 1), status=Visit.Status.ATTENDED)
    client.force_login(clinic_admin)
    client.get(page("attendance"))  # the session's first read
    # Session, user, its roles, the open locations, then the report's two.
    with django_assert_num_queries(5):
        assert client.get(page("attendance"), {"by": "month"}).status_code == 200
