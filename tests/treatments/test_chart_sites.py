"""The needled sites of a chart: any number up to a limit, started from the last visit, muscles
from the clinic's list or written freely, and the input a busy page must refuse in words."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from tests.factories import TODAY, chart_visit, make_visit, ready_for_needling
from tests.treatments.helpers import EMPTY_SITE, SITE, chart_data, formset_data, page_text
from treatments.charting import record_chart, sites_to_start_from
from treatments.models import MOST_SITES, Chart, NeedledSite

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
YESTERDAY = TODAY - timedelta(days=1)
LAST_WEEK = YESTERDAY - timedelta(days=7)


def chart_url(visit) -> str:
    return reverse("treatments:visit-chart", args=[visit.pk])


@pytest.fixture
def visit(physiotherapist):
    return make_visit(ready_for_needling(physiotherapist=physiotherapist), YESTERDAY)


@pytest.fixture
def last_week(physiotherapist, visit):
    """Last week's signed chart: a listed muscle, its paraspinal level, and a free-text one."""
    earlier = make_visit(visit.course, LAST_WEEK)
    chart = chart_visit(earlier, physiotherapist, muscles=["Gluteus medius", "Multifidus", "Odd"],
                        note="Last week's note: strong grasp", pain=(8, 3))  # fmt: skip
    chart.sites.filter(muscle="Gluteus medius").update(site_type="pain_site", spinal_segment="")
    return chart


def site(**fields) -> NeedledSite:
    return NeedledSite(**{**SITE, "insertions": 2, **fields})


def record(visit, by, sites):
    chart = Chart(consent_confirmed=True, patient_position="prone", pain_before=6, pain_after=3,
                  note="Needled today")  # fmt: skip
    return record_chart(visit=visit, chart=chart, sites=sites, adverse_events=[], charted_by=by)


# The service ---------------------------------------------------------------------------


def test_a_muscle_named_as_on_the_list_is_linked_to_it_and_any_other_stays_free_text(
    physiotherapist, visit
):
    chart = record(visit, physiotherapist, [site(muscle="gluteus MEDIUS"), site(muscle="Odd")])
    listed, free = chart.sites.all()
    assert (listed.muscle, listed.listed_muscle.levels) == ("Gluteus medius", ["L4", "L5", "S1"])
    assert str(listed) == "Gluteus medius (Right, L4)"
    assert listed.listed_muscle_id and free.listed_muscle_id is None
    assert str(free) == "Odd (not on the muscle list) (Right, L4)"


def test_a_site_in_a_muscle_with_sides_needs_its_side(physiotherapist, visit):
    with pytest.raises(ValidationError, match="Site 2: Choose the side of Gluteus medius"):
        record(visit, physiotherapist, [site(), site(muscle="Gluteus medius", side="")])
    assert not Chart.objects.exists()


def test_a_paraspinal_site_needs_its_level_and_a_pain_site_does_not(physiotherapist, visit):
    with pytest.raises(ValidationError, match="A paraspinal site is charted with its spinal"):
        record(visit, physiotherapist, [site(spinal_segment="")])
    chart = record(visit, physiotherapist, [site(site_type="pain_site", spinal_segment="")])
    assert chart.sites.get().spinal_segment == ""


