import pytest
from django.urls import reverse

from content.models import Page

pytestmark = pytest.mark.django_db


def test_the_home_page_leads_patients_to_the_pages_and_staff_to_the_login(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'href="/ims/"' in html
    assert 'href="/accounts/login/"' in html
    assert 'href="/ims/aftercare/"' in html


def test_the_index_lists_every_published_page_in_order(client):
    Page.objects.filter(slug="how-often").update(published=False)
    response = client.get(reverse("content:page-list"))
    titles = [page.title for page in response.context["pages"]]
    assert titles == list(Page.objects.published().values_list("title", flat=True))
    assert "How often and how many sessions" not in response.content.decode()
    assert titles[0] == "What IMS is"


def test_a_page_shows_its_title_body_and_neighbours(client):
    response = client.get("/ims/aftercare/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "<h1>Aftercare: what to do</h1>" in html
    assert "Drink more water" in html
    assert response.context["previous_page"].slug == "after-your-treatment"
    assert response.context["next_page"].slug == "how-often"
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_the_first_page_has_no_previous_and_the_last_no_next(client):
    first = client.get("/ims/what-is-ims/")
    last = client.get("/ims/when-to-get-help/")
    assert first.context["previous_page"] is None
    assert 'rel="prev"' not in first.content.decode()
    assert last.context["next_page"] is None
    assert 'rel="next"' not in last.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/ims/no-such-page/", "/ims/AFTERCARE/", "/ims/" + "a" * 5000 + "/", "/ims/%3Cscript%3E/"],
)
def test_an_unknown_page_gives_the_sites_own_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "We could not find that page" in html
    assert "<script>" not in html


def test_an_unpublished_page_is_not_found(client):
    Page.objects.filter(slug="aftercare").update(published=False)
    assert client.get("/ims/aftercare/").status_code == 404


def test_search_lists_the_pages_that_mention_a_word(client):
    response = client.get(reverse("content:search"), {"q": "water"})
    assert response.status_code == 200
    slugs = [page.slug for page in response.context["results"]]
    assert "aftercare" in slugs
    assert 'value="water"' in response.content.decode()


def test_search_without_a_word_explains_what_to_do(client):
    for params in ({}, {"q": ""}, {"q": "    "}):
        response = client.get(reverse("content:search"), params)
        assert response.status_code == 200
        assert "Type a word or two above" in response.content.decode()
        assert response.context["results"] is None


def test_search_with_no_match_says_so(client):
    response = client.get(reverse("content:search"), {"q": "zebra"})
    assert response.status_code == 200
    assert "No page mentions <strong>zebra</strong>" in response.content.decode()


def test_a_ten_thousand_character_search_gets_a_clear_message(client):
    response = client.get(reverse("content:search"), {"q": "water " * 1667})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please search with 100 characters or fewer." in html
    assert 'aria-invalid="true"' in html


def test_a_hostile_search_is_shown_as_text_not_run(client):
    response = client.get(reverse("content:search"), {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


@pytest.mark.parametrize("q", ["%", "_", "'; DROP TABLE content_page; --", "\x00", "ü" * 100])
def test_odd_searches_never_fail(client, q):
    response = client.get(reverse("content:search"), {"q": q})
    assert response.status_code in (200, 400)
    assert Page.objects.count() == 10


def test_search_runs_one_query_however_many_words(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(reverse("content:search"), {"q": "water heat sore rest one two three four"})


@pytest.mark.parametrize("path", ["/", "/ims/", "/ims/aftercare/"])
def test_a_public_page_runs_one_query_then_none_from_the_cache(
    client, django_assert_num_queries, path
):
    with django_assert_num_queries(1):
        assert client.get(path).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(path).status_code == 200


def test_browsers_are_told_to_ask_again_so_edits_show_at_once(client):
    response = client.get("/ims/aftercare/")
    assert "no-cache" in response["Cache-Control"]


def test_editing_a_page_shows_the_change_on_the_next_visit(client):
    client.get("/ims/aftercare/")
    client.get("/ims/")
    page = Page.objects.get(slug="aftercare")
    page.title = "Aftercare checklist"
    page.save()
    assert "<h1>Aftercare checklist</h1>" in client.get("/ims/aftercare/").content.decode()
    assert "Aftercare checklist" in client.get("/ims/").content.decode()


def test_a_signed_in_visitor_does_not_get_a_patients_cached_copy(client, admin_user):
    client.get("/")
    client.force_login(admin_user)
    html = client.get("/").content.decode()
    assert "Sign out admin" in html
    client.logout()
    assert "Sign out admin" not in client.get("/").content.decode()


def test_the_clinic_phone_number_is_on_every_page_and_the_printout(client, settings):
    settings.CLINIC_PHONE = "604-555-0199"
    html = client.get("/ims/aftercare/").content.decode()
    assert 'href="tel:604-555-0199"' in html
    assert '<p class="print-only clinic-line">IMS Clinic · 604-555-0199</p>' in html
