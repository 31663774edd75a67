import pytest
from django.core.exceptions import ValidationError

from content.models import Page, render_markdown


def make_page(**fields) -> Page:
    defaults = {
        "title": "Ice or heat",
        "slug": "ice-or-heat",
        "summary": "Which to use.",
        "body": "## Heat\n\nA warm pack helps sore muscles.\n",
        "order": 50,
    }
    return Page.objects.create(**{**defaults, **fields})


def test_it_renders_markdown_headings_lists_and_links():
    html = render_markdown("## Do\n\n- Drink **water**\n\n[Aftercare](/ims/aftercare/)")
    assert "<h2>Do</h2>" in html
    assert "<li>Drink <strong>water</strong></li>" in html
    assert '<a href="/ims/aftercare/"' in html


def test_it_strips_scripts_and_event_handlers_from_the_body():
    html = render_markdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\nHi')
    assert "<script" not in html
    assert "onerror" not in html
    assert "<img" not in html
    assert "Hi" in html


def test_it_drops_javascript_links():
    html = render_markdown("[click](javascript:alert(1))")
    assert "javascript:" not in html


@pytest.mark.django_db
def test_it_refuses_a_body_with_a_second_main_heading():
    page = Page(title="T", slug="t", summary="S", body="# Another title\n\nText")
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "only main heading" in str(error.value.message_dict["body"])


@pytest.mark.django_db
def test_it_accepts_a_body_that_starts_at_level_two():
    Page(title="T", slug="t", summary="S", body="## Section\n\nText").full_clean()


@pytest.mark.django_db
def test_it_finds_pages_that_contain_every_searched_word():
    make_page(slug="a", title="Heat", body="Use a warm pack on the sore muscle.")
    make_page(slug="b", title="Water", body="Drink water after treatment.")
    assert [p.slug for p in Page.objects.filter(slug__in="ab").matching("warm sore")] == ["a"]
    assert [p.slug for p in Page.objects.filter(slug__in="ab").matching("WATER")] == ["b"]
    assert list(Page.objects.filter(slug__in="ab").matching("warm water")) == []


@pytest.mark.django_db
def test_it_treats_like_wildcards_in_a_search_as_plain_text():
    make_page(slug="a", body="Fully 100% recovered.")
    make_page(slug="b", body="Nothing special.")
    assert [p.slug for p in Page.objects.filter(slug__in="ab").matching("100%")] == ["a"]
    assert list(Page.objects.filter(slug__in="ab").matching("_%_")) == []


@pytest.mark.django_db
def test_unpublished_pages_are_not_published():
    make_page(slug="draft", published=False)
    assert not Page.objects.published().filter(slug="draft").exists()


@pytest.mark.django_db
def test_its_address_is_under_ims():
    assert make_page(slug="ice-or-heat").get_absolute_url() == "/ims/ice-or-heat/"
