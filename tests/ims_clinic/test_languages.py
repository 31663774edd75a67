"""The reader's language: chosen with the switcher at the foot of every page (a cookie) or
else by the browser (Accept-Language), shown in <html lang>, in Django's own messages, and
kept apart in the public page cache."""

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from tests.content.test_page_cache import rendered

pytestmark = pytest.mark.django_db
SWITCHER = '<form method="post" action="/language/"'
FRENCH_BAD_EMAIL = "Saisissez une adresse de courriel valide."


def choose(client, language: str, page: str):
    return client.post("/language/", {"language": language, "next": page})


def html_lang(response) -> str:
    return response.content.decode().split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("page", ["/", "/ims/aftercare/", "/patients/online/", "/new-patient/"])
def test_every_page_has_the_language_switcher_with_each_language_named_in_itself(client, page):
    response = client.get(page, follow=True)
    html = response.content.decode()
    assert SWITCHER in html
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in html
        assert name in html
    assert '<label for="language-select"' in html


def test_staff_pages_have_the_switcher_too(client, front_desk):
    client.force_login(front_desk)
    assert SWITCHER in client.get("/staff/", follow=True).content.decode()


def test_a_reader_who_chooses_french_goes_back_to_the_same_page_now_in_french(client):
    response = choose(client, "fr-ca", "/patients/online/")
    assert response.status_code == 302 and response["Location"] == "/patients/online/"
    page = client.get("/patients/online/")
    assert html_lang(page) == "fr-ca"
    assert '<option value="fr-ca" lang="fr-ca" selected>' in page.content.decode()
    # Django's own messages are already translated: a form error it ships in French.
    refused = client.post("/patients/online/", {"email": "not an address"})
    assert FRENCH_BAD_EMAIL in refused.content.decode()


def test_a_reader_goes_back_to_english_with_the_switcher(client):
    choose(client, "pa", "/")
    assert html_lang(client.get("/")) == "pa"
    choose(client, "en-ca", "/")
    assert html_lang(client.get("/")) == "en-ca"
    assert FRENCH_BAD_EMAIL not in client.post("/patients/online/", {"email": "x"}).content.decode()


def test_without_a_choice_the_browsers_language_is_used(client):
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-TW,zh;q=0.9")) == "zh-hant"
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="fr-FR")) == "fr-ca"
    assert html_lang(client.get("/", HTTP_ACCEPT_LANGUAGE="de")) == "en-ca"


@pytest.mark.parametrize("language", ["xx", "", "de", "fr-ca" * 200, "<script>"])
def test_a_language_the_site_does_not_have_changes_nothing(client, language):
    response = choose(client, language, "/ims/aftercare/")
    assert response.status_code == 302 and response["Location"] == "/ims/aftercare/"
    assert html_lang(client.get("/")) == "en-ca"


@pytest.mark.parametrize("next_page", ["https://elsewhere.example/", "//elsewhere.example/"])
def test_the_switcher_never_sends_a_reader_to_another_site(client, next_page):
    response = choose(client, "fr-ca", next_page)
    assert response["Location"] == "/"


def test_each_language_has_its_own_cached_copy_of_a_public_page(client):
    english = client.get("/ims/aftercare/")
    assert html_lang(english) == "en-ca" and rendered(english)
    punjabi = client.get("/ims/aftercare/", HTTP_ACCEPT_LANGUAGE="pa")
    assert html_lang(punjabi) == "pa" and rendered(punjabi)  # not the English copy
    again = client.get("/ims/aftercare/", HTTP_ACCEPT_LANGUAGE="pa")
    assert html_lang(again) == "pa" and rendered(again) == []  # the Punjabi copy
    english_again = client.get("/ims/aftercare/")
    assert html_lang(english_again) == "en-ca" and rendered(english_again) == []


def test_a_reader_who_switched_gets_their_languages_copy_of_a_cached_page(client):
    client.get("/ims/aftercare/")  # an English copy is kept
    choose(client, "zh-hans", "/ims/aftercare/")
    page = client.get("/ims/aftercare/")
    assert html_lang(page) == "zh-hans"
    assert page["Content-Language"] == "zh-hans"
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in page["Vary"].split(",")}


@pytest.mark.parametrize("template", ["500.html", "outage.html"])
def test_the_pages_made_without_the_site_follow_the_language_too(template):
    with translation.override("pa"):
        assert '<html lang="pa">' in render_to_string(template, {"clinic_name": "IMS"})
