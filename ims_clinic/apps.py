from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ImsClinicConfig(AppConfig):
    """The project package as an app, so its sign-in hook is connected at start-up."""

    default = True  # the app "ims_clinic" in INSTALLED_APPS, not the admin's below
    name = "ims_clinic"
    verbose_name = "IMS Clinic"

    def ready(self) -> None:
        from ims_clinic import middleware  # noqa: F401 (connects start_session_clock)


class ClinicAdminConfig(admin_apps.AdminConfig):
    """Django's admin, served by the clinic's admin site (ims_clinic/admin.py)."""

    default = False
    default_site = "ims_clinic.admin.ClinicAdminSite"
