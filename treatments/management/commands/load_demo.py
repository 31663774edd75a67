"""Fill a development database with a demo clinic and print the staff logins.

Safe to run again: staff are added only when missing, patients only into an empty clinic. It
refuses to run with DEBUG off, because the demo logins have published passwords.

With --visits it writes a large clinic in bulk instead (treatments/demo_bulk.py), for the
benchmark: `load_demo --patients 50000 --visits 500000` takes a few minutes.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from patients.models import Patient
from treatments.demo import DEMO_STAFF, create_clinic, create_staff
from treatments.demo_bulk import BULK_STAFF, create_large_clinic

MAX_VISITS = 2_000_000


class Command(BaseCommand):
    help = "Load the demo clinic (development only) and print the staff logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--patients", type=int, default=40, help="How many demo patients.")
        parser.add_argument(
            "--visits",
            type=int,
            help="Write about this many visits in bulk, over years and six physiotherapists, "
            "instead of booking each through the services.",
        )

    def handle(self, *args, patients: int, visits: int | None, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo data has published passwords: run it only with DEBUG=1.")
        if not 0 <= patients <= 100_000:
            raise CommandError("--patients must be from 0 to 100000.")
        if visits is not None and not 0 <= visits <= MAX_VISITS:
            raise CommandError(f"--visits must be from 0 to {MAX_VISITS}.")
        staff = DEMO_STAFF if visits is None else BULK_STAFF
        if Patient.objects.exists():
            create_staff(staff)
            self.stdout.write("The clinic already has patients: only missing staff were added.")
        elif visits is None:
            create_clinic(patients)
            self.stdout.write(f"Loaded a demo clinic with {patients} patients.")
        else:
            self.stdout.write(f"Writing {patients:,} patients and about {visits:,} visits:")
            written = create_large_clinic(patients, visits, progress=self.stdout.write)
            self.stdout.write(
                f"Loaded a demo clinic with {written.patients:,} patients, "
                f"{written.visits:,} visits and {written.charts:,} charts."
            )
        self.stdout.write("Demo staff logins (sign in at http://127.0.0.1:8000/accounts/login/):")
        for username, password, _first, _last, role in staff:
            self.stdout.write(f"  {role:<16} {username:<8} {password}")
