from content.models import Page

TRANSLATION_FIELDS = ["language", "title", "summary", "body", "reviewed_by", "reviewed_on"]


def page_form(page: Page, *new_translations: dict, **changes) -> dict:
    """What the admin's page form posts: the page with `changes`, its translations as they are,
    and `new_translations` added."""
    data = {"title": page.title, "slug": page.slug, "summary": page.summary, "body": page.body,
            "order": page.order, "published": "on" if page.published else ""}  # fmt: skip
    data.update(changes)
    kept = list(page.translations.all())
    for n, translation in enumerate([*kept, *new_translations]):
        values = translation if isinstance(translation, dict) else {
            "id": translation.pk, "published": "on" if translation.published else "",
            **{name: getattr(translation, name) or "" for name in TRANSLATION_FIELDS},
        }  # fmt: skip
        data.update({f"translations-{n}-{key}": value for key, value in values.items()})
    data.update({
        "translations-TOTAL_FORMS": str(len(kept) + len(new_translations)),
        "translations-INITIAL_FORMS": str(len(kept)),
        "translations-MIN_NUM_FORMS": "0", "translations-MAX_NUM_FORMS": "1000",
    })  # fmt: skip
    return data
