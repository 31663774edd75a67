"""Link the free-text muscles of charts written before the muscle list to the list, where the
spelling is certain, and report the rest for a physiotherapist to read."""

from django.core.management.base import BaseCommand

from treatments.charting import map_muscle_names


class Command(BaseCommand):
    help = (
        "Link free-text muscles of earlier charts to the clinic's muscle list where the "
        "spelling means one listed muscle only; list the spellings left as free text."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        mapped, left = map_muscle_names(dry_run=dry_run)
        verb = "Would link" if dry_run else "Linked"
        for (spelling, name), count in sorted(mapped.items()):
            self.stdout.write(f"{verb} “{spelling}” to {name}: {count} site(s).")
        for spelling, count in sorted(left.items()):
            self.stdout.write(f"Left as free text, not certain: “{spelling}”: {count} site(s).")
        sites = sum(mapped.values())
        self.stdout.write(
            f"{sites} site(s) {'would be ' if dry_run else ''}linked; "
            f"{sum(left.values())} left as free text."
        )
