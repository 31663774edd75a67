from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from content.caching import forget_cached_pages
from content.models import Page, PageTranslation


class PageTranslationInline(admin.StackedInline):
    model = PageTranslation
    extra = 0
    fields = ["language", "title", "summary", "body", "published", "reviewed_by", "reviewed_on",
              "updated"]  # fmt: skip
    readonly_fields = ["updated"]


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "order", "published", "translated_into", "updated"]
    list_editable = ["order", "published"]
    list_filter = ["published"]
    search_fields = ["title", "summary", "body", "translations__title"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated"]
    fields = ["title", "slug", "summary", "body", "order", "published", "updated"]
    inlines = [PageTranslationInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(translation_count=Count("translations"))

    @admin.display(description=_("translations"), ordering="translation_count")
    def translated_into(self, page: Page) -> int:
        return page.translation_count

    def delete_queryset(self, request, queryset):
        # A bulk delete does not go through Page.delete(), so the cache is cleared here.
        super().delete_queryset(request, queryset)
        forget_cached_pages()


@admin.register(PageTranslation)
class PageTranslationAdmin(admin.ModelAdmin):
    """Every translation in one list, to see which are not yet reviewed."""

    list_display = ["title", "page", "language", "published", "reviewed_by", "reviewed_on"]
    list_filter = ["language", "published", ("reviewed_on", admin.EmptyFieldListFilter)]
    search_fields = ["title", "summary", "body", "page__title"]
    list_select_related = ["page"]
    fields = PageTranslationInline.fields
    readonly_fields = ["updated"]

    def get_fields(self, request, obj=None):
        return ["page", *self.fields] if obj is None else self.fields

    def get_readonly_fields(self, request, obj=None):
        return ["page", "language", *self.readonly_fields] if obj else self.readonly_fields

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        forget_cached_pages()
