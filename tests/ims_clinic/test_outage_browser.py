"""The page shown while the database does not answer, in a real browser, on a phone and a
desktop: readable, accessible, and a form typed before it is sent again once the records are
back. Here the session is what cannot be read, as when the database stops answering."""

from unittest import mock

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.sessions.backends.base import SessionBase
from django.db import OperationalError
from playwright.sync_api import expect

from patients.models import Patient
from tests.browser import sign_in
from tests.factories import make_front_desk

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("migrated_data"),
]


FORM = {"legal_first_name": "Ann", "legal_last_name": "Outage", "date_of_birth": "1980-01-02",
        "phone": "604 555 0100"}  # fmt: skip


def database_down():
    """Reading any session fails, in whichever thread serves the page."""
    failing = mock.PropertyMock(side_effect=OperationalError("server closed the connection"))
    return mock.patch.object(SessionBase, "_session", new_callable=lambda: failing)


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_form_sent_while_the_records_are_away_is_kept_and_sent_again(
    live_server, screen, request
):
    page, axe = request.getfixturevalue(screen), Axe()
    console = []
    page.on("console", lambda message: console.append(message.text))
    make_front_desk(username="fran")
    sign_in(page, live_server, "fran")
    page.goto(f"{live_server.url}/patients/new/")
    for field, value in FORM.items():
        page.locator(f"#id_{field}").fill(value)

    with database_down():
        page.locator("main button[type=submit]").click()
        heading = page.get_by_role("heading", level=1)
        expect(heading).to_have_text("Not saved: the records are unavailable for a moment")
        assert page.locator("dd", has_text="Outage").count() == 1
        assert axe.run(page).violations_count == 0
        other = page.context.new_page()
        other.goto(f"{live_server.url}/patients/")
        expect(other.get_by_role("heading", level=1)).to_have_text(
            "The records are unavailable for a moment"
        )
        assert axe.run(other).violations_count == 0

    assert not Patient.objects.exists()
    page.get_by_role("button", name="Send it again").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ann Outage")
    assert Patient.objects.get().phone
    assert not [line for line in console if "Content Security Policy" in line]
