from django.apps import AppConfig
from django_otp.plugins.otp_totp import apps as otp_totp_apps


class ImsClinicConfig(AppConfig):
    """The project package as an app, so its sign-in hook is connected at start-up."""

    name = "ims_clinic"
    verbose_name = "IMS Clinic"
    default = True  # this module has two configs

    def ready(self) -> None:
        from ims_clinic import middleware  # noqa: F401 (connects start_session_clock)


class TwoStepDevicesConfig(otp_totp_apps.DefaultConfig):
    """django-otp's authenticator apps, under a heading clinic admins know in the admin."""

    verbose_name = "Two-step sign-in"
