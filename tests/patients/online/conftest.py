import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_throttle():
    """The link throttle counts in the cache: each test starts with none asked for."""
    cache.clear()
    yield
    cache.clear()
