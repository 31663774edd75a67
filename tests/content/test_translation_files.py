"""The translations shipped in content/pages/<language>/: one per page and language, the same
page in another language (its sections, links and numbers), loaded by the data migration."""

import re
from pathlib import Path

import markdown
import pytest
import textstat

from content.models import Page, PageTranslation
from ims_clinic.languages import TRANSLATION_LANGUAGES
from tests.content.test_education_pages import plain_text

PAGES = Path(__file__).resolve().parents[2] / "content" / "pages"
ENGLISH = sorted(PAGES.glob("*.md"))
CASES = [(code, english.name) for code, _name in TRANSLATION_LANGUAGES for english in ENGLISH]


def header_and_body(path: Path) -> tuple[dict, str]:
    header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    reader = markdown.Markdown(extensions=["meta"])
    reader.convert(header)
    return {key: values[0] for key, values in reader.Meta.items()}, body


def numbers(text: str) -> set[str]:
    """Each number as its digits alone, so French "7 629" and "7,6" are English 7,629 and 7.6."""
    return {re.sub(r"\D", "", n) for n in re.findall(r"\d+(?:[ ,.\u00a0\u202f]\d+)*", text)}


@pytest.mark.parametrize("language,name", CASES)
def test_every_page_is_translated_into_every_language_with_the_same_header(language, name):
    header, _body = header_and_body(PAGES / language / name)
    english, _body = header_and_body(PAGES / name)
    assert header.keys() == english.keys()
    assert header["order"] == english["order"]


@pytest.mark.parametrize("language,name", CASES)
def test_a_translation_keeps_the_pages_sections_links_and_numbers(language, name):
    _header, body = header_and_body(PAGES / language / name)
    _header, english = header_and_body(PAGES / name)
    assert re.findall(r"^#+ ", body, re.M) == re.findall(r"^#+ ", english, re.M)
    assert re.findall(r"\]\((/ims/[^)]*)\)", body) == re.findall(r"\]\((/ims/[^)]*)\)", english)
    assert numbers(english) <= numbers(body)


@pytest.mark.parametrize("name", [name for _code, name in CASES[: len(ENGLISH)]])
def test_each_french_page_reads_easily_by_the_french_formula(name):
    """textstat's French reading ease (Kandel and Moles): 70 and up is "fairly easy", which the
    Flesch scale puts at grade 7, within the grade 8 the pages are written for."""
    header, body = header_and_body(PAGES / "fr-ca" / name)
    textstat.set_lang("fr")
    try:
        assert textstat.flesch_reading_ease(plain_text(body)) >= 70
        assert textstat.flesch_reading_ease(header["summary"]) >= 70
    finally:
        textstat.set_lang("en")


@pytest.mark.django_db
def test_the_migration_loads_every_translation_as_not_yet_reviewed():
    for code, _name in TRANSLATION_LANGUAGES:
        translations = PageTranslation.objects.filter(language=code)
        assert translations.count() == Page.objects.count() == len(ENGLISH)
        assert not translations.exclude(reviewed_by="", reviewed_on=None).exists()
        for translation in translations:
            translation.full_clean()
