import markdown
import nh3
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from content.caching import forget_cached_pages
from ims_clinic.languages import TRANSLATION_LANGUAGES

# What an education page's Markdown may become. The page title is the page's only <h1>, so the
# body starts at <h2>; anything else (scripts, styles, raw HTML tricks) is stripped.
ALLOWED_TAGS = {
    "h2", "h3", "h4", "p", "br", "hr", "strong", "em", "ul", "ol", "li", "a",
    "blockquote", "table", "thead", "tbody", "tr", "th", "td", "abbr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}
MAX_SEARCH_WORDS = 8


def render_markdown(text: str) -> str:
    html = markdown.markdown(text, extensions=["extra", "sane_lists"])
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES)


def words_in(query: str) -> list[str]:
    return query.split()[:MAX_SEARCH_WORDS]


def containing_every_word(texts: models.QuerySet, query: str) -> models.QuerySet:
    """The texts (pages or translations) whose title, summary or body hold every word."""
    for word in words_in(query):
        texts = texts.filter(
            Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
        )
    return texts


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def in_language(self, language: str) -> list["Page"]:
        """The pages, each with `text`: its published translation into `language`, or the
        page itself (English) when there is none, then with `is_fallback` set."""
        if language not in dict(TRANSLATION_LANGUAGES):
            pages = list(self)
            for page in pages:
                page.text, page.is_fallback = page, False
            return pages
        translations = PageTranslation.objects.filter(language=language, published=True)
        pages = list(
            self.prefetch_related(Prefetch("translations", translations, "in_reader_language"))
        )
        for page in pages:
            page.text = page.in_reader_language[0] if page.in_reader_language else page
            page.is_fallback = not page.in_reader_language
        return pages

    def matching(self, query: str, language: str = settings.LANGUAGE_CODE):
        """Pages holding every word of the query in the text a reader of `language` sees:
        the translation where there is one, else the English."""
        translated = PageTranslation.objects.filter(language=language, published=True)
        english = containing_every_word(self.exclude(translations__in=translated), query)
        found = containing_every_word(translated, query).values("page")
        return self.filter(Q(pk__in=english.values("pk")) | Q(pk__in=found))


class PageText(models.Model):
    """What a reader reads of a page, in one language: its title, summary and body."""

    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two plain sentences, shown in the list of pages and in search."),
    )
    body = models.TextField(
        _("body"),
        help_text=_("Markdown. Start sections with ## (the title is the page's main heading)."),
    )
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Only published pages are shown to patients.")
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # Cached copies of the public pages hold this text: an edit shows at once.
        forget_cached_pages()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        forget_cached_pages()
        return result

    def clean(self) -> None:
        if "<h1" in markdown.markdown(self.body, extensions=["extra"]):
            raise ValidationError(
                {"body": _("Start sections with ## : the page title is the only main heading.")}
            )

    @cached_property
    def body_html(self) -> str:
        return render_markdown(self.body)


class Page(PageText):
    """An education page, written in the site's language (English)."""

    slug = models.SlugField(
        _("address"),
        max_length=80,
        unique=True,
        help_text=_("The last part of the page's web address: /ims/<address>/."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Pages are listed from the lowest number up.")
    )

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("education page")
        verbose_name_plural = _("education pages")

    def get_absolute_url(self) -> str:
        return reverse("content:page-detail", args=[self.slug])


class PageTranslation(PageText):
    """A page in another language, shown to readers of that language instead of the English.

    Who reviewed it and when are kept together: a translation is either checked against the
    English by a named person on a date, or not yet checked (and the page says so)."""

    page = models.ForeignKey(Page, models.CASCADE, related_name="translations")
    language = models.CharField(_("language"), max_length=10, choices=TRANSLATION_LANGUAGES)
    reviewed_by = models.CharField(
        _("reviewed by"),
        max_length=120,
        blank=True,
        help_text=_("Who checked this translation against the English page, and their role."),
    )
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)

    class Meta:
        ordering = ["page", "language"]
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "language"], name="one_translation_per_page_and_language"
            ),
            models.CheckConstraint(
                condition=Q(language__in=dict(TRANSLATION_LANGUAGES)),
                name="translation_in_a_site_language",
            ),
            models.CheckConstraint(
                condition=Q(reviewed_by="", reviewed_on__isnull=True)
                | (~Q(reviewed_by="") & Q(reviewed_on__isnull=False)),
                name="translation_reviewer_and_date_together",
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if bool(self.reviewed_by.strip()) != bool(self.reviewed_on):
            raise ValidationError(
                _("Give both who reviewed the translation and when, or neither."),
                code="reviewed_by_and_on",
            )
        if self.reviewed_on and self.reviewed_on > timezone.localdate():
            raise ValidationError(
                {"reviewed_on": _("A review date cannot be in the future.")}, code="future"
            )
        self.reviewed_by = self.reviewed_by.strip()
