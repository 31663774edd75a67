"""Bootstrap and Chart.js are served by the site itself, never from another host."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command


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


def test_chart_js_is_found_among_the_sites_own_static_files():
    assert finders.find("chartjs/chart.umd.min.js")
    assert finders.find("js/charts.js")


def test_collectstatic_gives_chart_js_a_hashed_name_as_in_production(settings, tmp_path):
    """Production's storage rewrites each file's references (Chart.js's source map): one
    missing would stop collectstatic, and with it the deployment."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in ["chartjs/chart.umd.min.js", "js/charts.js", "bootstrap/css/bootstrap.min.css"]:
        assert (tmp_path / manifest[name]).exists()
