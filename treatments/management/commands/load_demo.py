"""Fill a development database with a demo clinic and print the staff logins.

Safe to run again: it only adds what is missing. It refuses to run with DEBUG off, because the
demo logins have published passwords.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

DEMO_STAFF = [
    # username, password, first name, last name, role
    ("admin", "demo-admin-2026", "Alex", "Admin", "Clinic admin"),
]


class Command(BaseCommand):
    help = "Load the demo clinic (development only) and print the staff logins."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo data has published passwords: run it only with DEBUG=1.")
        User = get_user_model()
        for username, password, first_name, last_name, _role in DEMO_STAFF:
            if not User.objects.filter(username=username).exists():
                User.objects.create_superuser(
                    username=username,
                    password=password,
                    first_name=first_name,
                    last_name=last_name,
                    email=f"{username}@example.com",
                )
        self.stdout.write("Demo staff logins (sign in at http://127.0.0.1:8000/accounts/login/):")
        for username, password, _first, _last, role in DEMO_STAFF:
            self.stdout.write(f"  {role:<14} {username:<10} {password}")
