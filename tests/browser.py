"""What the browser tests share: signing in and out through the real pages.

Each waits until the next page has come: a `goto` straight after a click would otherwise
cancel the form's request, and the test would go on signed in (or out) by chance, which a
busy machine running the tests in parallel turns into a failure."""

import re

from playwright.sync_api import expect

from tests.factories import PASSWORD


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def sign_out(page) -> None:
    """Press "Sign out" in the header, opening the menu first on a phone."""
    show_menu = page.get_by_role("button", name="Show the menu")
    if show_menu.is_visible():
        show_menu.click()
        # Bootstrap slides the menu open; a click on a button still sliding in is now and then
        # lost. Once open, the menu has the class "show".
        expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are signed out")
