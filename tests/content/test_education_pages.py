"""The pages the data migration puts in every fresh install."""

import re

import pytest
import textstat

from content.models import Page

pytestmark = pytest.mark.django_db

EXPECTED_PAGES = {
    "what-is-ims": ["Chan Gunn", "Vancouver", "1970s", "nerve", "whiplash"],
    "how-ims-works": ["twitch", "spine", "sterile", "used once"],
    "what-you-will-feel": ["cramp", "ache", "release"],
    "before-your-appointment": ["Eat", "dizzy", "short of breath"],
    "after-your-treatment": ["workout", "tired", "emotional", "hour or two"],
    "aftercare": ["water", "24 hours", "cold pack", "Light activity is fine", "home exercises"],
    "how-often": ["once a week", "7 to 10 days", "2 or 3", "6 to 12", "exercise"],
    "manual-therapy-and-exercise": ["hands-on", "exercise"],
    "risks-and-consent": ["7,629", "7.6 in 100", "4.7 in 100", "say no", "stop"],
    "when-to-get-help": ["911", "chest pain", "fever", "redness"],
}


def plain_text(markdown_body: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", markdown_body)
    return re.sub(r"[#*|>_-]", " ", text)


def test_every_education_page_is_present_and_published():
    assert set(Page.objects.published().values_list("slug", flat=True)) == set(EXPECTED_PAGES)


@pytest.mark.parametrize("slug,facts", EXPECTED_PAGES.items())
def test_each_page_carries_its_key_facts(slug, facts):
    page = Page.objects.get(slug=slug)
    text = " ".join(page.body.split())
    missing = [fact for fact in facts if fact.lower() not in text.lower()]
    assert missing == []


@pytest.mark.parametrize("slug", EXPECTED_PAGES)
def test_each_page_reads_at_grade_eight_or_below(slug):
    page = Page.objects.get(slug=slug)
    assert textstat.flesch_kincaid_grade(plain_text(page.body)) <= 8


@pytest.mark.parametrize("slug", EXPECTED_PAGES)
def test_each_page_passes_its_own_validation(slug):
    Page.objects.get(slug=slug).full_clean()


def test_every_page_is_reachable_from_the_index(client):
    html = client.get("/ims/").content.decode()
    for slug in EXPECTED_PAGES:
        assert f'href="/ims/{slug}/"' in html
        assert client.get(f"/ims/{slug}/").status_code == 200


def test_links_between_pages_point_at_pages_that_exist():
    slugs = set(EXPECTED_PAGES)
    for page in Page.objects.all():
        for target in re.findall(r"\]\(/ims/([^/)]+)/\)", page.body):
            assert target in slugs, f"{page.slug} links to /ims/{target}/"
