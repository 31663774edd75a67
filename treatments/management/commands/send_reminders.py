"""Email patients their appointment reminders and aftercare advice. Run it from cron every few
minutes: each email goes out once, however often it runs and even when two copies overlap."""

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError

from treatments.reminders import send_due_emails


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


class Command(BaseCommand):
    help = "Email reminders (24 to 48 hours before booked visits) and aftercare advice."

    def handle(self, *args, **options) -> None:
        try:
            outcome = send_due_emails()
        except (OperationalError, InterfaceError) as error:
            # One line for cron's email, and a non-zero exit. Every email sent was claimed
            # first, so the next run sends only those still due.
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise CommandError(
                f"The database did not answer ({reason}); emails not yet sent wait for the "
                "next run, which sends none twice."
            ) from None
        self.stdout.write(
            f"Sent {_count(outcome.reminders, 'reminder')} and "
            f"{_count(outcome.aftercare, 'aftercare email')}."
        )
        if outcome.failed:
            # A non-zero exit makes cron report it; the claims were rolled back, so the next
            # run tries these emails again.
            raise CommandError(
                f"{_count(outcome.failed, 'email')} could not be sent; the next run will retry."
            )
