"""The translation catalogues in locale/: brought up to date (`make messages`), or checked
(`make messages-check`, in CI).

The check fails when makemessages would add, change or drop a msgid (or a flag such as fuzzy)
in a catalogue, that is when a string was written or changed without `make messages`, or when
a catalogue does not compile. Source references (#: lines, file names only) and the creation
date are left out of the comparison: moving a string within the code is not a change. The
catalogues are put back exactly as they were afterwards.

With --complete (what `make messages-check` runs) an untranslated or fuzzy entry in any
language fails it too: every catalogue covers every string, staff pages included, so a new
string lands with its four translations. Without it they are only counted, for work under way.
"""

# gettext's own msgfmt, with fixed arguments.
import subprocess  # nosec B404
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import to_locale

# Every language but the source one, English, has a catalogue.
LOCALES = [to_locale(code) for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
# What is not the app's own: other people's code, built files, and the tests.
IGNORE = [".venv/*", "node_modules/*", "staticfiles/*", "var/*", "build/*", "bench/*", "tests/*"]
LEFT_OUT = ("#:", '"POT-Creation-Date:')


def update() -> None:
    call_command(
        "makemessages",
        locale=LOCALES,
        ignore_patterns=IGNORE,
        add_location="file",
        no_obsolete=True,
        verbosity=0,
    )


def catalogues() -> list[Path]:
    root = Path(settings.LOCALE_PATHS[0])
    return [root / locale / "LC_MESSAGES" / "django.po" for locale in LOCALES]


def compared(text: str) -> list[str]:
    return [line for line in text.splitlines() if not line.startswith(LEFT_OUT)]


def statistics(po: Path) -> str:
    """msgfmt's count of translated, fuzzy and untranslated entries; fails if it won't compile."""
    done = subprocess.run(  # noqa: S603  # nosec B603
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],  # noqa: S607
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise CommandError(f"{po} does not compile:\n{done.stderr}")
    return done.stderr.strip().splitlines()[-1]  # after any warnings about the header


class Command(BaseCommand):
    help = "Update the translation catalogues, or with --check fail if they are out of date."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--check", action="store_true", help="Change nothing; fail if stale.")
        parser.add_argument(
            "--complete", action="store_true", help="Also fail on untranslated or fuzzy entries."
        )

    def handle(self, *args, check: bool, complete: bool, **options) -> None:
        if not check:
            update()
            return
        before = {po: po.read_bytes() if po.exists() else None for po in catalogues()}
        try:
            update()
            stale = [
                po
                for po, text in before.items()
                if text is None or compared(text.decode()) != compared(po.read_text())
            ]
        finally:
            for po, text in before.items():
                if text is None:
                    po.unlink(missing_ok=True)
                else:
                    po.write_bytes(text)
        if stale:
            names = ", ".join(str(po.relative_to(settings.BASE_DIR)) for po in stale)
            raise CommandError(f"Out of date: {names}. Run `make messages` and commit them.")
        incomplete = []
        for po in catalogues():
            counts = statistics(po)
            self.stdout.write(f"{po.parent.parent.name}: {counts}")
            if "untranslated" in counts or "fuzzy" in counts:
                incomplete.append(po.parent.parent.name)
        if complete and incomplete:
            raise CommandError(f"Not fully translated: {', '.join(incomplete)}.")
