"""The public pages and a signed-in patient's pages, on a phone (375 px), in each of the five
languages; the physiotherapist's dashboard and day sheet in French: each in its language
(<html lang>), with nothing axe-core finds, nothing wider than the screen and one h1.

tests/ims_clinic/test_every_page_translated.py looks for English left in every page, without a
browser; this module is what only a browser can check: a longer word or a wider script that
overflows, a language's text that breaks a contrast or a name."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser import PageChecks, sign_in, sign_in_as_patient, started_hours_ago
from tests.factories import chart_visit, make_physiotherapist, make_visit, ready_for_needling
from tests.patients.online.helpers import emailed_link, online_patient

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]
LANGUAGES = [code for code, _name in settings.LANGUAGES]
PUBLIC_PAGES = ["/", "/ims/aftercare/", "/patients/online/", "/treatments/new-patient/"]
PATIENT_PAGES = ["/patients/online/visits/", "/patients/online/home-plan/",
                 "/patients/online/record/"]  # fmt: skip


def read_in(page, live_server, language: str) -> None:
    """Choose the language as the switcher does: its cookie."""
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )


def check_each(page, live_server, language: str, paths: list[str]) -> dict:
    check = PageChecks(page)
    for path in paths:
        page.goto(live_server.url + path)
        expect(page.locator("html")).to_have_attribute("lang", language)
        check(f"{path} in {language}")
    return check.violations


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_public_and_a_patients_pages_pass_in_each_language_on_a_phone(
    live_server, phone, language
):
    # The sign-in throttle counts in this worker's cache, across tests: an address of its own.
    email = f"avery-{language}@example.com"
    physiotherapist = make_physiotherapist(first_name="Priya", last_name="Physio")
    patient = online_patient(email=email, legal_first_name="Avery")
    course = ready_for_needling(patient, physiotherapist)
    today = timezone.localdate()  # the live server runs on the real clock
    chart_visit(make_visit(course, today - timedelta(days=8)), physiotherapist,
                home_plan="Walk daily")  # fmt: skip
    make_visit(course, today + timedelta(days=6))

    read_in(phone, live_server, language)
    violations = check_each(phone, live_server, language, PUBLIC_PAGES)
    read_in(phone, live_server, "en-ca")  # the sign-in's labels, as the helper finds them
    sign_in_as_patient(phone, live_server, email, emailed_link=emailed_link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your visits")
    read_in(phone, live_server, language)
    violations |= check_each(phone, live_server, language, PATIENT_PAGES)
    assert violations == {}


def test_the_dashboard_and_day_sheet_pass_in_french_on_a_phone(live_server, phone):
    physiotherapist = make_physiotherapist(username="priya", first_name="Priya",
                                           last_name="Physio")  # fmt: skip
    day, starts = started_hours_ago(1)
    make_visit(ready_for_needling(physiotherapist=physiotherapist), day, starts)
    sign_in(phone, live_server, "priya")
    read_in(phone, live_server, "fr-ca")
    pages = [reverse("treatments:dashboard"), reverse("treatments:day-sheet")]
    assert check_each(phone, live_server, "fr-ca", pages) == {}
