"""What every model admin of the clinic's site is given: input that cannot name a record, or a
filter a list does not offer, is answered with a form error or a 400, never a server error.

ClinicAdminSite (ims_clinic/admin.py) mixes CheckedInputAdmin into each model admin it
registers, the clinic's own and those of auth, axes and django-otp alike.
"""

from datetime import MAXYEAR, MINYEAR, UTC, datetime

from django.contrib.admin import DateFieldListFilter, helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import BadRequest, FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _


def could_be_key(key_field: models.Field, value) -> bool:
    """Whether the value could be a key of the field's records (a number, for an id)."""
    try:
        key_field.to_python(value)
    except ValidationError:
        return False
    return True


def read_as(field: models.Field, value):
    """The value as the field reads it; a many-to-many's as a list of keys."""
    if field.many_to_many:
        key_field = field.remote_field.model._meta.pk
        return [key_field.to_python(key) for key in value]
    return field.to_python(value)


def validate_storable_moment(moment: datetime) -> None:
    """A moment must be one UTC can hold too: the databases keep it so (9999-12-31 at 23:00 in
    Vancouver is already in the year 10000 there)."""
    try:
        moment.astimezone(UTC)
    except OverflowError:
        raise ValidationError(
            _(
                "Enter a date and time that can be stored: in UTC, this one is outside the "
                "years 1 to 9999."
            ),
            code="out_of_range",
        ) from None


def is_storable_moment(text: str) -> bool:
    """Whether the text is a date and time with its time zone, which UTC can hold too."""
    try:
        moment = parse_datetime(text)
        if moment is None or timezone.is_naive(moment):
            return False
        validate_storable_moment(moment)
    except (ValueError, ValidationError):
        return False
    return True


class CheckedAutocompleteMixin:
    """An autocomplete box that, when a form is shown again, looks up only the values that
    could be keys of the records it offers.

    Django's looks up whatever was sent, so a form sent back with `patient=abc` failed with a
    server error while showing its own "Select a valid choice" message.
    """

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        # As Django's optgroups finds it: a many-to-many names records by their primary key.
        opts = remote.model._meta
        key_field = opts.get_field(getattr(remote, "field_name", opts.pk.name))
        keys = [v for v in value if could_be_key(key_field, v)]
        return super().optgroups(name, keys, attr)


class CheckedAutocompleteSelect(CheckedAutocompleteMixin, AutocompleteSelect):
    pass


class CheckedAutocompleteSelectMultiple(CheckedAutocompleteMixin, AutocompleteSelectMultiple):
    pass


# The parts of a date the list's date hierarchy reads from the address, and their bounds. The
# years stop short of Python's first and last, where a day, month or year of the list would
# begin or end outside the dates Python and the databases hold.
DATE_PARTS = {"year": (MINYEAR + 1, MAXYEAR - 1), "month": (1, 12), "day": (1, 31)}


class CheckedChangeList(ChangeList):
    """A list filtered only the ways it offers: by its list filters, and by the dates of its
    date hierarchy, each within the dates the databases hold.

    Django's passes any other lookup on the model's own fields from the address to the
    database: `?name__regex=[` or `?created__year=0` failed there with a server error.
    """

    def get_filters(self, request):
        self._check_date_hierarchy()
        filter_specs, has_filters, remaining, *rest = super().get_filters(request)
        self._check_offered(remaining)
        for spec in filter_specs:
            if isinstance(spec, DateFieldListFilter):
                self._check_moments(spec)
        return filter_specs, has_filters, remaining, *rest

    def _check_date_hierarchy(self) -> None:
        if not self.date_hierarchy:
            return
        for part, (low, high) in DATE_PARTS.items():
            value = self.params.get(f"{self.date_hierarchy}__{part}")
            if value is None:
                continue
            value = value[-1] if isinstance(value, list) else value
            if not (value.isascii() and value.isdigit() and low <= int(value) <= high):
                raise BadRequest(
                    _("This list has no dates with %(part)s “%(value)s”.")
                    % {"part": part, "value": value}
                )

    def _check_offered(self, remaining: dict) -> None:
        if self.date_hierarchy and f"{self.date_hierarchy}__year" in self.params:
            # The date hierarchy's own bounds, made from the year, month and day above.
            taken = {f"{self.date_hierarchy}__gte", f"{self.date_hierarchy}__lt"}
        else:
            taken = set()
        unoffered = sorted(set(remaining) - taken)
        if unoffered:
            raise BadRequest(
                _("This list cannot be filtered by %(names)s.") % {"names": ", ".join(unoffered)}
            )

    def _check_moments(self, spec: DateFieldListFilter) -> None:
        """The filter's links give moments with their time zone; one typed without, or that
        UTC cannot hold, failed as the database was asked for it."""
        if not isinstance(spec.field, models.DateTimeField):
            return
        for name in [spec.lookup_kwarg_since, spec.lookup_kwarg_until]:
            for value in spec.used_parameters.get(name, []):
                if not is_storable_moment(value):
                    raise BadRequest(
                        _("“%(value)s” is not a date and time this list can be filtered by.")
                        % {"value": value}
                    )


class CheckedInputAdmin:
    """Mixed into every model admin of the clinic's site (see the module's docstring)."""

    def get_changelist(self, request, **kwargs):
        return CheckedChangeList

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = CheckedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        form_field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, models.DateTimeField) and form_field is not None:
            form_field.validators.append(validate_storable_moment)
        return form_field

    def get_changeform_initial_data(self, request):
        # Django fills a new record's fields in from the address as text, which a date and
        # time widget cannot show: each value is read as its field reads it, or left out.
        initial = super().get_changeform_initial_data(request)
        for name, value in list(initial.items()):
            try:
                field = self.opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if not field.concrete:
                continue
            try:
                initial[name] = read_as(field, value)
            except ValidationError:
                del initial[name]
        return initial

    def history_view(self, request, object_id, extra_context=None):
        # django-simple-history's looks the record up as the address names it: a word, where
        # an id is a number, failed there. Django's own answers so for a record not found.
        if not could_be_key(self.opts.pk, unquote(object_id)):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def response_action(self, request, queryset):
        # Django filters the list by the ids as sent: one that is not a number failed there.
        selected = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME)
        if not all(could_be_key(self.model._meta.pk, value) for value in selected):
            raise BadRequest(
                _("Nothing was changed: the selection names records that do not exist.")
            )
        return super().response_action(request, queryset)
