"""Open the clinic Monday to Friday, 08:00-18:00, so a fresh install can book at once, and let
clinic admins keep the clinic's hours and each physiotherapist's hours and days off."""

from datetime import time

from django.contrib.auth.management import create_permissions
from django.db import migrations

HOURS_MODELS = ["clinichours", "workinghours", "dayoff"]


def open_clinic(apps, schema_editor):
    ClinicHours = apps.get_model("treatments", "ClinicHours")
    if not ClinicHours.objects.exists():
        for weekday in range(5):
            ClinicHours.objects.create(weekday=weekday, opens_at=time(8), closes_at=time(18))
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    clinic_admin = Group.objects.filter(name="Clinic admin").first()
    if clinic_admin:
        clinic_admin.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="treatments", content_type__model__in=HOURS_MODELS
            )
        )


class Migration(migrations.Migration):
    dependencies = [("treatments", "0003_booking_rules")]

    operations = [migrations.RunPython(open_clinic, migrations.RunPython.noop)]
