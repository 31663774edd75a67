"""The admin site as a whole: every list of records, filtered by whatever is in the address."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db

# The parameters Django's list filters read, for a filter on `field`.
FILTER_PARAMETERS = ["{}", "{}__exact", "{}__isnull", "{}__isempty", "{}__id__exact"]


def filter_parameters() -> dict[str, list[str]]:
    """The parameters of each list filter of each list in the admin, by changelist URL name."""
    found = {}
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        for list_filter in model_admin.list_filter:
            field = list_filter[0] if isinstance(list_filter, tuple) else list_filter
            if isinstance(field, str):
                parameters = [parameter.format(field) for parameter in FILTER_PARAMETERS]
            else:  # a SimpleListFilter names its own parameter
                parameters = [field.parameter_name]
            found.setdefault(name, []).extend(parameters)
    return found


FILTERED_LISTS = filter_parameters()


@pytest.mark.parametrize("url_name", sorted(FILTERED_LISTS))
def test_a_list_filtered_by_a_nul_character_is_refused_not_an_error(client, url_name):
    # PostgreSQL cannot compare text with a NUL character: the list filters of text fields
    # passed it to their query, which failed with a server error.
    client.force_login(make_user(is_staff=True, is_superuser=True))
    client.raise_request_exception = False
    answers = {
        p: client.get(reverse(url_name), {p: "a\x00b"}).status_code
        for p in FILTERED_LISTS[url_name]
    }
    assert {parameter: status for parameter, status in answers.items() if status >= 500} == {}


def test_the_admin_answers_an_address_with_a_nul_character_with_a_bad_request(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    url = reverse("admin:treatments_visit_changelist")
    assert client.get(url, {"status__exact": "booked\x00"}).status_code == 400
    assert client.get(url, {"status__exact": "booked"}).status_code == 200
