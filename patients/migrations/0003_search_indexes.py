"""Indexes for the patient search on a clinic with years of records.

The search matches any part of a name or phone number ("contains"), which a b-tree index
cannot serve: on PostgreSQL, trigram (pg_trgm) GIN indexes can. They are not in Patient.Meta
because SQLite has no GIN indexes; this migration adds them on PostgreSQL only. The email is
matched whole, case-insensitively, through an ordinary index on UPPER(email), so that no part
of the search's OR falls back to reading every patient.
"""

import django.db.models.functions.text
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

# UPPER(...): Django's icontains compares UPPER(column) LIKE UPPER('%word%').
TRIGRAM_INDEXES = {
    "patient_first_name_trgm": 'UPPER("legal_first_name") gin_trgm_ops',
    "patient_last_name_trgm": 'UPPER("legal_last_name") gin_trgm_ops',
    "patient_preferred_name_trgm": 'UPPER("preferred_name") gin_trgm_ops',
    "patient_phone_digits_trgm": '"phone_digits" gin_trgm_ops',
}


def create_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, expression in TRIGRAM_INDEXES.items():
            schema_editor.execute(
                f'CREATE INDEX "{name}" ON "patients_patient" USING gin ({expression})'
            )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in TRIGRAM_INDEXES:
            schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0002_long_change_reasons"),
    ]

    operations = [
        TrigramExtension(),  # does nothing on SQLite
        migrations.RunPython(create_trigram_indexes, drop_trigram_indexes),
        migrations.AddIndex(
            model_name="patient",
            index=models.Index(
                django.db.models.functions.text.Upper("email"), name="patient_email_upper_idx"
            ),
        ),
    ]
