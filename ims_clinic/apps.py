from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp import apps as otp_totp_apps


class ImsClinicConfig(AppConfig):
    """The project package as an app: the audit trail, and hooks connected at start-up."""

    default = True  # this module has three configs; "ims_clinic" in INSTALLED_APPS is this one
    name = "ims_clinic"
    verbose_name = _("IMS Clinic")

    def ready(self) -> None:
        # Importing them connects their receivers (the session clock, the audit trail) and
        # registers the clinic's lookups.
        from ims_clinic import audit, axes_admin, lookups, middleware  # noqa: F401

        # The admin (first in INSTALLED_APPS, so ready first) has registered axes' admins.
        axes_admin.register()


class TwoStepDevicesConfig(otp_totp_apps.DefaultConfig):
    """django-otp's authenticator apps, under a heading clinic admins know in the admin."""

    default = False
    verbose_name = _("Two-step sign-in")


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by the clinic's admin site (ims_clinic/admin.py)."""

    default = False
    default_site = "ims_clinic.admin.ClinicAdminSite"
