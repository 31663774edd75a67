import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_throttle():
    """The requests' throttle counts in the cache: each test starts with none sent."""
    cache.clear()
    yield
    cache.clear()
