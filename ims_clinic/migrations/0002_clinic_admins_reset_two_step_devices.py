"""Let clinic admins see and remove staff's two-step sign-in devices in the admin.

That is how a lost phone is reset: the device is removed and the next sign-in sets up a new one.
They may not add or change a device: whoever knows a device's key can make its codes.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_totpdevice", "delete_totpdevice"]


def device_permissions(apps):
    # Permissions are normally made after all migrations; the group needs them now.
    app_config = apps.get_app_config("otp_totp")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return Permission.objects.filter(content_type__app_label="otp_totp", codename__in=CODENAMES)


def allow_reset(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.get(name="Clinic admin")
    group.permissions.add(*device_permissions(apps))


def disallow_reset(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.get(name="Clinic admin")
    group.permissions.remove(*device_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("ims_clinic", "0001_audit_trail"),
        ("otp_totp", "0003_add_timestamps"),
        ("treatments", "0002_roles"),
    ]

    operations = [migrations.RunPython(allow_reset, disallow_reset)]
