import pytest

from treatments.models import Instrument
from treatments.outcomes.instruments import definitions


@pytest.fixture
def instruments(db) -> dict[str, Instrument]:
    """Every shipped instrument as a row, by code, as the data migration leaves them."""
    return {
        code: Instrument.objects.update_or_create(
            code=code, defaults={"title": definition["title"], "definition": definition}
        )[0]
        for code, definition in definitions().items()
    }
