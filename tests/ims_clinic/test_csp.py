"""Every page is sent a Content Security Policy that allows no inline script or style."""

import re

import pytest
from django.urls import reverse

from tests.factories import make_front_desk, make_patient, make_physiotherapist

pytestmark = pytest.mark.django_db

EXPECTED = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'none'"],
    "object-src": ["'none'"],
}


# A style attribute or element, a script without src, an onclick-style handler, a javascript: link.
INLINE = re.compile(r"style=|<style|<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+=|javascript:", re.I)


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


@pytest.mark.parametrize("path", ["/", "/ims/", "/ims/aftercare/", "/ims/search/?q=water",
                                  "/accounts/login/"])  # fmt: skip
def test_public_pages_are_sent_the_whole_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert policy(response) == EXPECTED


def test_staff_pages_are_sent_the_whole_policy(client):
    patient = make_patient()
    client.force_login(make_front_desk())
    for url in [reverse("patients:patient-list"), patient.get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 200
        assert policy(response) == EXPECTED


def test_the_admin_is_sent_the_whole_policy(client):
    client.force_login(make_physiotherapist())
    for name in ["admin:index", "admin:patients_patient_changelist", "admin:patients_patient_add"]:
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert policy(response) == EXPECTED


def test_no_page_allows_inline_scripts_or_eval(client):
    header = client.get("/")["Content-Security-Policy"]
    assert "unsafe-inline" not in header
    assert "unsafe-eval" not in header
    assert "nonce-" not in header


def test_a_history_page_allows_only_its_one_style_attribute(client):
    patient = make_patient()
    client.force_login(make_physiotherapist())
    response = client.get(reverse("admin:patients_patient_history", args=[patient.pk]))
    assert response.status_code == 200
    assert 'style="border-top: 0"' in response.content.decode()
    assert policy(response) == {
        **EXPECTED,
        "style-src-attr": [
            "'unsafe-hashes'",
            "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='",
        ],
    }


# Not a page: the patient's record as a file to keep (patients/online/record_views.py), opened
# from the patient's own disk where the site's policy does not reach; its style is inline so
# that it needs nothing from the internet.
DOWNLOADED_FILES = {"patients/online/record_file.html"}


def test_our_templates_have_no_inline_script_or_style(settings):
    """The policy would refuse these; this names the file before a browser has to."""
    found = []
    for folder in settings.TEMPLATES[0]["DIRS"]:
        for template in sorted(folder.rglob("*.html")):
            if str(template.relative_to(folder)) in DOWNLOADED_FILES:
                continue
            for match in INLINE.finditer(template.read_text()):
                found.append(f"{template.relative_to(folder)}: {match.group()}")
    assert found == []
