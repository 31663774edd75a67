"""Locations: every visit, opening hours and working hours is at one. An existing clinic, and a
fresh install, gets one location named after the clinic, which the clinic admin completes."""

import django.db.models.deletion
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import treatments.constraints
import treatments.models


def open_the_first_location(apps, schema_editor):
    """The clinic's one location, where everything on file already is; clinic admins keep
    locations (add and change: a location is closed, never deleted)."""
    Location = apps.get_model("treatments", "Location")
    first = Location.objects.order_by("pk").first() or Location.objects.create(
        name=settings.CLINIC_NAME[:80] or "Clinic"
    )
    for model in ("ClinicHours", "Visit", "HistoricalVisit", "WorkingHours"):
        apps.get_model("treatments", model).objects.filter(location=None).update(location=first)
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Clinic admin"):
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="treatments",
                codename__in=["add_location", "change_location", "view_location"],
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("treatments", "0016_visit_checked_in_at"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="clinichours",
            options={
                "ordering": ["location", "weekday"],
                "verbose_name": "opening hours",
                "verbose_name_plural": "opening hours",
            },
        ),
        migrations.AlterField(
            model_name="clinichours",
            name="weekday",
            field=models.PositiveSmallIntegerField(
                choices=[
                    (0, "Monday"),
                    (1, "Tuesday"),
                    (2, "Wednesday"),
                    (3, "Thursday"),
                    (4, "Friday"),
                    (5, "Saturday"),
                    (6, "Sunday"),
                ],
                verbose_name="weekday",
            ),
        ),
        migrations.CreateModel(
            name="Location",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "name",
                    models.CharField(
                        error_messages={"unique": "A location with this name exists."},
                        max_length=80,
                        unique=True,
                        verbose_name="name",
                    ),
                ),
                (
                    "address",
                    models.TextField(
                        blank=True,
                        help_text="As patients should read it in their reminders.",
                        max_length=300,
                        verbose_name="address",
                    ),
                ),
                ("phone", models.CharField(blank=True, max_length=30, verbose_name="phone")),
                (
                    "is_open",
                    models.BooleanField(
                        default=True,
                        help_text="Untick when the clinic stops seeing patients here; its records stay.",
                        verbose_name="open",
                    ),
                ),
            ],
            options={
                "ordering": ["name"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("name", ""), _negated=True),
                        name="location_has_a_name",
                        violation_error_message="A location needs a name.",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="clinichours",
            name="location",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="opening_hours",
                to="treatments.location",
                verbose_name="location",
            ),
        ),
        migrations.AddField(
            model_name="historicalvisit",
            name="location",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="treatments.location",
                verbose_name="location",
            ),
        ),
        migrations.AddField(
            model_name="visit",
            name="location",
            field=models.ForeignKey(
                null=True,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="visits",
                to="treatments.location",
                verbose_name="location",
            ),
        ),
        migrations.AddField(
            model_name="workinghours",
            name="location",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="working_hours",
                to="treatments.location",
                verbose_name="location",
            ),
        ),
        migrations.RunPython(open_the_first_location, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="clinichours",
            name="location",
            field=models.ForeignKey(
                default=treatments.models.main_location_id,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="opening_hours",
                to="treatments.location",
                verbose_name="location",
            ),
        ),
        migrations.AlterField(
            model_name="visit",
            name="location",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="visits",
                to="treatments.location",
                verbose_name="location",
            ),
        ),
        migrations.AlterField(
            model_name="workinghours",
            name="location",
            field=models.ForeignKey(
                default=treatments.models.main_location_id,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="working_hours",
                to="treatments.location",
                verbose_name="location",
            ),
        ),
        migrations.AddConstraint(
            model_name="clinichours",
            constraint=models.UniqueConstraint(
                fields=("location", "weekday"),
                name="opening_hours_once_per_weekday",
                violation_error_message="This location already has hours on this weekday.",
            ),
        ),
        migrations.AddConstraint(
            model_name="workinghours",
            constraint=treatments.constraints.PostgresExclusionConstraint(
                expressions=[
                    ("physiotherapist", "="),
                    ("weekday", "="),
                    (treatments.constraints.TimeOfDayRange("starts_at", "ends_at"), "&&"),
                ],
                name="working_hours_one_place_at_a_time",
                violation_error_message="These hours overlap the physiotherapist's other hours on this weekday: they can be at one place at a time.",
            ),
        ),
    ]
