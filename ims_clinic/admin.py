"""The clinic's admin site: Django's, refusing an address that holds a NUL character."""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import BadRequest


class ClinicAdminSite(admin.AdminSite):
    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(checked)
        def refusing_nul(request, *args, **kwargs):
            # The admin's list filters pass what the address says to their query, and
            # PostgreSQL cannot compare text with a NUL character: a server error, not a 400.
            for key, values in request.GET.lists():
                if any("\x00" in text for text in [key, *values]):
                    raise BadRequest("A NUL character is not allowed in the address.")
            return checked(request, *args, **kwargs)

        return refusing_nul
