"""Every kind of page works in a real browser under the Content Security Policy.

Chromium refuses an inline script, a style="" attribute or a <style> element the policy does not
allow, and says so: on the console, and with a securitypolicyviolation event. The test collects
both and fails on any.
"""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from playwright.sync_api import expect

from content.models import Page
from tests.browser import sign_in, started_hours_ago
from tests.factories import make_user, make_visit, ready_for_needling

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]

# Playwright's init scripts run outside the page's policy, so this listener is always there.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`Content Security Policy violation: ${event.violatedDirective} blocked ` +
                `${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def watched(desktop):
    """The desktop page, with every CSP violation it reports kept in `page.violations`."""
    page = desktop
    page.violations = []
    page.add_init_script(REPORT_VIOLATIONS)

    def keep(message):
        if "Content Security Policy" in message.text:
            page.violations.append(f"{page.url}: {message.text}")

    page.on("console", keep)
    return page


@pytest.fixture
def records():
    """A superuser (every role, the whole admin) and one patient's course with a visit."""
    make_user(username="root", is_staff=True, is_superuser=True)
    course = ready_for_needling()
    visit = make_visit(course, *started_hours_ago())
    return course, visit


def open_page(page, url: str) -> None:
    response = page.goto(url)
    assert response.ok, f"{url} answered {response.status}"
    page.wait_for_load_state("load")


def test_public_pages_and_sign_in_raise_no_violation(live_server, watched):
    for path in [
        reverse("content:home"),
        reverse("content:page-list"),
        reverse("content:page-detail", args=[Page.objects.first().slug]),
        reverse("content:search") + "?q=water",
        reverse("login"),
    ]:
        open_page(watched, f"{live_server.url}{path}")
    assert watched.violations == []


def test_staff_pages_raise_no_violation(live_server, watched, records):
    course, visit = records
    monday = visit.date - timedelta(days=visit.date.weekday())
    sign_in(watched, live_server, "root")
    for path in [
        reverse("staff-home"),
        reverse("patients:patient-list") + f"?q={course.patient.legal_last_name}",
        reverse("patients:patient-detail", args=[course.patient.pk]),
        reverse("patients:screening-create", args=[course.patient.pk]),
        reverse("treatments:course-detail", args=[course.pk]),
        reverse("treatments:visit-detail", args=[visit.pk]),
        reverse("treatments:visit-chart", args=[visit.pk]),
        reverse("treatments:calendar")
        + f"?physiotherapist={course.physiotherapist_id}&week={monday}",
        reverse("treatments:book") + f"?q={course.patient.legal_last_name}",
        reverse("treatments:due-list"),
        reverse("treatments:waitlist"),
        reverse("treatments:record-print", args=[course.patient.pk]),
        reverse("audit-trail") + "?action=viewed",
    ]:
        open_page(watched, f"{live_server.url}{path}")
    assert watched.violations == []


def test_the_pain_chart_raises_no_violation(live_server, watched, records):
    course, visit = records
    sign_in(watched, live_server, course.physiotherapist.username)
    open_page(watched, f"{live_server.url}{reverse('treatments:visit-chart', args=[visit.pk])}")
    watched.get_by_label("Consent confirmed this visit").check()
    watched.get_by_label("Patient position").select_option(label="Lying face down")
    site = watched.get_by_role("group", name="Site 1", exact=True)
    site.get_by_label("Muscle").fill("Multifidus")
    site.get_by_label("Side").select_option(label="Left")
    site.locator("select[name$='site_type']").select_option(label="Paraspinal")
    site.get_by_label("Spinal segment").select_option("L4")
    site.get_by_label("Response").select_option(label="Local twitch")
    watched.get_by_label("Pain before (0-10)").fill("6")
    watched.get_by_label("Pain after (0-10)").fill("2")
    watched.get_by_label("Treatment note").fill("Twitch at L4.")
    watched.get_by_role("button", name="Save and sign").click()
    expect(watched.get_by_role("heading", level=1)).to_contain_text("Visit of")

    open_page(watched, f"{live_server.url}{course.get_absolute_url()}")
    chart = watched.get_by_role("img", name="Line chart of pain")
    expect(chart).to_be_visible()
    # Chart.js drew it, from the site's own files, setting its size through the CSSOM (which
    # the policy allows) rather than through a style attribute.
    assert chart.evaluate("(canvas) => Boolean(Chart.getChart(canvas))")
    assert chart.bounding_box()["height"] > 200
    assert watched.violations == []


def test_the_admin_raises_no_violation(live_server, watched, records):
    course, _visit = records
    patient = course.patient
    sign_in(watched, live_server, "root")
    admin = f"{live_server.url}/admin"
    for path in [
        "/",
        "/patients/patient/",  # actions, a filter and the search box
        f"/patients/patient/{patient.pk}/change/",
        f"/patients/patient/{patient.pk}/history/",  # django-simple-history's pages
        f"/patients/patient/{patient.pk}/history/{patient.history.first().history_id}/",
        "/treatments/visit/",  # the date hierarchy
        "/content/page/",  # editable rows
        "/patients/screening/add/",  # an inline formset
        f"/content/page/{Page.objects.first().pk}/change/",  # the slug filled from the title
        "/auth/user/add/",  # the password fields' script
        f"/auth/group/{Group.objects.first().pk}/change/",  # the two-box permission picker
    ]:
        open_page(watched, admin + path)

    # Widgets that build their parts in the browser: the date picker and the autocomplete.
    open_page(watched, f"{admin}/treatments/treatmentcourse/{course.pk}/change/")
    watched.get_by_role("link", name="Choose a Date").first.click()
    expect(watched.locator(".calendarbox").first).to_be_visible()
    watched.keyboard.press("Escape")
    watched.locator(".select2-selection").first.click()
    expect(watched.locator(".select2-search__field")).to_be_visible()
    watched.keyboard.type(patient.legal_last_name)
    expect(watched.locator(".select2-results__option").first).to_contain_text(
        patient.legal_last_name
    )
    assert watched.violations == []


def test_the_check_finds_an_inline_style(live_server, watched):
    """The test's own control: a violation on the page is caught, not missed."""
    open_page(watched, f"{live_server.url}{reverse('content:home')}")
    watched.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">Red</p>')"
    )
    expect(watched.get_by_text("Red")).to_be_visible()
    watched.wait_for_timeout(100)
    assert watched.violations, "an inline style was applied without a report"
