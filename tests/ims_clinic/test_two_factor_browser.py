"""A physiotherapist turns on two-step sign-in on a phone, in a real browser (Debian's Chromium)."""

import os
import re
import time
from base64 import b32decode
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from tests.browser import sign_in, sign_out
from tests.factories import make_physiotherapist

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


@pytest.fixture(autouse=True)
def required(settings):
    settings.REQUIRE_2FA = True


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where the screenshots go: SCREENSHOT_DIR to keep them and look at them."""
    folder = Path(os.environ.get("SCREENSHOT_DIR") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_physiotherapist_sets_up_an_app_and_then_signs_in_with_its_codes(
    live_server, phone, shots
):
    page, axe, violations = phone, Axe(), {}

    def check(name: str) -> None:
        page.screenshot(path=shots / f"{name}.png", full_page=True)
        result = axe.run(page)
        if result.violations_count:
            violations[name] = [v["id"] for v in result.response["violations"]]

    make_physiotherapist(username="priya")
    sign_in(page, live_server, "priya")
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    check("set-up")

    page.get_by_label("6-digit code").fill("000000")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_text("That code did not match.")).to_be_visible()
    check("set-up-wrong-code")

    key = b32decode(page.locator("#secret-key").inner_text().replace(" ", ""))
    page.wait_for_timeout(1100)  # the wrong code asks for a second's wait
    page.get_by_label("6-digit code").fill(f"{totp(key):06}")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Your day")
    expect(page.get_by_text("Two-step sign-in is on.")).to_be_visible()

    sign_out(page)
    sign_in(page, live_server, "priya")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enter your sign-in code")
    check("verify")
    page.goto(f"{live_server.url}/patients/")
    expect(page).to_have_url(re.compile(r"/accounts/two-factor/\?next=%2Fpatients%2F$"))

    # The step after the one used to set up: the same step is not taken twice, and a set-up
    # that crossed into the next step moved the device's window back by one (django-otp's drift).
    device = TOTPDevice.objects.get(user__username="priya")
    step_after_set_up = device.last_t + 1 - int(time.time()) // device.step
    page.get_by_label("6-digit code").fill(f"{totp(key, drift=step_after_set_up):06}")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/patients/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Patients")
    assert violations == {}


def test_the_two_pages_pass_axe_on_a_desktop_too(live_server, desktop, shots):
    make_physiotherapist(username="priya")
    sign_in(desktop, live_server, "priya")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Set up two-step sign-in")
    desktop.screenshot(path=shots / "set-up-desktop.png", full_page=True)
    result = Axe().run(desktop)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]

    TOTPDevice.objects.filter(user__username="priya").update(confirmed=True)
    desktop.goto(f"{live_server.url}/staff/")
    desktop.get_by_label("6-digit code").fill("<script>alert(1)</script>")
    desktop.get_by_role("button", name="Continue").click()
    expect(desktop.get_by_text("That code did not match.")).to_be_visible()
    desktop.screenshot(path=shots / "verify-desktop.png", full_page=True)
    result = Axe().run(desktop)
    assert result.violations_count == 0, [v["id"] for v in result.response["violations"]]
