from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language, gettext

from content.caching import public_page
from content.forms import SearchForm
from content.models import Page

# Each page is shown in the reader's language where it has a published translation, and in
# English otherwise, marked as such (Page.objects.in_language): `page.text` is what to show.


@public_page
def home(request):
    pages = Page.objects.published().in_language(get_language())
    return render(request, "content/home.html", {"pages": pages})


@public_page
def page_list(request):
    pages = Page.objects.published().in_language(get_language())
    return render(request, "content/page_list.html", {"pages": pages})


@public_page
def page_detail(request, slug: str):
    # All published pages in one query: the few there are give this page its neighbours too.
    pages = Page.objects.published().in_language(get_language())
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
        query, language = form.cleaned_data["q"], get_language()
        results = Page.objects.published().matching(query, language).in_language(language)
    ctx = {"form": form, "query": query, "results": results}
    return render(request, "content/search.html", ctx, status=200 if form.is_valid() else 400)