@pytest.mark.postgresql
def test_the_database_refuses_a_paraspinal_site_without_a_level_or_a_free_text_without_a_side(
    physiotherapist, visit
):
    chart = record(visit, physiotherapist, [site()])
    for fields in ({"spinal_segment": ""}, {"muscle": "Odd", "side": ""}, {"spinal_segment": "X9"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            NeedledSite.objects.create(chart=chart, **{**SITE, **fields})


def test_a_chart_holds_at_most_the_most_sites(physiotherapist, visit):
    with pytest.raises(ValidationError, match=f"at most {MOST_SITES} needled sites"):
        record(visit, physiotherapist, [site() for _ in range(MOST_SITES + 1)])
    assert record(visit, physiotherapist, [site() for _ in range(MOST_SITES)]).sites.count() == 40


def test_the_sites_of_the_last_visit_carry_where_the_needle_went_and_nothing_else(
    physiotherapist, visit, last_week
):
    rows = sites_to_start_from(visit)
    assert [row["muscle"] for row in rows] == ["Gluteus medius", "Multifidus", "Odd"]
    assert set(rows[0]) == {"muscle", "side", "site_type", "spinal_segment", "over_thorax"}


def test_a_first_visit_has_no_sites_to_start_from(visit):
    assert sites_to_start_from(visit) == []


# The page ------------------------------------------------------------------------------


def test_starting_from_the_last_visit_fills_the_rows_but_never_the_response_pain_or_note(
    client, physiotherapist, visit, last_week
):
    client.force_login(physiotherapist)
    response = client.get(chart_url(visit), {"from": "last-visit"})
    html = page_text(response)
    sites = response.context["sites"]
    assert [form["muscle"].value() for form in sites.forms[:3]] == [
        "Gluteus medius", "Multifidus", "Odd"
    ]  # fmt: skip
    assert [form["response"].value() for form in sites.forms] == [None] * 4
    assert sites.forms[3]["muscle"].value() is None  # one empty row more
    assert "Last week's note" not in html
    assert response.context["form"]["pain_before"].value() is None


def test_rows_started_from_the_last_visit_are_saved_as_posted(client, physiotherapist, visit):
    client.force_login(physiotherapist)
    rows = [{**SITE, "muscle": "Gluteus medius", "site_type": "pain_site", "spinal_segment": ""},
            {**SITE, "spinal_segment": "L5"}, EMPTY_SITE]  # fmt: skip
    data = {**chart_data(), **formset_data("sites", rows)}
    response = client.post(chart_url(visit) + "?from=last-visit", data)
    assert response.status_code == 302
    assert list(visit.chart.sites.values_list("muscle", "spinal_segment")) == [
        ("Gluteus medius", ""), ("Multifidus", "L5")
    ]  # fmt: skip


def test_a_patient_without_an_earlier_ims_visit_is_told_so(client, physiotherapist, visit):
    client.force_login(physiotherapist)
    response = client.get(chart_url(visit), {"from": "last-visit"}, follow=True)
    assert "No earlier IMS visit of this patient has needled sites." in page_text(response)
    assert len(response.context["sites"].forms) == 3


def test_adding_a_site_without_script_keeps_what_was_typed_and_saves_nothing(
    client, physiotherapist, visit
):
    client.force_login(physiotherapist)
    data = {**chart_data(note=""), **formset_data("sites", [SITE]), "add_site": "1"}
    response = client.post(chart_url(visit), data)
    html = page_text(response)
    assert response.status_code == 200
    assert len(response.context["sites"].forms) == 2
    assert response.context["sites"].forms[0]["muscle"].value() == "Multifidus"
    assert "Nothing was saved" not in html and "This field is required" not in html
    assert not Chart.objects.exists()


def test_the_chart_page_offers_the_muscle_list_and_its_levels_in_a_fixed_number_of_queries(
    client, physiotherapist, visit, last_week, django_assert_max_num_queries
):
    client.force_login(physiotherapist)
    with django_assert_max_num_queries(16):
        response = client.get(chart_url(visit), {"from": "last-visit"})
    html = page_text(response)
    assert '<option value="Gluteus medius">L4-S1, superior gluteal nerve</option>' in html
    assert response.context["muscle_levels"]["muscles"]["infraspinatus"]["levels"] == [
        "C5", "C6"
    ]  # fmt: skip
    assert response.context["muscle_levels"]["paraspinal"] == "Multifidus"


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{**SITE, "muscle": "Gluteus medius", "side": ""}], "Choose the side of Gluteus medius."),
        ([{**SITE, "spinal_segment": "L9"}], "Choose a spinal segment from C1 to S2."),
        ([{**SITE, "spinal_segment": ""}], "A paraspinal site is charted with its spinal level."),
        ([SITE] * 200, f"A chart holds at most {MOST_SITES} needled sites."),
    ],
)
def test_bad_site_rows_are_explained_and_nothing_is_saved(
    client, physiotherapist, visit, rows, message
):
    client.force_login(physiotherapist)
    response = client.post(chart_url(visit), {**chart_data(), **formset_data("sites", rows)})
    assert response.status_code == 200
    assert message in page_text(response)
    assert "Nothing was saved" in page_text(response)
    assert not Chart.objects.exists() and not NeedledSite.objects.exists()


def test_another_patients_chart_named_in_a_hidden_field_is_refused(
    client, physiotherapist, visit, last_week
):
    other = chart_visit(make_visit(ready_for_needling(physiotherapist=physiotherapist), LAST_WEEK),
                        physiotherapist)  # fmt: skip
    client.force_login(physiotherapist)
    rows = [{**SITE, "chart": other.pk}, {**SITE, "id": other.sites.get().pk}]
    for row in rows:
        data = {**chart_data(), **formset_data("sites", [row])}
        response = client.post(chart_url(visit), data)
        assert response.status_code == 200
        assert "Nothing was saved" in page_text(response)
        assert "Reload the page" in page_text(response)
    assert Chart.objects.count() == 2 and NeedledSite.objects.count() == 4
