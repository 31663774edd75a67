import markdown
import nh3
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from content.caching import forget_cached_pages

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


class PageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)

    def matching(self, query: str):
        """Pages that contain every word of the query, in the title, summary or body."""
        pages = self
        for word in query.split()[:MAX_SEARCH_WORDS]:
            pages = pages.filter(
                Q(title__icontains=word) | Q(summary__icontains=word) | Q(body__icontains=word)
            )
        return pages


class Page(models.Model):
    title = models.CharField(_("title"), max_length=120)
    slug = models.SlugField(
        _("address"),
        max_length=80,
        unique=True,
        help_text=_("The last part of the page's web address: /ims/<address>/."),
    )
    summary = models.CharField(
        _("summary"),
        max_length=300,
        help_text=_("One or two plain sentences, shown in the list of pages and in search."),
    )
    body = models.TextField(
        _("body"),
        help_text=_("Markdown. Start sections with ## (the title is the page's main heading)."),
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Pages are listed from the lowest number up.")
    )
    published = models.BooleanField(
        _("published"), default=True, help_text=_("Only published pages are shown to patients.")
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = PageQuerySet.as_manager()

    class Meta:
        ordering = ["order", "title"]
        verbose_name = _("education page")
        verbose_name_plural = _("education pages")

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs) -> None:
        super().save(*args, **kwargs)
        # Cached copies of the public pages hold this page's text: an edit shows at once.
        forget_cached_pages()

    def get_absolute_url(self) -> str:
        return reverse("content:page-detail", args=[self.slug])

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
