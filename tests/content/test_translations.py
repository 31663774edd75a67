"""Education pages in the reader's language: the translation where there is one, the English
(marked) where there is not, search within what the reader reads, and the admin that keeps them."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from content.models import Page, PageTranslation
from tests.content.helpers import page_form

pytestmark = pytest.mark.django_db

FRENCH = {"HTTP_ACCEPT_LANGUAGE": "fr-CA"}


@pytest.fixture
def aftercare_in_french():
    PageTranslation.objects.filter(language="fr-ca").delete()
    return PageTranslation.objects.create(
        page=Page.objects.get(slug="aftercare"),
        language="fr-ca",
        title="Soins après la séance",
        summary="Quoi faire le reste de la journée.",
        body="## À faire\n\nBuvez beaucoup d'eau pendant 24 heures.\n",
    )


def test_a_french_reader_reads_the_french_translation(client, aftercare_in_french):
    html = client.get("/ims/aftercare/", **FRENCH).content.decode()
    assert '<html lang="fr-ca">' in html
    assert "<h1>Soins après la séance</h1>" in html
    assert "Buvez beaucoup d" in html
    assert "Drink more water" not in html
    assert "pas encore vérifié cette traduction" in html


def test_a_reviewed_translation_says_when_the_clinic_checked_it(client, aftercare_in_french):
    aftercare_in_french.reviewed_by = "Anne Tremblay, physiothérapeute"
    aftercare_in_french.reviewed_on = datetime.date(2026, 11, 2)
    aftercare_in_french.save()
    html = client.get("/ims/aftercare/", **FRENCH).content.decode()
    assert "Traduction vérifiée par la clinique le 2 novembre 2026." in html


def test_a_page_not_yet_translated_shows_in_english_with_a_note(client, aftercare_in_french):
    html = client.get("/ims/how-often/", **FRENCH).content.decode()
    assert "pas encore été traduite dans votre langue" in html
    assert '<div lang="en-ca">\n    <h1>How often and how many sessions</h1>' in html


def test_an_unpublished_translation_leaves_the_english_showing(client, aftercare_in_french):
    aftercare_in_french.published = False
    aftercare_in_french.save()
    html = client.get("/ims/aftercare/", **FRENCH).content.decode()
    assert "Soins après la séance" not in html
    assert "<h1>Aftercare: what to do</h1>" in html


def test_an_english_reader_reads_the_english_page_without_a_note(client, aftercare_in_french):
    html = client.get("/ims/aftercare/").content.decode()
    assert "<h1>Aftercare: what to do</h1>" in html
    assert "translated" not in html and "translation" not in html


def test_the_list_gives_translated_titles_and_marks_the_english_ones(client, aftercare_in_french):
    html = client.get("/ims/", **FRENCH).content.decode()
    assert ">Soins après la séance</a>" in html
    assert html.count("Pas encore traduite : cette page est en anglais.") == 9
    home = client.get("/", **FRENCH).content.decode()
    assert ">Soins après la séance</a>" in home
    assert home.count("(en anglais)") == 9


def test_the_neighbours_are_named_in_the_readers_language(client, aftercare_in_french):
    html = client.get("/ims/after-your-treatment/", **FRENCH).content.decode()
    assert "Suivante : Soins après la séance" in html


def test_saving_a_translation_shows_at_once_on_the_cached_page(client, aftercare_in_french):
    client.get("/ims/aftercare/", **FRENCH)
    aftercare_in_french.title = "Après la séance"
    aftercare_in_french.save()
    assert "<h1>Après la séance</h1>" in client.get("/ims/aftercare/", **FRENCH).content.decode()


# Search within the reader's language ------------------------------------------------------------


def found(client, words, **headers) -> list[str]:
    response = client.get(reverse("content:search"), {"q": words}, **headers)
    return [page.slug for page in response.context["results"]]


def test_a_french_search_finds_the_words_of_the_french_text(client, aftercare_in_french):
    assert found(client, "beaucoup d'eau", **FRENCH) == ["aftercare"]


def test_a_french_search_does_not_find_the_english_of_a_translated_page(
    client, aftercare_in_french
):
    assert "aftercare" not in found(client, "cold pack", **FRENCH)
    assert "aftercare" in found(client, "cold pack")


def test_a_french_search_still_finds_pages_shown_in_english(client, aftercare_in_french):
    assert found(client, "once a week", **FRENCH) == found(client, "once a week")


def test_a_chinese_search_finds_words_written_without_spaces(client):
    PageTranslation.objects.filter(language="zh-hans").delete()
    PageTranslation.objects.create(
        page=Page.objects.get(slug="aftercare"), language="zh-hans", title="治疗后护理",
        summary="当天要做的事。", body="## 要做\n\n24小时内多喝水。\n",
    )  # fmt: skip
    assert found(client, "喝水", HTTP_ACCEPT_LANGUAGE="zh-CN") == ["aftercare"]


def test_the_pages_in_french_run_a_fixed_number_of_queries(
    client, aftercare_in_french, django_assert_num_queries
):
    for path in ["/ims/", "/ims/aftercare/", "/"]:
        with django_assert_num_queries(2):
            client.get(path, **FRENCH)
    with django_assert_num_queries(2):
        client.get(reverse("content:search"), {"q": "eau"}, **FRENCH)


# The translation's own rules -------------------------------------------------------------------


def test_who_reviewed_and_when_are_given_together(aftercare_in_french):
    aftercare_in_french.reviewed_by = "Anne Tremblay"
    with pytest.raises(Exception, match="both who reviewed"):
        aftercare_in_french.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        aftercare_in_french.save()


def test_a_review_cannot_be_dated_in_the_future(aftercare_in_french):
    aftercare_in_french.reviewed_by = "Anne Tremblay"
    aftercare_in_french.reviewed_on = datetime.date(2099, 1, 1)
    with pytest.raises(Exception, match="future"):
        aftercare_in_french.full_clean()


def test_a_page_has_one_translation_per_language(aftercare_in_french):
    with pytest.raises(IntegrityError), transaction.atomic():
        PageTranslation.objects.create(
            page=aftercare_in_french.page, language="fr-ca", title="x", summary="x", body="x"
        )


def test_a_translation_is_into_one_of_the_sites_languages(aftercare_in_french):
    with pytest.raises(IntegrityError), transaction.atomic():
        PageTranslation.objects.filter(pk=aftercare_in_french.pk).update(language="de")


# The admin ---------------------------------------------------------------------------------------


PUNJABI = {"language": "pa", "title": "ਦੇਖਭਾਲ", "summary": "ਸਾਰ", "body": "## ਕਰੋ\n\nਪਾਣੀ ਪੀਓ।",
           "published": "on", "reviewed_by": "Harpreet Gill, physiotherapist",
           "reviewed_on": "2026-03-10"}  # fmt: skip


def test_a_clinic_admin_adds_a_reviewed_translation_beside_the_page(client, clinic_admin):
    PageTranslation.objects.filter(language="pa").delete()
    page = Page.objects.get(slug="aftercare")
    client.force_login(clinic_admin)
    url = reverse("admin:content_page_change", args=[page.pk])
    response = client.post(url, page_form(page, PUNJABI))
    assert response.status_code == 302
    translation = page.translations.get(language="pa")
    assert (translation.reviewed_by, str(translation.reviewed_on)) == (
        "Harpreet Gill, physiotherapist", "2026-03-10",
    )  # fmt: skip
    assert "ਦੇਖਭਾਲ" in client.get("/ims/aftercare/", HTTP_ACCEPT_LANGUAGE="pa").content.decode()


@pytest.mark.parametrize(
    "bad",
    [
        {"reviewed_on": ""},
        {"reviewed_on": "2999-01-01"},
        {"language": "de"},
        {"body": "# A second main heading"},
        {"title": "x" * 5000},
    ],
)
def test_the_admin_refuses_a_bad_translation_and_says_why(client, clinic_admin, bad):
    PageTranslation.objects.filter(language="pa").delete()
    page = Page.objects.get(slug="aftercare")
    client.force_login(clinic_admin)
    url = reverse("admin:content_page_change", args=[page.pk])
    response = client.post(url, page_form(page, {**PUNJABI, **bad}))
    assert response.status_code == 200
    assert response.context["errors"]
    assert not page.translations.filter(language="pa").exists()


def test_the_translations_list_shows_which_are_not_yet_reviewed(client, clinic_admin):
    client.force_login(clinic_admin)
    url = reverse("admin:content_pagetranslation_changelist")
    response = client.get(url, {"reviewed_on__isempty": "1"})
    assert response.status_code == 200
    unreviewed = PageTranslation.objects.filter(reviewed_on=None).count()
    assert response.context["cl"].result_count == unreviewed


@pytest.mark.parametrize("role", ["front_desk", "physiotherapist"])
def test_staff_other_than_clinic_admins_cannot_edit_translations(client, request, role):
    client.force_login(request.getfixturevalue(role))
    url = reverse("admin:content_pagetranslation_changelist")
    assert client.get(url).status_code in (302, 403)
