"""After a day's work, a clinic admin opens the audit trail and sees who saw which chart."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import sign_in, sign_out
from tests.factories import (
    chart_visit,
    make_clinic_admin,
    make_patient,
    make_physiotherapist,
    make_visit,
    ready_for_needling,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


def test_a_signed_chart_its_export_and_the_audit_trail(live_server, phone):
    page, axe, violations = phone, Axe(), {}

    def check_accessibility():
        result = axe.run(page)
        if result.violations_count:
            violations[page.url] = [v["id"] for v in result.response["violations"]]

    physiotherapist = make_physiotherapist(username="priya", first_name="Priya", last_name="Rao")
    make_clinic_admin(username="clinicadmin")
    course = ready_for_needling(make_patient(legal_first_name="Ines", legal_last_name="Moreau"),
                                physiotherapist=physiotherapist)  # fmt: skip
    visit = make_visit(course, timezone.localdate() - timedelta(days=1))
    chart_visit(visit, physiotherapist, note="Grasp at L5", sign=False)

    # The physiotherapist signs yesterday's draft from the dashboard, then exports the record.
    sign_in(page, live_server, "priya")
    expect(page.get_by_role("heading", name="Draft charts to sign")).to_be_visible()
    page.get_by_role("link", name="Review and sign").click()
    check_accessibility()
    page.get_by_role("button", name="Sign the chart").click()
    expect(page.get_by_role("status").or_(page.get_by_role("alert")).first).to_contain_text(
        "Chart signed"
    )
    expect(page.get_by_role("link", name="Amend the chart")).to_be_visible()
    page.goto(f"{live_server.url}{course.patient.get_absolute_url()}")
    page.get_by_role("link", name="Whole record (access request)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record of Ines Moreau")
    expect(page.get_by_text("Grasp at L5")).to_be_visible()
    check_accessibility()
    sign_out(page)

    # The clinic admin finds every look at Ines's record, by whom.
    sign_in(page, live_server, "clinicadmin")
    page.goto(f"{live_server.url}/staff/audit/")
    page.get_by_label("Patient").fill("Moreau")
    page.get_by_label("Staff user").select_option(label="priya")
    page.get_by_role("button", name="Show entries").click()
    table = page.get_by_role("region", name="Audit entries")
    expect(table).to_contain_text("with its chart")
    expect(table).to_contain_text("Signed")
    expect(table).to_contain_text("Whole record, printable page")
    expect(table).not_to_contain_text("clinicadmin")
    check_accessibility()

    assert violations == {}
