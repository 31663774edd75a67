"""Load the outcome questionnaires from their files (treatments/outcomes/instruments/), and
give the roles their permissions on the new records: physiotherapists keep a course's
questionnaires and discharge summary; clinic admins keep the clinic's settings and choose
which questionnaires are offered."""

from django.db import migrations

from treatments.outcomes.instruments import definitions

CLINICAL = ["coursemeasure", "measureresponse", "answerlink", "dischargesummary"]
CLINIC_ADMIN = ["clinicsettings", "instrument"]


def load_instruments(apps, schema_editor):
    Instrument = apps.get_model("treatments", "Instrument")
    for code, definition in definitions().items():
        Instrument.objects.update_or_create(
            code=code, defaults={"title": definition["title"], "definition": definition}
        )
    apps.get_model("treatments", "ClinicSettings").objects.get_or_create(pk=1)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for group_name, models, actions in [
        ("Physiotherapist", CLINICAL, ("add", "change", "view")),
        ("Physiotherapist", ["instrument", "clinicsettings"], ("view",)),
        ("Clinic admin", CLINIC_ADMIN, ("change", "view")),
    ]:
        for group in Group.objects.filter(name=group_name):
            for model in models:
                content_type, _ = ContentType.objects.get_or_create(
                    app_label="treatments", model=model
                )
                for action in actions:
                    permission, _ = Permission.objects.get_or_create(
                        content_type=content_type,
                        codename=f"{action}_{model}",
                        defaults={"name": f"Can {action} {model}"},
                    )
                    group.permissions.add(permission)


class Migration(migrations.Migration):
    dependencies = [("treatments", "0013_outcome_measures")]

    operations = [migrations.RunPython(load_instruments, migrations.RunPython.noop)]
