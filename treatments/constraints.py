"""Database constraints that only PostgreSQL can hold.

The weekly rule and the physiotherapist overlap rule are exclusion constraints over ranges, which
SQLite has no way to express. On SQLite these constraints produce no SQL at all; there the rule
in treatments/booking/rules.py runs inside an IMMEDIATE transaction, so writes are serialized.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateRangeField, DateTimeRangeField
from django.db.models import Func


class DateRange(Func):
    function = "DATERANGE"
    output_field = DateRangeField()


class TimestampRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class TimeOfDayRange(Func):
    """A time of day as a range on one fixed day, so two rows' hours can be compared for
    overlap (PostgreSQL has no range of times)."""

    template = "TSRANGE(DATE '2000-01-03' + %(expressions)s, '[)')"
    arg_joiner = ", DATE '2000-01-03' + "
    output_field = DateTimeRangeField()


class PostgresExclusionConstraint(ExclusionConstraint):
    def constraint_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().constraint_sql(model, schema_editor)

    def create_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().create_sql(model, schema_editor)

    def remove_sql(self, model, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return None
        return super().remove_sql(model, schema_editor)
