"""Signing a chart locks it: a draft is edited freely, a signed chart only amended with a reason."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import (
    TODAY,
    chart_visit,
    make_front_desk,
    make_physiotherapist,
    make_visit,
    ready_for_needling,
)
from tests.treatments.helpers import chart_data, correction_data
from treatments.charting import record_chart, sign_chart
from treatments.models import Chart

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]
YESTERDAY = TODAY - timedelta(days=1)


def chart_url(visit) -> str:
    return reverse("treatments:visit-chart", args=[visit.pk])


def sign_url(visit) -> str:
    return reverse("treatments:chart-sign", args=[visit.pk])


@pytest.fixture
def visit(physiotherapist):
    return make_visit(ready_for_needling(physiotherapist=physiotherapist), YESTERDAY)


@pytest.fixture
def draft(physiotherapist, visit):
    chart_visit(visit, physiotherapist, note="Draft note", sign=False)
    visit.refresh_from_db()
    return visit


def test_save_and_sign_signs_the_chart_in_the_physiotherapists_name(client, physiotherapist, visit):
    client.force_login(physiotherapist)
    response = client.post(chart_url(visit), {**chart_data(), "sign": "1"}, follow=True)
    assert "Chart saved and signed." in response.content.decode()
    chart = Chart.objects.get(visit=visit)
    assert chart.is_signed and chart.signed_by == physiotherapist
    assert chart.history.get().history_change_reason == "Charted and signed"


def test_a_draft_is_edited_without_a_reason_and_both_versions_are_kept(
    client, physiotherapist, draft
):
    client.force_login(physiotherapist)
    data = correction_data(draft.chart, note="Draft, finished", reason=None)
    response = client.post(chart_url(draft), data, follow=True)
    assert "Draft chart saved." in response.content.decode()
    draft.chart.refresh_from_db()
    assert draft.chart.note == "Draft, finished" and not draft.chart.is_signed
    assert [v.note for v in draft.chart.history.all()] == ["Draft, finished", "Draft note"]


def test_the_draft_form_offers_to_sign_and_asks_no_reason(client, physiotherapist, draft):
    client.force_login(physiotherapist)
    html = client.get(chart_url(draft)).content.decode()
    assert "Edit the draft chart of" in html
    assert "Save and sign" in html
    assert 'name="correction_reason"' not in html


def test_the_author_signs_a_draft_from_the_visit_page(client, physiotherapist, draft):
    client.force_login(physiotherapist)
    assert "Sign the chart" in client.get(draft.get_absolute_url()).content.decode()
    response = client.post(sign_url(draft), follow=True)
    assert "Chart signed." in response.content.decode()
    draft.chart.refresh_from_db()
    assert draft.chart.signed_by == physiotherapist
    assert draft.chart.history.first().history_change_reason == "Signed"


def test_after_signing_a_change_needs_a_reason(client, physiotherapist, draft):
    sign_chart(draft.chart, signed_by=physiotherapist)
    client.force_login(physiotherapist)
    response = client.post(chart_url(draft), correction_data(draft.chart, note="Quiet edit",
                                                             reason=""))  # fmt: skip
    assert "A signed chart is amended only with a reason" in response.content.decode()
    draft.chart.refresh_from_db()
    assert draft.chart.note == "Draft note"


def test_another_physiotherapist_cannot_sign_someone_elses_chart(client, draft):
    other = make_physiotherapist(username="other")
    client.force_login(other)
    response = client.post(sign_url(draft), follow=True)
    assert "who wrote this chart, can sign it" in response.content.decode()
    draft.chart.refresh_from_db()
    assert not draft.chart.is_signed


def test_a_signed_chart_is_not_signed_twice(physiotherapist, draft):
    sign_chart(draft.chart, signed_by=physiotherapist)
    with pytest.raises(ValidationError, match="already signed"):
        sign_chart(draft.chart, signed_by=physiotherapist)


def test_signing_a_visit_without_a_chart_says_so(client, physiotherapist, visit):
    client.force_login(physiotherapist)
    response = client.post(sign_url(visit), follow=True)
    assert "This visit has no chart to sign." in response.content.decode()


def test_the_front_desk_cannot_sign_and_a_get_is_refused(client, physiotherapist, draft):
    client.force_login(make_front_desk())
    assert client.post(sign_url(draft)).status_code == 403
    client.force_login(physiotherapist)
    assert client.get(sign_url(draft)).status_code == 405
    draft.chart.refresh_from_db()
    assert not draft.chart.is_signed


def test_a_made_up_visit_gives_not_found(client, physiotherapist):
    client.force_login(physiotherapist)
    assert client.post(reverse("treatments:chart-sign", args=[999999])).status_code == 404


def test_a_chart_signed_in_another_window_is_not_edited_as_a_draft(physiotherapist, draft):
    """The form was opened on the draft; the chart was signed before it was saved."""
    stale = Chart.objects.get(pk=draft.chart.pk)
    sign_chart(draft.chart, signed_by=physiotherapist)
    stale.note = "Edited in the old window"
    with pytest.raises(ValidationError, match="amended only with a reason"):
        record_chart(
            visit=draft, chart=stale, sites=[], adverse_events=[], charted_by=physiotherapist
        )
    draft.chart.refresh_from_db()
    assert draft.chart.note == "Draft note"


def test_the_dashboard_lists_my_drafts_to_sign(client, physiotherapist, draft):
    client.force_login(physiotherapist)
    html = client.get(reverse("treatments:dashboard")).content.decode()
    assert "Draft charts to sign" in html and draft.get_absolute_url() in html
    sign_chart(draft.chart, signed_by=physiotherapist)
    assert (
        "Draft charts to sign" not in client.get(reverse("treatments:dashboard")).content.decode()
    )
