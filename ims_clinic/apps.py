from django.apps import AppConfig


class ImsClinicConfig(AppConfig):
    """The project package as an app: the audit trail, and hooks connected at start-up."""

    name = "ims_clinic"
    verbose_name = "IMS Clinic"

    def ready(self) -> None:
        # Importing them connects their receivers (the session clock, the audit trail).
        from ims_clinic import audit, middleware  # noqa: F401
