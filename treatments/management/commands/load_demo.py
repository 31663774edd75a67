"""Fill a development database with a demo clinic and print the staff logins.

Safe to run again: staff are added only when missing, patients only into an empty clinic. It
refuses to run with DEBUG off, because the demo logins have published passwords.

With --visits it writes a clinic in bulk instead (treatments/demo_bulk.py), for the benchmark:
`load_demo --patients 50000 --visits 500000 --locations 5 --physiotherapists 40` takes a few
minutes, with a progress bar.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from patients.models import Patient
from treatments.demo import DEMO_STAFF, ONLINE_PATIENT, create_clinic, create_staff
from treatments.demo_bulk import MORE_LOCATIONS, bulk_staff, create_large_clinic

MAX_VISITS = 2_000_000
MAX_PHYSIOTHERAPISTS = 200


class Command(BaseCommand):
    help = "Load the demo clinic (development only) and print the staff logins."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--patients", type=int, default=40, help="How many demo patients.")
        parser.add_argument(
            "--visits",
            type=int,
            help="Write about this many visits in bulk, over months or years, instead of "
            "booking each through the services.",
        )
        parser.add_argument(
            "--locations", type=int, default=1, help="With --visits: how many locations."
        )
        parser.add_argument(
            "--physiotherapists",
            type=int,
            default=4,
            help="With --visits: how many physiotherapists, spread over the locations.",
        )

    def handle(self, *args, patients: int, visits: int | None, **options) -> None:
        if not settings.DEBUG:
            raise CommandError("The demo data has published passwords: run it only with DEBUG=1.")
        locations, physiotherapists = options["locations"], options["physiotherapists"]
        if not 0 <= patients <= 100_000:
            raise CommandError("--patients must be from 0 to 100000.")
        if visits is not None and not 0 <= visits <= MAX_VISITS:
            raise CommandError(f"--visits must be from 0 to {MAX_VISITS}.")
        if not 1 <= locations <= len(MORE_LOCATIONS) + 1:
            raise CommandError(f"--locations must be from 1 to {len(MORE_LOCATIONS) + 1}.")
        if not locations <= physiotherapists <= MAX_PHYSIOTHERAPISTS:
            raise CommandError(
                f"--physiotherapists must be from --locations to {MAX_PHYSIOTHERAPISTS}."
            )
        staff = DEMO_STAFF if visits is None else bulk_staff(physiotherapists)
        if Patient.objects.exists():
            create_staff(staff)
            self.stdout.write("The clinic already has patients: only missing staff were added.")
        elif visits is None:
            create_clinic(patients)
            self.stdout.write(f"Loaded a demo clinic with {patients} patients.")
            if patients > ONLINE_PATIENT:
                self.stdout.write(
                    f"Try the patient pages at http://127.0.0.1:8000/patients/online/ as "
                    f"patient{ONLINE_PATIENT + 1}@example.com (the link prints on the console)."
                )
        else:
            self.stdout.write(
                f"Writing {patients:,} patients and about {visits:,} visits at {locations} "
                f"location(s) with {physiotherapists} physiotherapists:"
            )
            written = self.write_in_bulk(patients, visits, locations, physiotherapists)
            self.stdout.write(
                f"Loaded a demo clinic with {written.patients:,} patients, "
                f"{written.visits:,} visits and {written.charts:,} charts."
            )
        self.stdout.write("Demo staff logins (sign in at http://127.0.0.1:8000/accounts/login/):")
        for username, password, _first, _last, role in staff[:8]:
            self.stdout.write(f"  {role:<16} {username:<8} {password}")
        if len(staff) > 8:
            self.stdout.write(f"  ... and {len(staff) - 8} more physiotherapists (physio07 ...)")

    def write_in_bulk(self, patients: int, visits: int, locations: int, physiotherapists: int):
        # Imported here: rich comes with the development tools, and only this needs it.
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        # On the error stream, so the output stays the summary; a bar only on a terminal.
        console = Console(stderr=True)
        columns = ["{task.description}", BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
        with Progress(*columns, console=console, disable=not console.is_terminal) as bar:
            task = bar.add_task("Patients and their records", total=patients)
            return create_large_clinic(
                patients,
                visits,
                locations=locations,
                physiotherapists=physiotherapists,
                progress=lambda written: bar.update(task, completed=written),
            )
