from django.apps import AppConfig


class ImsClinicConfig(AppConfig):
    """The project package as an app, so its sign-in hook is connected at start-up."""

    name = "ims_clinic"
    verbose_name = "IMS Clinic"

    def ready(self) -> None:
        from ims_clinic import middleware  # noqa: F401 (connects start_session_clock)
