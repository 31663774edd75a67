import pytest

from tests.factories import make_course


@pytest.fixture
def course(patient, physiotherapist):
    """Avery's course with Priya, begun 60 days before the clock's day."""
    return make_course(patient, physiotherapist)
