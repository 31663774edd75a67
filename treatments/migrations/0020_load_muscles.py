"""Load the muscles IMS commonly needles from treatments/muscles.json, and let clinic admins
keep the list (physiotherapists read it)."""

from django.db import migrations

from treatments.muscles import muscle_list


def load_muscles(apps, schema_editor):
    Muscle = apps.get_model("treatments", "Muscle")
    source, muscles = muscle_list()
    for muscle in muscles:
        Muscle.objects.update_or_create(name=muscle["name"], defaults={**muscle, "source": source})
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="treatments", model="muscle")
    for group_name, actions in [("Clinic admin", ("add", "change", "view")),
                                ("Physiotherapist", ("view",))]:  # fmt: skip
        for group in Group.objects.filter(name=group_name):
            for action in actions:
                permission, _ = Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_muscle",
                    defaults={"name": f"Can {action} muscle"},
                )
                group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("treatments", "0019_muscle_list")]

    operations = [migrations.RunPython(load_muscles, migrations.RunPython.noop)]
