"""Signing in: Django's model backend, reading with the user what every staff page asks next."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from patients.roles import ALL_ROLES

ROLE_FLAGS = {role: f"holds_role_{n}" for n, role in enumerate(ALL_ROLES)}


class StaffBackend(ModelBackend):
    """Every signed-in page reads the user, their roles (the menu, the view's role check) and
    whether they have an authenticator app (the two-step check): one query instead of three."""

    def get_user(self, user_id):
        User = get_user_model()
        memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"))
        user = (
            User._default_manager.annotate(
                **{flag: Exists(memberships.filter(group__name=role))
                   for role, flag in ROLE_FLAGS.items()},
                has_two_step_device=Exists(
                    TOTPDevice.objects.filter(user_id=OuterRef("pk"), confirmed=True)
                ),
            )
            .filter(pk=user_id)
            .first()
        )  # fmt: skip
        if user is None or not self.user_can_authenticate(user):
            return None
        if not user.is_superuser:  # patients.roles gives a superuser every role
            user._role_names = {role for role, flag in ROLE_FLAGS.items() if getattr(user, flag)}
        return user
