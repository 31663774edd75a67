"""Bootstrap is served by the site itself, never from another host."""

import re

import pytest
from django.contrib.staticfiles import finders


def test_bootstrap_is_found_among_the_sites_own_static_files():
    assert finders.find("bootstrap/css/bootstrap.min.css")
    assert finders.find("bootstrap/js/bootstrap.bundle.min.js")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/ims/aftercare/", "/accounts/login/"])
def test_pages_load_scripts_and_styles_only_from_the_site(client, path):
    html = client.get(path).content.decode()
    assets = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert assets, "the page loads its styles and scripts"
    assert [url for url in assets if not url.startswith("/static/")] == []
