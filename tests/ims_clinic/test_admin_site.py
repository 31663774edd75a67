"""The admin site as a whole: what it answers to an address or a form it cannot use.

Every page of every model is also fuzzed, by each role, in test_admin_fuzz.py.
"""

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse

from content.models import Page
from patients.roles import FRONT_DESK
from tests.factories import make_patient, make_physiotherapist, make_user

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


PATIENTS = reverse("admin:patients_patient_changelist")
VISITS = reverse("admin:treatments_visit_changelist")
HUGE = "99999999999999999999"  # beyond SQLite's 64 bits


@pytest.fixture
def superuser(client):
    client.force_login(make_user(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "params",
    [
        {"date__year": "2026", "date__month": HUGE},
        {"date__year": HUGE},
        {"date__year": "9999"},  # a year whose end is beyond the last date Python knows
        {"date__year": "2026", "date__month": "3", "date__day": "-1"},
    ],
)
def test_a_date_the_list_cannot_show_is_refused_with_the_reason(superuser, params):
    response = superuser.get(VISITS, params)
    assert response.status_code == 400
    assert "This list has no dates with" in response.content.decode()


def test_the_date_hierarchy_still_narrows_the_list_to_a_day(superuser):
    params = {"date__year": "2026", "date__month": "3", "date__day": "10"}
    assert superuser.get(VISITS, params).status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"legal_last_name__regex": "["},  # SQLite's regex function failed
        {"legal_last_name__unaccent": "a"},  # a PostgreSQL function SQLite lacks
        {"archived_at__year": "0"},
        {"id__in": f"1,{HUGE}"},
        {"id__range": "1"},
    ],
)
def test_a_list_refuses_a_filter_it_does_not_offer(superuser, params):
    response = superuser.get(PATIENTS, params)
    assert response.status_code == 400
    assert "This list cannot be filtered by" in response.content.decode()


def test_a_list_takes_the_filters_it_offers(superuser):
    assert superuser.get(PATIENTS, {"archived_at__isempty": "1"}).status_code == 200


def test_a_moment_typed_without_its_time_zone_is_refused(superuser):
    # The filter's own links say the time zone; "0001-01-01" reached the database naive.
    url = reverse("admin:axes_accessattempt_changelist")
    response = superuser.get(url, {"attempt_time__gte": "0001-01-01"})
    assert response.status_code == 400
    assert "is not a date and time this list can be filtered by" in response.content.decode()
    assert superuser.get(url, {"attempt_time__gte": "2026-03-10 00:00:00-07:00"}).status_code == 200


def test_an_action_on_a_selection_that_names_no_record_changes_nothing(superuser):
    patient = make_patient()
    action = {"action": "archive", "index": "0"}
    response = superuser.post(PATIENTS, {**action, "_selected_action": ["abc", patient.pk]})
    assert response.status_code == 400
    assert "the selection names records that do not exist" in response.content.decode()
    assert superuser.post(PATIENTS, {**action, "_selected_action": HUGE}).status_code == 302
    patient.refresh_from_db()
    assert patient.archived_at is None


def test_an_editable_list_saved_with_an_id_too_big_saves_nothing(superuser):
    data = {"_save": "Save", "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1",
            "form-0-id": HUGE, "form-0-order": "99", "form-0-published": "on"}  # fmt: skip
    assert superuser.post(reverse("admin:content_page_changelist"), data).status_code == 200
    assert not Page.objects.filter(order=99).exists()


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:patients_consent_add",
        "admin:patients_screening_add",
        "admin:treatments_treatmentcourse_add",
        "admin:treatments_visit_add",
    ],
)
@pytest.mark.parametrize("patient", ["abc", HUGE, "1.5"])
def test_a_form_sent_back_naming_no_patient_is_shown_again_with_an_error(client, url_name, patient):
    # The autocomplete box looked the patient up as sent while the form was shown again.
    client.force_login(make_physiotherapist())
    assert client.get(reverse(url_name), {"patient": patient}).status_code == 200
    response = client.post(reverse(url_name), {"patient": patient})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_role_given_a_permission_that_cannot_be_is_refused_with_a_form_error(superuser):
    role = Group.objects.get(name=FRONT_DESK)
    url = reverse("admin:auth_group_change", args=[role.pk])
    response = superuser.post(url, {"name": role.name, "permissions": HUGE})
    assert response.status_code == 200
    assert f"{HUGE} is not one of the available choices" in response.content.decode()
    assert not role.permissions.exists()


def test_a_new_records_fields_filled_in_from_the_address_show_or_are_left_out(superuser):
    # A date and time field was given the address's text, which its widget cannot show.
    url = reverse("admin:otp_totp_totpdevice_add")
    for value in ["1", "2026-03-10 10:00", "9999-12-31 23:59"]:
        assert superuser.get(url, {"throttling_failure_timestamp": value}).status_code == 200


def test_a_moment_utc_cannot_hold_is_refused_with_a_form_error(superuser):
    # 23:59 on the last day Python knows, in Vancouver, is in the year 10000 in UTC.
    person = make_user()
    form = {"username": person.username, "first_name": "Sam", "last_name": "Staff",
            "is_active": "on", "date_joined_0": "9999-12-31", "date_joined_1": "23:59"}  # fmt: skip
    response = superuser.post(reverse("admin:auth_user_change", args=[person.pk]), form)
    assert response.status_code == 200
    assert "in UTC, this one is outside the years 1 to 9999" in response.content.decode()
    person.refresh_from_db()
    assert person.date_joined.year < 9999


def test_a_superuser_cleans_up_expired_sign_in_attempts(superuser):
    # axes' own action read a time its sign-in handlers set, and failed on every run.
    url = reverse("admin:axes_accessattempt_changelist")
    action = {"action": "cleanup_expired_attempts", "index": "0", "select_across": "1"}
    response = superuser.post(url, {**action, "_selected_action": "1"}, follow=True)
    assert response.redirect_chain[0][1] == 302
    assert "Cleaned up 0 expired access attempts" in response.content.decode()
