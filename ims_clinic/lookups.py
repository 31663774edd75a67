"""Lookups the clinic registers on Django's fields, for input no column can hold."""

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    """`in` leaving out the numbers the column cannot hold, which match nothing.

    Django's exact and comparison lookups already treat such numbers so (IntegerFieldOverflow),
    but not `in`: SQLite fails with OverflowError on a number beyond 64 bits, and an id typed
    into an address or a form (a list's action, a many-to-many choice, an autocomplete box)
    reaches it through `pk__in`.
    """

    def batch_process_rhs(self, compiler, connection, rhs=None):
        low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
        storable = [
            value
            for value in (self.rhs if rhs is None else rhs)
            if not isinstance(value, int)
            or ((low is None or value >= low) and (high is None or value <= high))
        ]
        if not storable:
            raise EmptyResultSet
        return super().batch_process_rhs(compiler, connection, storable)
