from django.contrib import admin

from content.caching import forget_cached_pages
from content.models import Page


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    list_display = ["title", "order", "published", "updated"]
    list_editable = ["order", "published"]
    list_filter = ["published"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["updated"]
    fields = ["title", "slug", "summary", "body", "order", "published", "updated"]

    def delete_queryset(self, request, queryset):
        # A bulk delete does not go through Page.delete(), so the cache is cleared here.
        super().delete_queryset(request, queryset)
        forget_cached_pages()
