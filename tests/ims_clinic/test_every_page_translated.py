"""Every page, in every language its readers must have, says so in <html lang> and has no
English left in it.

The pages and the records behind them are the permission matrix's (test_permission_matrix.py):
every GET that answers 200 for a role. A patient's pages (and the public ones) are checked in
all five languages; staff pages in English and French, the languages staff work in. Django's
own admin (/admin/, in Django's own French) is left out but for our admin home.

English is found in two ways. In Chinese and Punjabi, any run of two or more Latin-letter words
in the visible text, once the records the test made (names, emails, visit types, the clinic's
name and address...) are taken out. In French, which shares many words with English: any text
that is exactly one of our English messages whose French differs, and any run of words holding
a word only English uses ("the", "of", "with"...).

The education pages are checked whole, every one of them, in every language: each has its
translation (content/pages/<language>/).

What is data and not our wording is left alone, as the test finds it in the records:
- a questionnaire's wording (its items and their end labels, its instructions) is the
  instrument's own, published and validated in English; a translation of it must be a
  validated one, not ours, so it is shown as the instrument has it.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models

from tests.ims_clinic.test_permission_matrix import (
    EXPECTED,
    records,  # noqa: F401 (the fixture)
    sign_in,
    url_for,
)

pytestmark = pytest.mark.django_db
LANGUAGES = [code for code, _name in settings.LANGUAGES]
STAFF_LANGUAGES = {"en-ca", "fr-ca"}
PATIENT_ROLES = {"anonymous", "patient"}
# Our admin home (templates/admin/index.html) is ours to translate; the rest of /admin/ is not.
ADMIN_HOME = {"admin-home": {"clinic_admin": 200, "physiotherapist": 200}}
# The treatment's name, the same in every language the clinic writes in (the questionnaires'
# short names, NDI and the like, are taken from their records below).
NAMES_EVERYWHERE = ["IMS"]
LOCALE = Path(settings.BASE_DIR) / "locale"


def pages(language: str) -> list[tuple[str, str]]:
    """(URL name, role) of every page that role opens, in the languages it must have."""
    return [
        (name, role)
        for name, answers in sorted({**EXPECTED, **ADMIN_HOME}.items())
        for role, answer in answers.items()
        if answer == 200 and (role in PATIENT_ROLES or language in STAFF_LANGUAGES)
    ]


class VisibleText(HTMLParser):
    """The text a reader sees or hears: text outside script and style, the attributes a screen
    reader reads or a browser shows, and the words on input buttons. With `skip_class`, what is
    inside the first element of that class is left out."""

    SPOKEN_ATTRIBUTES = {"alt", "title", "aria-label", "placeholder"}

    def __init__(self, skip_class: str | None = None):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.lang: str | None = None
        self.hidden = 0  # inside script or style
        self.skip_class, self.skipping, self.skip_depth = skip_class, None, 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if self.skipping == tag:
            self.skip_depth += 1
        elif self.skipping is None and self.skip_class in (attributes.get("class") or "").split():
            self.skipping, self.skip_depth = tag, 1
        if tag in {"script", "style"}:
            self.hidden += 1
        if self.skipping:
            return
        self.texts += [value for key, value in attrs if key in self.SPOKEN_ATTRIBUTES and value]
        if tag == "input" and attributes.get("type") in {"submit", "button", "reset"}:
            self.texts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self.hidden = max(0, self.hidden - 1)
        if self.skipping == tag:
            self.skip_depth -= 1
            if self.skip_depth == 0:
                self.skipping = None

    def handle_data(self, data):
        if not self.hidden and not self.skipping and data.strip():
            self.texts.append(data)


def read_page(html: str, *, skip_class: str | None = None) -> VisibleText:
    parser = VisibleText(skip_class)
    parser.feed(html)
    parser.close()
    return parser


def one_line(text: str) -> str:
    return " ".join(text.split())


def what_the_test_put_in() -> list[str]:
    """Every free-text value of the clinic's records and the staff's names: the data the pages
    show as it was typed, in whatever language it was typed in. Longest first, so a name is
    taken out whole before a shorter one inside it."""
    values = {settings.CLINIC_NAME, settings.CLINIC_PHONE or "", *NAMES_EVERYWHERE}
    text_fields = (models.CharField, models.TextField, models.EmailField)
    for label in ["patients", "treatments"]:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label == "treatments.Instrument":  # below
                continue
            fields = [
                field.name
                for field in model._meta.concrete_fields
                if isinstance(field, text_fields) and not field.choices
            ]
            for row in model.objects.values_list(*fields) if fields else []:
                values.update(one_line(str(value)) for value in row if value)
    for instrument in apps.get_model("treatments", "Instrument").objects.all():
        values.add(instrument.short_title)  # its title is ours to translate
        values.update(one_line(text) for text in instrument_wording(instrument.definition))
    for user in get_user_model().objects.all():
        values.update([user.username, user.email, user.get_full_name()])
    return sorted((value for value in values if value), key=len, reverse=True)


def instrument_wording(definition: dict) -> list[str]:
    """A questionnaire's own words: its instructions, items and their end labels, cut at each
    blank the page fills in (the patient's problem)."""
    wording = re.split(r"_{3,}", definition.get("instructions") or "")
    for item in definition.get("items", []):
        wording += [item.get(key) or "" for key in ["text", "minLabel", "maxLabel"]]
        wording += [option.get("display") or "" for option in item.get("answerOption", [])]
    return wording


# Two or more Latin-letter words, with nothing but spaces, punctuation or figures between them
# ("of 10 Mar" is English, as a date written by strftime).
# A word is whole: "not" in "noté" is no English word.
WORD = r"(?<![A-Za-z\u00c0-\u024f'\u2019])[A-Za-z][A-Za-z'\u2019]*(?![A-Za-z\u00c0-\u024f])"
ENGLISH_RUN = re.compile(rf"{WORD}(?:[\s,.:;/0-9-]+{WORD})+")


def english_runs(texts: list[str], allowed: list[str]) -> list[str]:
    """Runs of two or more Latin-letter words left once the allowed data is taken out (whole
    words only: a record's "a" takes no letter out of a sentence)."""
    data = re.compile(
        r"(?<![A-Za-z])(?:" + "|".join(map(re.escape, allowed)) + r")(?![A-Za-z])", re.IGNORECASE
    )
    found = []
    for text in texts:
        text = data.sub(" | ", one_line(text))
        found += ENGLISH_RUN.findall(text)
    return found


def po_entries(path: Path) -> dict[str, str]:
    """msgid: msgstr of a .po file's entries (a plural's first forms), with Python's own
    string parsing of the quoted lines: enough for the catalogues `make messages` writes."""
    entries, current, key = {}, {}, None
    for line in [*path.read_text().splitlines(), ""]:
        line = line.strip()
        if not line or line.startswith("#"):
            if "msgid" in current and current.get("msgid"):
                entries[current["msgid"]] = current.get("msgstr", "")
            if not line:
                current, key = {}, None
            continue
        if line.startswith('"'):
            current[key] += eval(line)  # noqa: S307 (a quoted string of our own catalogue)
            continue
        word, _space, quoted = line.partition(" ")
        key = {"msgid_plural": "plural", "msgstr[0]": "msgstr", "msgstr": "msgstr"}.get(word, word)
        current[key] = eval(quoted)  # noqa: S307
    return entries


def untranslated_in_french() -> set[str]:
    """Our English messages that read differently in French, as a page would show them."""
    entries = po_entries(LOCALE / "fr_CA" / "LC_MESSAGES" / "django.po")
    return {one_line(msgid) for msgid, msgstr in entries.items() if msgstr and msgstr != msgid}


# Words English uses all the time and French never: a run of words holding one is English.
ENGLISH_ONLY = {"the", "of", "and", "with", "your", "you", "is", "are", "for", "this", "that",
                "to", "from", "by", "at", "in", "has", "have", "was", "were", "not",
                "will"}  # fmt: skip


def english_left(language: str, page: VisibleText, allowed: list[str], english: set[str]):
    if language == "fr-ca":
        shown = {one_line(text) for text in page.texts}
        sentences = [
            run for run in english_runs(page.texts, allowed)
            # Capitals only are a code (a two-step key's "35IN"), not a word.
            if ENGLISH_ONLY & {w.lower() for w in re.findall(r"[A-Za-z]+", run) if not w.isupper()}
        ]  # fmt: skip
        return sorted(shown & english - set(allowed)) + sentences
    if language in {"zh-hans", "zh-hant", "pa"}:
        return english_runs(page.texts, allowed)
    return []


def open_page(client, records, name: str, role: str, language: str):  # noqa: F811
    sign_in(client, records["people"][role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = "/admin/" if name == "admin-home" else url_for(name, records)
    return url, client.get(url)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_page_is_in_the_readers_language_with_no_english_left(
    client,
    records,  # noqa: F811
    language,
):
    english = untranslated_in_french() if language == "fr-ca" else set()
    allowed = what_the_test_put_in()
    problems = []
    for name, role in pages(language):
        url, response = open_page(client, records, name, role, language)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        page = read_page(response.content.decode())
        left = english_left(language, page, allowed, english)
        if page.lang != language or left:
            problems.append(f"{url} as {role}: lang={page.lang!r}, English: {left}")
    assert problems == [], f"In {language}:\n" + "\n".join(problems)


# Kept in English in brackets beside the translation, as a reader will meet them in Canada: the
# treatment's and its founder's names, and the sign on a clinic's door.
AS_ON_SIGNS = ["Gunn Intramuscular Stimulation", "Dr. Chan Gunn", "walk-in clinic"]


@pytest.mark.parametrize("language", sorted(set(LANGUAGES) - {"en-ca"}))
def test_every_education_page_is_in_the_readers_language_with_no_english_left(client, language):
    """The translated pages, whole: body, title, summary, neighbours and the notes around."""
    english = untranslated_in_french() if language == "fr-ca" else set()
    allowed = [*AS_ON_SIGNS, *what_the_test_put_in()]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    slugs = apps.get_model("content", "Page").objects.values_list("slug", flat=True)
    problems = []
    for url in ["/", "/ims/", *(f"/ims/{slug}/" for slug in slugs)]:
        page = read_page(client.get(url).content.decode())
        left = english_left(language, page, allowed, english)
        if page.lang != language or left:
            problems.append(f"{url}: lang={page.lang!r}, English: {left}")
    assert problems == [], f"In {language}:\n" + "\n".join(problems)
