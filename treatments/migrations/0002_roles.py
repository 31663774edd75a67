"""Create the staff roles as groups, with the admin permissions each needs.

Clinic admins manage staff, their needling authorizations and the education pages.

Front desk staff work only in the app's own pages, so their group has no admin permissions.
No role may delete clinical records: there is no delete permission to give.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CLINICAL_APPS = ["patients", "treatments"]
# The physiotherapists' professional details: "practitioner" until 0009 renamed it. Both names
# are here because tests replay this function on today's models (tests/conftest.py).
PROFILE_MODELS = [
    "practitioner",
    "historicalpractitioner",
    "physiotherapistprofile",
    "historicalphysiotherapistprofile",
]


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; the roles need them now, for the
    # models as they are at this migration (apps), not as the code names them today.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    physiotherapist, _ = Group.objects.get_or_create(name="Physiotherapist")
    physiotherapist.permissions.set(
        Permission.objects.filter(content_type__app_label__in=CLINICAL_APPS)
        .exclude(codename__startswith="delete_")
        .exclude(content_type__model__in=PROFILE_MODELS)
    )
    Group.objects.get_or_create(name="Front desk")
    clinic_admin, _ = Group.objects.get_or_create(name="Clinic admin")
    clinic_admin.permissions.set(
        Permission.objects.filter(content_type__app_label="content")
        | Permission.objects.filter(
            content_type__app_label="treatments",
            codename__in=[
                f"{action}_{model}"
                for action in ("add", "change", "view")
                for model in ("practitioner", "physiotherapistprofile")
            ],
        )
        | Permission.objects.filter(
            content_type__app_label="auth",
            codename__in=["add_user", "change_user", "view_user", "view_group", "change_group"],
        )
    )


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Physiotherapist", "Front desk", "Clinic admin"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("content", "0002_education_pages"),
        ("patients", "0001_initial"),
        ("treatments", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
