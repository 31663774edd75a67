"""What the browser tests share: signing in and out through the real pages.

Each waits until the next page has come: a `goto` straight after a click would otherwise
cancel the form's request, and the test would go on signed in (or out) by chance, which a
busy machine running the tests in parallel turns into a failure."""

import re
from datetime import time, timedelta

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import PASSWORD

# Every element (but the visually hidden) that ends right of the screen or starts left of it.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll("body *")]
    .filter((el) => { const box = el.getBoundingClientRect();
                      return box.width > 1 && (box.right > width + 0.5 || box.left < -0.5); })
    .map((el) => `${el.tagName}.${el.className}`);
}"""


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


class Accessibility:
    """axe-core on each page visited; the violations by page, to assert on at the end."""

    def __init__(self, page):
        self.page, self.axe, self.violations = page, Axe(), {}

    def check(self, name: str) -> None:
        result = self.axe.run(self.page)
        if result.violations_count:
            # Each rule broken, with the elements that break it, to find them from the report.
            self.violations[name] = {
                rule["id"]: [node["html"][:200] for node in rule["nodes"]]
                for rule in result.response["violations"]
            }


class PageChecks(Accessibility):
    """On each page visited: axe-core, nothing wider than the screen, one h1. Call it with the
    page's name; assert `violations == {}` at the end, to see every page's at once."""

    def __call__(self, name: str) -> None:
        self.check(name)
        assert self.page.evaluate(OVERFLOWING) == [], name
        assert self.page.locator("h1").count() == 1, name


def sign_in_as_patient(page, live_server, email: str, *, emailed_link) -> None:
    """Ask for a link on the patient sign-in page, open the emailed one and press to sign in.
    `emailed_link()` gives the link's path from the email just sent."""
    page.goto(f"{live_server.url}/patients/online/")
    page.get_by_label("Your email").fill(email)
    page.locator("main button[type=submit]").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    page.goto(live_server.url + emailed_link())
    page.get_by_role("button", name="Sign in and see my visits").click()


def started_hours_ago(hours: int = 1):
    """The day and quarter-hour `hours` ago on the real clock (the live server's): charting
    needs a visit that has started, and a fixed morning time has not come just after midnight."""
    starts = timezone.localtime() - timedelta(hours=hours)
    return starts.date(), time(starts.hour, starts.minute - starts.minute % 15)
