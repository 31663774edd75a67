"""Fill a development database with a demo clinic and print the staff logins.

Safe to run again: staff are added only when missing, patients only into an empty clinic. It
refuses to run with DEBUG off, because the demo logins have published passwords.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from patients.models import Patient
from treatments.demo import DEMO_STAFF, create_clinic, create_staff


class Command(BaseCommand):
    help = "Load the demo clinic (development only) and print the staff logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--patients", type=int, default=40, help="How many demo patients.")

    def handle(self, *args, patients: int, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo data has published passwords: run it only with DEBUG=1.")
        if not 0 <= patients <= 100_000:
            raise CommandError("--patients must be from 0 to 100000.")
        if Patient.objects.exists():
            create_staff()
            self.stdout.write("The clinic already has patients: only missing staff were added.")
        else:
            create_clinic(patients)
            self.stdout.write(f"Loaded a demo clinic with {patients} patients.")
        self.stdout.write("Demo staff logins (sign in at http://127.0.0.1:8000/accounts/login/):")
        for username, password, _first, _last, role in DEMO_STAFF:
            self.stdout.write(f"  {role:<16} {username:<8} {password}")
