"""Load the translations written in content/pages/<language>/ so a fresh install has them, and
let clinic admins keep translations as they keep the pages.

Each file has the same name and header as its English page (see 0002). They are loaded as not
yet reviewed: a clinic records who checked each one in the admin. Existing translations are
left alone.
"""

import importlib
from pathlib import Path

from django.contrib.auth.management import create_permissions
from django.db import migrations

PAGES_DIR = Path(__file__).resolve().parent.parent / "pages"
read_page = importlib.import_module("content.migrations.0002_education_pages").read_page


def load_translations(apps, schema_editor):
    Page = apps.get_model("content", "Page")
    PageTranslation = apps.get_model("content", "PageTranslation")
    pages = {page.slug: page for page in Page.objects.all()}
    for folder in sorted(path for path in PAGES_DIR.iterdir() if path.is_dir()):
        for path in sorted(folder.glob("*.md")):
            fields = read_page(path)
            page = pages.get(fields.pop("slug"))
            if page is None:  # the clinic removed or renamed the English page
                continue
            fields.pop("order")
            PageTranslation.objects.get_or_create(page=page, language=folder.name, defaults=fields)


def let_clinic_admins_translate(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Clinic admin"):
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="content", content_type__model="pagetranslation"
            )
        )


class Migration(migrations.Migration):
    dependencies = [("content", "0003_page_translations"), ("treatments", "0002_roles")]

    operations = [
        migrations.RunPython(load_translations, migrations.RunPython.noop),
        migrations.RunPython(let_clinic_admins_translate, migrations.RunPython.noop),
    ]
