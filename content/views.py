from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext

from content.caching import public_page
from content.forms import SearchForm
from content.models import Page


@public_page
def home(request):
    pages = Page.objects.published().only("title", "slug", "summary")
    return render(request, "content/home.html", {"pages": pages})


@public_page
def page_list(request):
    pages = Page.objects.published().only("title", "slug", "summary")
    return render(request, "content/page_list.html", {"pages": pages})


@public_page
def page_detail(request, slug: str):
    # All published pages in one query: the few there are give this page its neighbours too.
    pages = list(Page.objects.published())
    slugs = [page.slug for page in pages]
    if slug not in slugs:
        raise Http404(gettext("No education page at this address."))
    index = slugs.index(slug)
    ctx = {
        "page": pages[index],
        "previous_page": pages[index - 1] if index > 0 else None,
        "next_page": pages[index + 1] if index + 1 < len(pages) else None,
    }
    return render(request, "content/page_detail.html", ctx)


def search(request):
    form = SearchForm(request.GET)
    query, results = "", None
    if form.is_valid() and form.cleaned_data["q"]:
        query = form.cleaned_data["q"]
        results = list(Page.objects.published().matching(query).only("title", "slug", "summary"))
    ctx = {"form": form, "query": query, "results": results}
    return render(request, "content/search.html", ctx, status=200 if form.is_valid() else 400)
