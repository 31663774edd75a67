"""The clinic's admin site: Django's, answering input it cannot use with a 400 that says why.

Every model admin registered on it is given CheckedInputAdmin (ims_clinic/admin_input.py).
"""

from functools import wraps

from django.contrib import admin
from django.core.exceptions import BadRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from ims_clinic.admin_input import CheckedInputAdmin


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

    def register(self, model_or_iterable, admin_class=None, **options):
        # The admins of auth, axes and django-otp are registered here too: each is given the
        # checks as it comes, so no model of the site is left without them.
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, CheckedInputAdmin):
            admin_class = type(
                admin_class.__name__,
                (CheckedInputAdmin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def admin_view(self, view, cacheable=False):
        @wraps(view)
        def answering_bad_input(request, *args, **kwargs):
            try:
                refuse_nul(request)
                return view(request, *args, **kwargs)
            except BadRequest as refusal:
                return self.bad_request(request, refusal)

        # Inside Django's wrapper: a visitor is sent to sign in, whatever the address holds.
        return super().admin_view(answering_bad_input, cacheable)

    def bad_request(self, request, refusal: BadRequest) -> TemplateResponse:
        context = {
            **self.each_context(request),
            "title": _("This address cannot be used"),
            "reason": str(refusal),
        }
        return TemplateResponse(request, "admin/bad_request.html", context, status=400)


def refuse_nul(request) -> None:
    # The admin's list filters pass what the address says to their query, and PostgreSQL
    # cannot compare text with a NUL character: a server error, not a 400.
    for key, values in request.GET.lists():
        if any("\x00" in text for text in [key, *values]):
            raise BadRequest(_("A NUL character is not allowed in the address."))
