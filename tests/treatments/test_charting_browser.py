"""Charting at a busy physiotherapist's pace, measured: a typical IMS visit (three muscles and
a paraspinal site at a level of each, responses, pain before and after, a note, signed),
charted from last week's visit and from an empty form, counting the clicks and keystrokes.

Counted as a physiotherapist works: a click on a box, a button or a link is one; a choice from
a list is two (open it, pick); typing into a field is one click into it plus a keystroke per
character. Loading the page is not counted."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser import sign_in, started_hours_ago
from tests.factories import make_patient, make_visit, ready_for_needling
from treatments.charting import record_chart
from treatments.models import Chart, NeedledSite

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]
# (muscle, its paraspinal level): each needled on the right, at the pain site and beside the
# spine at that level.
VISIT = [("Gluteus medius", "L5"), ("Piriformis", "S1"), ("Quadratus lumborum", "L3")]
NOTE = "Tight bands R glut med and piriformis; strong grasp at L5, S1. Walking freer."
RESPONSES = ["Grasp (cramp)", "Grasp (cramp)", "Local twitch", "Grasp (cramp)",
             "Local twitch", "None"]  # fmt: skip


@dataclass
class Effort:
    """What the physiotherapist did on the page, counted."""

    page: object
    clicks: int = 0
    keystrokes: int = 0

    def click(self, locator) -> None:
        locator.click()
        self.clicks += 1

    def type(self, locator, text: str) -> None:
        locator.click()
        locator.press_sequentially(text)
        self.clicks += 1
        self.keystrokes += len(text)

    def choose(self, select, label: str) -> None:
        select.select_option(label=label)
        self.clicks += 2


def last_week_and_today(physiotherapist, name: str, hours_ago: int):
    """A patient's IMS visit that started `hours_ago` hours ago, and the one a week before,
    charted and signed. The live server runs on the real clock, and only a visit that has
    started is charted: a fixed morning time would not have come yet just after midnight."""
    course = ready_for_needling(make_patient(legal_first_name=name), physiotherapist)
    today, at = started_hours_ago(hours_ago)
    last_week = make_visit(course, today - timedelta(days=7), at)
    sites = []
    for muscle, level in VISIT:
        sites += [
            NeedledSite(muscle=muscle, side="right", site_type="pain_site", response="grasp"),
            NeedledSite(muscle="Multifidus", side="right", site_type="paraspinal",
                        spinal_segment=level, response="twitch"),
        ]  # fmt: skip
    chart = Chart(consent_confirmed=True, patient_position="prone", pain_before=7, pain_after=4,
                  note="Last week's note")  # fmt: skip
    record_chart(visit=last_week, chart=chart, sites=sites, adverse_events=[],
                 charted_by=physiotherapist, sign=True)  # fmt: skip
    return last_week, make_visit(course, today, at)


@pytest.fixture
def priya(physiotherapist):
    physiotherapist.username = "priya"
    physiotherapist.save()
    return physiotherapist


@pytest.fixture
def visits(priya):
    return last_week_and_today(priya, "Mina", hours_ago=3)


def chart_page(page, live_server, visit) -> str:
    url = f"{live_server.url}{reverse('treatments:visit-chart', args=[visit.pk])}"
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Chart the visit")
    return url


def row(page, number: int):
    return page.get_by_role("group", name=f"Site {number}", exact=True)


def finish(effort: Effort, page) -> None:
    """Consent, position, pain, the note, and sign: the same from any start."""
    effort.click(page.get_by_label("Consent confirmed this visit"))
    effort.choose(page.get_by_label("Patient position"), "Lying face down")
    effort.type(page.get_by_label("Pain before (0-10)"), "6")
    effort.type(page.get_by_label("Pain after (0-10)"), "3")
    effort.type(page.get_by_label("Treatment note"), NOTE)
    effort.click(page.get_by_role("button", name="Save and sign"))
    expect(page.get_by_text("Chart saved and signed.")).to_be_visible()


def charted_as_last_week(visit) -> list[tuple]:
    fields = ("muscle", "side", "site_type", "spinal_segment", "listed_muscle")
    return sorted(visit.chart.sites.values_list(*fields))


def test_a_visit_charted_from_last_week_takes_far_fewer_clicks_and_keystrokes(
    live_server, desktop, priya, visits
):
    page, (last_week, today) = desktop, visits
    sign_in(page, live_server, "priya")

    # From last week's visit: confirm the six sites, give today's responses.
    chart_page(page, live_server, today)
    from_last_week = Effort(page)
    from_last_week.click(page.get_by_role("link", name="Start from the last visit"))
    expect(row(page, 6).get_by_label("Muscle")).to_have_value("Multifidus")
    expect(row(page, 1).get_by_label("Response")).to_have_value("")
    for number, response in enumerate(RESPONSES, start=1):
        from_last_week.choose(row(page, number).get_by_label("Response"), response)
    finish(from_last_week, page)
    assert charted_as_last_week(today) == charted_as_last_week(last_week)
    assert today.chart.note == NOTE != last_week.chart.note

    # The same visit from an empty form, as before this page had a muscle list: every muscle
    # typed, every field chosen, rows added.
    _, today = last_week_and_today(priya, "Noor", hours_ago=2)
    chart_page(page, live_server, today)
    from_empty = Effort(page)
    number = 0
    for muscle, level in VISIT:
        for name, site, segment in [(muscle, "At the pain site", None),
                                    ("Multifidus", "Paraspinal", level)]:  # fmt: skip
            number += 1
            if number > 3:
                from_empty.click(page.get_by_role("button", name="Add a site"))
            site_row = row(page, number)
            from_empty.type(site_row.get_by_label("Muscle"), name)
            from_empty.choose(site_row.get_by_label("Side"), "Right")
            from_empty.choose(site_row.locator("select[name$='site_type']"), site)
            if segment:
                from_empty.choose(site_row.get_by_label("Spinal segment"), segment)
            from_empty.choose(site_row.get_by_label("Response"), RESPONSES[number - 1])
    finish(from_empty, page)
    assert charted_as_last_week(today) == charted_as_last_week(last_week)

    # From an empty form with the list: each muscle's paraspinal site is one click.
    _, today = last_week_and_today(priya, "Omid", hours_ago=1)
    chart_page(page, live_server, today)
    with_the_list = Effort(page)
    for number, (muscle, level) in enumerate(VISIT, start=1):
        if number > 1:
            with_the_list.click(page.get_by_role("button", name="Add a site"))
        site_row = page.locator("[data-site-row]").nth(
            page.locator("[data-site-row]").count() - 1 if number > 1 else 0
        )
        with_the_list.type(site_row.get_by_label("Muscle"), muscle)
        with_the_list.choose(site_row.get_by_label("Side"), "Right")
        with_the_list.choose(site_row.locator("select[name$='site_type']"), "At the pain site")
        with_the_list.click(site_row.get_by_role("button", name=f"Paraspinal {level}"))
    # The three rows left empty at the start stay empty; the six filled ones get responses.
    filled = [r for r in page.locator("[data-site-row]").all()
              if r.get_by_label("Muscle").input_value()]  # fmt: skip
    for site_row, response in zip(filled, RESPONSES, strict=True):
        with_the_list.choose(site_row.get_by_label("Response"), response)
    finish(with_the_list, page)
    assert charted_as_last_week(today) == charted_as_last_week(last_week)

    counts = {name: (effort.clicks, effort.keystrokes) for name, effort in
              [("from last week", from_last_week), ("empty, with the list", with_the_list),
               ("empty, typed", from_empty)]}  # fmt: skip
    print(f"\nClicks and keystrokes to chart the visit: {counts}")
    assert counts["from last week"] == (20, len(NOTE) + 2)
    assert counts["empty, typed"] == (58, len(NOTE) + 2 + 72)
    assert from_last_week.clicks * 2 < from_empty.clicks
    assert with_the_list.clicks < from_empty.clicks
    assert with_the_list.keystrokes < from_empty.keystrokes


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_charting_page_passes_axe_at_1280_and_375_px(live_server, request, visits, size):
    page, (last_week, today) = request.getfixturevalue(size), visits
    axe, violations = Axe(), {}

    def check(name: str) -> None:
        result = axe.run(page)
        if result.violations_count:
            violations[name] = [v["id"] for v in result.response["violations"]]

    sign_in(page, live_server, "priya")
    url = chart_page(page, live_server, today)
    check("empty chart form")
    page.goto(f"{url}?from=last-visit")
    expect(row(page, 6).get_by_label("Muscle")).to_have_value("Multifidus")
    expect(row(page, 1).get_by_role("button", name="Paraspinal L4")).to_be_visible()
    check("chart form started from last week, with the paraspinal sites offered")
    page.get_by_role("button", name="Add a site").click()
    expect(row(page, 8)).to_be_visible()
    page.get_by_role("button", name="Save and sign").click()
    expect(page.get_by_text("Nothing was saved.")).to_be_visible()
    check("chart form with errors")
    page.goto(f"{live_server.url}{last_week.get_absolute_url()}")
    check("last week's visit and its chart")
    page.goto(f"{live_server.url}{reverse('treatments:visit-chart', args=[last_week.pk])}")
    check("amending last week's chart")
    screening = reverse("patients:screening-create", args=[today.patient_id])
    page.goto(f"{live_server.url}{screening}")
    decision = page.get_by_role("group", name="Pregnancy").get_by_label("Decision")
    expect(decision).to_be_hidden()
    page.get_by_label("Pregnancy", exact=True).check()
    expect(decision).to_be_visible()
    check("screening form with a precaution open")
    height = page.evaluate("document.documentElement.scrollHeight")
    if size == "desktop":
        assert height < 2 * 900, "the screening fits on about two laptop screens"
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert violations == {}
