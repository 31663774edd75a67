"""The patients tests run on the one clock's day (tests/conftest.py), except in a browser:
the browser keeps real time, and a session cookie made on a frozen day would have expired."""

import pytest


@pytest.fixture(autouse=True)
def on_the_clocks_day(request):
    if request.node.get_closest_marker("browser") is None:
        request.getfixturevalue("clock")
