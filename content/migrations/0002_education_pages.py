"""Load the patient education pages written in content/pages/ so a fresh install has them.

Each file is Markdown with a short header (title, summary, order); the file name after its
number is the page's address: 06-aftercare.md is /ims/aftercare/. Later edits are made in the
admin; this migration only fills an empty table and leaves existing pages alone.
"""

from pathlib import Path

import markdown
from django.db import migrations

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"


def read_page(path: Path) -> dict:
    header, body = path.read_text(encoding="utf-8").split("\n\n", 1)
    reader = markdown.Markdown(extensions=["meta"])
    reader.convert(header)
    return {
        "slug": path.stem.split("-", 1)[1],
        "title": reader.Meta["title"][0],
        "summary": reader.Meta["summary"][0],
        "order": int(reader.Meta["order"][0]),
        "body": body.strip() + "\n",
    }


def load_pages(apps, schema_editor):
    Page = apps.get_model("content", "Page")
    for path in sorted(PAGES_DIR.glob("*.md")):
        fields = read_page(path)
        Page.objects.get_or_create(slug=fields.pop("slug"), defaults=fields)


class Migration(migrations.Migration):
    dependencies = [("content", "0001_initial")]

    operations = [migrations.RunPython(load_pages, migrations.RunPython.noop)]
