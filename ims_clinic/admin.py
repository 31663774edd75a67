"""The clinic's admin site: Django's, refusing an address that holds a NUL character."""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import BadRequest
from django.utils import timezone


class ClinicAdminSite(admin.AdminSite):
    def index(self, request, extra_context=None):
        """Clinic admins see, first thing, the needling authorizations that need renewing."""
        # Imported here: this site is made with the admin app, before the clinic's models load.
        from patients.roles import CLINIC_ADMIN, has_role
        from treatments.booking.rules import AUTHORIZATION_NOTICE_DAYS
        from treatments.models import PhysiotherapistProfile

        extra_context = {"today": timezone.localdate(), **(extra_context or {})}
        if has_role(request.user, CLINIC_ADMIN):
            extra_context["expiring_authorizations"] = list(
                PhysiotherapistProfile.objects.authorization_expiring(AUTHORIZATION_NOTICE_DAYS)
            )
        return super().index(request, extra_context)

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
