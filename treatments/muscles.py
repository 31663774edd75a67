"""The muscles IMS commonly needles, as kept in treatments/muscles.json: read by the migration
that first loads them, and by the tests that check the list the clinic starts with."""

import json
from pathlib import Path

MUSCLES_FILE = Path(__file__).with_name("muscles.json")


def muscle_list() -> tuple[str, list[dict]]:
    """(the anatomy source, one dict per muscle with the Muscle model's fields)."""
    data = json.loads(MUSCLES_FILE.read_text(encoding="utf-8"))
    return data["source"], data["muscles"]
