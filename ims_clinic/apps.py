from django.apps import AppConfig
from django_otp.plugins.otp_totp import apps as otp_totp_apps


class ImsClinicConfig(AppConfig):
    """The project package as an app: the audit trail, and hooks connected at start-up."""

    name = "ims_clinic"
    verbose_name = "IMS Clinic"
    default = True  # this module has two configs

    def ready(self) -> None:
        # Importing them connects their receivers (the session clock, the audit trail).
        from ims_clinic import audit, middleware  # noqa: F401


class TwoStepDevicesConfig(otp_totp_apps.DefaultConfig):
    """django-otp's authenticator apps, under a heading clinic admins know in the admin."""

    verbose_name = "Two-step sign-in"
