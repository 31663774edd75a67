"""The clinic's results page and its CSV: who may open them, the period, the numbers shown,
the privacy of small counts and of patients, and a fixed number of queries."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse

from tests.factories import TODAY, make_patient, make_physiotherapist
from tests.treatments.outcomes.results_data import (
    NOT_AT_ALL,
    completed_course,
    course_reaching,
    make_instrument,
)

pytestmark = pytest.mark.django_db
PAGE, CSV = reverse("treatments:results"), reverse("treatments:results-csv")
FEWER = "fewer than 5"


def page(client, **params) -> str:
    response = client.get(PAGE, params)
    assert response.status_code == 200
    return response.content.decode()


def csv_rows(client, **params) -> list[list[str]]:
    response = client.get(CSV, params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.reader(io.StringIO(response.content.decode())))


def table_row(html: str, label: str) -> list[str]:
    """The cells of the first row headed `label`, as text."""
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', html, re.S)
    assert row, f"no row {label}"
    return re.findall(r"<td[^>]*>(.*?)</td>", row.group(1))


@pytest.fixture
def results(physiotherapist):
    """Last month: 6 courses with an important change by session 3, 2 more by session 6,
    1 after session 12, 5 with none, and 1 without questionnaires."""
    for session in [2, 2, 3, 3, 3, 3, 5, 6, 14, *[NOT_AT_ALL] * 5]:
        course_reaching(session, physiotherapist, region="Right low back")
    completed_course(physiotherapist, region="Neck")


# Who may see it ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["clinic_admin", "physiotherapist"])
def test_clinic_admins_and_physiotherapists_see_the_results(client, request, role, results):
    client.force_login(request.getfixturevalue(role))
    html = page(client)
    assert html.count("<h1") == 1
    assert "<h1>The clinic's results</h1>" in html
    assert table_row(html, "All courses") == ["15", "6", "8", "8", "fewer than 5", "5",
                                              FEWER, "3"]  # fmt: skip


@pytest.mark.parametrize("url", [PAGE, CSV])
@pytest.mark.parametrize("role", ["front_desk", "outsider"])
def test_the_front_desk_and_staff_without_a_role_are_refused(client, request, role, url):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [PAGE, CSV])
def test_a_visitor_is_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("role", "shown"), [("clinic_admin", True), ("physiotherapist", True),
                                             ("front_desk", False)])  # fmt: skip
def test_the_header_links_to_the_results_for_those_who_may_see_them(client, request, role, shown):
    client.force_login(request.getfixturevalue(role))
    html = client.get(reverse("content:home")).content.decode()
    assert (f'href="{PAGE}">Results</a>' in html) is shown


# What it shows ----------------------------------------------------------------------------


def test_it_shows_each_breakdown_with_the_counts_and_the_median(client, clinic_admin, results):
    client.force_login(clinic_admin)
    html = page(client)
    for heading in ["By region", "By physiotherapist", "By measure"]:
        assert f">{heading}</h2>" in html
    assert table_row(html, "Low back") == ["14", "6", "8", "8", FEWER, "5", "0", "3"]
    assert table_row(html, "Neck") == [FEWER, "0", "0", "0", "0", "0", FEWER, "not shown"]
    assert table_row(html, "Priya Physio")[0] == "15"
    assert table_row(html, "ODI") == ["14", "6", "8", "8", FEWER, "5", "0", "3"]


def test_counts_under_five_and_a_median_of_fewer_than_five_courses_are_kept_back(
    client, clinic_admin, physiotherapist
):
    for session in [2, 2, 4, NOT_AT_ALL]:
        course_reaching(session, physiotherapist)
    client.force_login(clinic_admin)
    html = page(client)
    assert table_row(html, "All courses") == [FEWER, FEWER, FEWER, FEWER, "0", FEWER, "0",
                                              "not shown"]  # fmt: skip
    assert ">4<" not in html and ">3<" not in html and ">1<" not in html


def test_no_patient_is_named_on_the_page_or_in_the_csv(client, clinic_admin, physiotherapist):
    patient = make_patient(legal_first_name="Zebulon", legal_last_name="Quillfeather",
                           preferred_name="Zeb")  # fmt: skip
    for session in [2, 3, 4, 5, 6]:
        course_reaching(session, physiotherapist, patient=make_patient(legal_last_name="Xanthe"))
    # The region is free text: a name typed there is not shown either.
    course_reaching(3, physiotherapist, patient=patient, region="Zebulon's low back")
    client.force_login(clinic_admin)
    html = page(client)
    text = client.get(CSV).content.decode()
    assert table_row(html, "All courses")[0] == "6"
    for name in ["Zebulon", "Quillfeather", "Zeb", "Xanthe"]:
        assert name not in html
        assert name not in text


def test_with_no_course_completed_in_the_period_it_says_so(client, clinic_admin):
    client.force_login(clinic_admin)
    html = page(client)
    assert "No course was completed in this period." in html
    assert "By region" not in html


# The period -------------------------------------------------------------------------------


def test_the_period_is_the_last_twelve_months_unless_chosen(client, clinic_admin, physiotherapist):
    course_reaching(3, physiotherapist, ended_on=TODAY - timedelta(days=364))
    course_reaching(3, physiotherapist, ended_on=TODAY - timedelta(days=365))
    course_reaching(3, physiotherapist, ended_on=TODAY - timedelta(days=800))
    client.force_login(clinic_admin)
    response = client.get(PAGE)
    assert response.context["results"].overall.completed == 1
    assert 'value="2025-03-11"' in response.content.decode()
    assert f'value="{TODAY}"' in response.content.decode()
    chosen = client.get(PAGE, {"date_from": "2020-01-01", "date_to": str(TODAY)})
    assert chosen.context["results"].overall.completed == 3
    assert "Courses completed from 1 Jan 2020 to 10 Mar 2026" in chosen.content.decode()


def test_a_blank_start_is_a_year_before_the_end(client, clinic_admin, physiotherapist):
    course_reaching(3, physiotherapist, ended_on=TODAY - timedelta(days=400))
    client.force_login(clinic_admin)
    response = client.get(PAGE, {"date_from": "", "date_to": str(TODAY - timedelta(days=300))})
    results = response.context["results"]
    assert (results.date_from, results.overall.completed) == (TODAY - timedelta(days=664), 1)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"},
         "The “from” date must be on or before the “to” date."),
        ({"date_from": "2010-01-01", "date_to": "2020-01-02"},
         "Choose a period of at most 10 years."),
        ({"date_from": "1899-12-31"}, "Choose a date from 1900 on."),
        ({"date_to": "2101-01-01"}, "Choose a date up to 2100."),
        ({"date_to": "9999-12-31"}, "Choose a date up to 2100."),
        ({"date_from": "0001-01-01"}, "Choose a date from 1900 on."),
        ({"date_from": "2026-02-30"}, "Enter a date as YYYY-MM-DD"),
        ({"date_from": "99999999-01-01"}, "Enter a date as YYYY-MM-DD"),
        ({"date_from": "9" * 400}, "Enter a date as YYYY-MM-DD"),
        ({"date_to": "<script>alert(1)</script>"}, "Enter a date as YYYY-MM-DD"),
        ({"date_to": "' OR 1=1 --"}, "Enter a date as YYYY-MM-DD"),
        ({"date_to": "a\x00b"}, "Enter a date as YYYY-MM-DD"),
        ({"date_to": "x" * 10_000}, "Enter a date as YYYY-MM-DD"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("url", [PAGE, CSV])
def test_a_period_that_cannot_be_read_gets_a_clear_message(
    client, clinic_admin, params, message, url
):
    client.force_login(clinic_admin)
    response = client.get(url, params)
    html = response.content.decode()
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert message in html
    assert "Nothing is shown until the period is corrected." in html
    assert "<script>alert(1)" not in html


def test_a_ten_year_period_is_allowed(client, clinic_admin):
    client.force_login(clinic_admin)
    response = client.get(PAGE, {"date_from": "2016-03-10", "date_to": "2026-03-10"})
    assert response.context["results"] is not None


# The CSV ----------------------------------------------------------------------------------


def test_the_csv_has_every_breakdown_with_small_counts_kept_back(client, clinic_admin, results):
    client.force_login(clinic_admin)
    response = client.get(CSV, {"date_from": "2026-01-01", "date_to": "2026-03-10"})
    assert response["Content-Disposition"] == (
        'attachment; filename="clinic-results-2026-01-01-to-2026-03-10.csv"'
    )
    rows = csv_rows(client)
    assert rows[0] == [
        "Section", "Group", "Courses completed", "Important change by session 3",
        "Important change by session 6", "Important change by session 12",
        "Important change after session 12", "No important change", "No questionnaires",
        "Median sessions to an important change",
    ]  # fmt: skip
    assert rows[1:] == [
        ["All courses", "", "15", "6", "8", "8", FEWER, "5", FEWER, "3"],
        ["By region", "Low back", "14", "6", "8", "8", FEWER, "5", "0", "3"],
        ["By region", "Neck", FEWER, "0", "0", "0", "0", "0", FEWER, "not shown"],
        ["By physiotherapist", "Priya Physio", "15", "6", "8", "8", FEWER, "5", FEWER, "3"],
        ["By measure", "ODI", "14", "6", "8", "8", FEWER, "5", "0", "3"],
    ]


@pytest.mark.parametrize("name", ["=HYPERLINK(\"http://evil.example\")", "+1+1", "-2+3",
                                  "@SUM(A1:A2)"])  # fmt: skip
def test_a_name_a_spreadsheet_would_run_as_a_formula_is_kept_as_text(client, clinic_admin, name):
    course_reaching(3, make_physiotherapist(first_name=name, last_name=""))
    make_instrument("evil", name)
    client.force_login(clinic_admin)
    rows = csv_rows(client)
    groups = [row[1] for row in rows]
    assert f"'{name}" in groups
    assert name not in groups


# Queries ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [PAGE, CSV])
def test_the_page_and_the_csv_take_the_same_queries_with_three_times_the_courses(
    client, clinic_admin, django_assert_num_queries, url
):
    physiotherapists = [make_physiotherapist(), make_physiotherapist()]
    odi, psfs = make_instrument("odi"), make_instrument("psfs", "PSFS")

    def add_courses():
        for n, session in enumerate([2, 3, 5, 8, 13, NOT_AT_ALL, 4]):
            course_reaching(session, physiotherapists[n % 2], odi if n % 3 else psfs,
                            region=["Low back", "Neck", "Knee"][n % 3])  # fmt: skip
        completed_course(physiotherapists[0])

    add_courses()
    client.force_login(clinic_admin)
    client.get(url)  # the session and the roles, read once
    # The results' seven, the session and its user, and the CSV's audit entry.
    expected = 7 + 2 + (1 if url == CSV else 0)
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    for _more in range(2):
        add_courses()
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


def test_the_clinic_admins_start_page_in_the_admin_links_to_the_results(client, clinic_admin):
    client.force_login(clinic_admin)
    html = client.get(reverse("admin:index")).content.decode()
    assert f'href="{reverse("treatments:results")}"' in html
