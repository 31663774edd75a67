"""A patient on a phone (375 px) finds a questionnaire to answer on their visits page, answers
it, then downloads their record; axe-core finds nothing on any of those pages."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import PageChecks, sign_in_as_patient
from tests.factories import make_course, make_physiotherapist
from tests.patients.online.helpers import emailed_link, online_patient
from tests.treatments.outcomes.helpers import measure_of
from treatments.models import MeasureResponse

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


def test_a_patient_on_a_phone_answers_a_questionnaire_and_downloads_their_record(
    live_server, phone, tmp_path
):
    physiotherapist = make_physiotherapist(first_name="Priya", last_name="Physio")
    patient = online_patient(email="avery@example.com", legal_first_name="Avery")
    measure = measure_of(make_course(patient, physiotherapist, region="Left neck"), "nprs")
    check = PageChecks(phone)

    sign_in_as_patient(phone, live_server, "avery@example.com", emailed_link=emailed_link)
    expect(phone.locator("main")).to_contain_text("would like you to answer a questionnaire")

    phone.get_by_role("link", name="Answer the questionnaires").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your questionnaires")
    expect(phone.locator("main")).to_contain_text("Your treatment for Left neck")
    check("questionnaires")

    phone.get_by_role("link", name="Answer Numeric Pain Rating Scale").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Numeric Pain Rating Scale")
    check("answer page")
    phone.locator("main button[type=submit]").click()  # nothing answered
    expect(phone.locator("main")).to_contain_text("Nothing was saved")
    check("answer page with a mistake")
    phone.get_by_label("Pain intensity").fill("4")
    phone.locator("main button[type=submit]").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Thank you")
    check("thanks")
    assert MeasureResponse.objects.get(measure=measure).source == "online"

    phone.get_by_role("button", name="Show the menu").click()
    # A click on a link still sliding in is now and then lost (tests/browser.py sign_out).
    expect(phone.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    phone.get_by_role("link", name="Your record").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your record")
    check("record")
    with phone.expect_download() as download:
        phone.get_by_role("link", name="Download my record").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == ".html"
    html = saved.read_text(encoding="utf-8")
    assert "Numeric Pain Rating Scale" in html and "Left neck" in html
    # The downloaded file itself, opened as the patient would open it, off the clinic's site.
    phone.goto(saved.as_uri())
    check("downloaded record")
    assert check.violations == {}
