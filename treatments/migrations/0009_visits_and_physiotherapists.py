"""One word for each thing: a session is a visit (visits now have types), its chart is a chart,
and the person who treats is the physiotherapist, whose professional details are a profile.

Only names change: tables, columns, constraints and indexes are renamed, and the permissions
of the renamed models keep their groups under their new codenames.
"""

from django.db import migrations

# (old model name, new model name, old verbose name, new verbose name)
RENAMED_MODELS = [
    ("session", "visit", "session", "visit"),
    ("historicalsession", "historicalvisit", "historical session", "historical visit"),
    ("sessionchart", "chart", "session chart", "chart"),
    ("historicalsessionchart", "historicalchart", "historical session chart", "historical chart"),
    ("practitioner", "physiotherapistprofile", "practitioner", "physiotherapist profile"),
    (
        "historicalpractitioner",
        "historicalphysiotherapistprofile",
        "historical practitioner",
        "historical physiotherapist profile",
    ),
]


def rename_permissions(apps, schema_editor, renames=RENAMED_MODELS):
    Permission = apps.get_model("auth", "Permission")
    for old, new, old_words, new_words in renames:
        for permission in Permission.objects.filter(
            content_type__app_label="treatments", codename__endswith=f"_{old}"
        ):
            action = permission.codename.removesuffix(f"_{old}")
            permission.codename = f"{action}_{new}"
            permission.name = permission.name.replace(old_words, new_words)
            permission.save(update_fields=["codename", "name"])


def restore_permission_names(apps, schema_editor):
    rename_permissions(apps, schema_editor, [(new, old, b, a) for old, new, a, b in RENAMED_MODELS])


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("patients", "0003_search_indexes"),
        ("treatments", "0008_indexes_for_years_of_records"),
    ]

    operations = [
        # Constraints and indexes that name the old fields go first, and come back renamed.
        *[
            migrations.RemoveConstraint(model_name="session", name=name)
            for name in [
                "session_duration_5_to_240_minutes",
                "session_cancelled_with_reason",
                "session_once_a_week",
                "session_no_double_booking",
            ]
        ],
        migrations.RemoveIndex(model_name="session", name="session_patient_date_idx"),
        migrations.RemoveIndex(model_name="session", name="session_practitioner_date_idx"),
        migrations.RemoveConstraint(
            model_name="remindersent", name="email_once_per_session_kind_and_time"
        ),
        migrations.RemoveConstraint(
            model_name="practitioner", name="practitioner_authorization_has_expiry"
        ),
        migrations.RemoveConstraint(
            model_name="practitioner", name="practitioner_calendar_token_unique"
        ),
        migrations.RemoveConstraint(model_name="dayoff", name="day_off_once_per_date"),
        *[
            migrations.RenameField(
                model_name=model, old_name="practitioner", new_name="physiotherapist"
            )
            for model in [
                "treatmentcourse",
                "historicaltreatmentcourse",
                "session",
                "historicalsession",
                "workinghours",
                "dayoff",
            ]
        ],
        *[
            migrations.RenameField(model_name=model, old_name="session", new_name="visit")
            for model in ["sessionchart", "historicalsessionchart", "remindersent"]
        ],
        migrations.RenameModel("Session", "Visit"),
        migrations.RenameModel("HistoricalSession", "HistoricalVisit"),
        migrations.RenameModel("SessionChart", "Chart"),
        migrations.RenameModel("HistoricalSessionChart", "HistoricalChart"),
        migrations.RenameModel("Practitioner", "PhysiotherapistProfile"),
        migrations.RenameModel("HistoricalPractitioner", "HistoricalPhysiotherapistProfile"),
        migrations.RunPython(rename_permissions, restore_permission_names),
    ]
