from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

USERNAME_MAX_LENGTH = 150


class StaffAuthenticationForm(AuthenticationForm):
    """Django's sign-in form, refusing an over-long username before anything looks it up.

    AuthenticationForm sets the field's max_length after the field is built, so the length is
    never checked; an over-long name would reach the sign-in throttle's records (255 characters)
    and fail there.
    """

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if len(username) > USERNAME_MAX_LENGTH:
            raise ValidationError(f"Usernames have at most {USERNAME_MAX_LENGTH} characters.")
        return username
