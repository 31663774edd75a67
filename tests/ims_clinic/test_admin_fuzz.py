"""Every page of the admin, fed made-up input by each role that may open it.

The pages, and what each is sent, are read from the admin site's registry: each list's filters,
date hierarchy, search, ordering, actions and editable columns, each form's fields and inlines.
So a model registered later is fuzzed too. Whatever is sent (numbers too big for any database,
ids that are not numbers, impossible dates, NUL bytes, markup), the answer is a page, a redirect
or a refusal (400, 403), never a server error; and unless the answer is a redirect, nothing was
saved. Each example runs in a savepoint that is rolled back, so no example sees another's data.
"""

from dataclasses import dataclass
from datetime import time, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import time_machine
from axes.models import AccessAttempt, AccessFailureLog
from django import forms
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.db import transaction
from django.test import Client, RequestFactory
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, event, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.factories import (
    INITIAL_ASSESSMENT,
    TODAY,
    chart_visit,
    make_clinic_admin,
    make_front_desk,
    make_physiotherapist,
    make_user,
    make_visit,
    ready_for_needling,
)
from tests.ims_clinic.test_forms_fuzz import (
    LIVE_SCRIPT,
    MISSING,
    NOON,
    form_data,
    junk,
    plausible,
    spoiled,
)
from treatments.models import AppointmentRequest, DayOff, ReminderSent, Visit, WorkingHours

pytestmark = pytest.mark.django_db

# Ids and numbers as a tampered address or form carries them: too big for SQLite's 64 bits or
# PostgreSQL's 32, negative, not whole, in another script, not numbers at all.
ODD_NUMBERS = [
    "99999999999999999999", "9223372036854775808", "-9223372036854775809", "2147483648", "-1",
    "0", "1.5", "1e3", "abc", " 7", "\uff17", "1,2", "",
]  # fmt: skip
odd_numbers = st.sampled_from(ODD_NUMBERS) | st.integers().map(str)
hostile = junk | odd_numbers
# The first and last days Python knows: a day before or after them, or the moment in UTC,
# cannot be.
edge_days = st.sampled_from(["0001-01-01", "0001-01-02", "9999-12-30", "9999-12-31"])

# Half the profile's examples for each kind of page of each model: ten under the repeatable
# profile, as the suite runs on every `make test`; 150 under HYPOTHESIS_PROFILE=explore. The
# records are made once for the module; each example is rolled back.
PER_MODEL = hypothesis_settings(
    max_examples=max(1, hypothesis_settings.default.max_examples // 2),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
STAFF = ["superuser", "clinic admin", "physiotherapist"]
MODELS = {
    f"{model._meta.app_label}.{model._meta.model_name}": model_admin
    for model, model_admin in admin.site._registry.items()
}


@dataclass
class Clinic:
    """The staff, each signed in on a client of their own, and what each may do."""

    users: dict
    clients: dict[str, Client]

    def request_by(self, role: str):
        request = RequestFactory().get("/admin/")
        request.user = self.users[role]
        return request

    def who_may(self, permission: str, model_admin, obj=None) -> list[str]:
        """The roles the model admin gives the permission: view_or_change, add or change."""
        check = getattr(model_admin, f"has_{permission}_permission")
        args = [] if permission == "add" else [obj]
        return [role for role in STAFF if check(self.request_by(role), *args)]


@pytest.fixture(scope="module")
def clinic(django_db_setup, django_db_blocker):
    """A clinic with a record of every model in the admin, and its staff signed in, at noon.

    Made once for the module, in a transaction rolled back at its end; each test, and each
    example, rolls back its own changes inside it."""
    travel = time_machine.travel(NOON, tick=False)
    with django_db_blocker.unblock(), transaction.atomic(), travel:
        yield Clinic(*staff_signed_in())
        transaction.set_rollback(True)


def staff_signed_in() -> tuple[dict, dict]:
    users = {
        "superuser": make_user(is_staff=True, is_superuser=True),
        "clinic admin": make_clinic_admin(),
        "physiotherapist": make_physiotherapist(),
        "front desk": make_front_desk(),
    }
    physiotherapist = users["physiotherapist"]
    course = ready_for_needling(physiotherapist=physiotherapist)
    charted = make_visit(course, TODAY - timedelta(days=21), status=Visit.Status.ATTENDED)
    chart_visit(charted, physiotherapist, sites=2)
    make_visit(course, TODAY + timedelta(days=8))
    assessment = make_visit(
        None, TODAY - timedelta(days=30), kind=INITIAL_ASSESSMENT, patient=course.patient,
        physiotherapist=physiotherapist,
    )  # fmt: skip
    chart_visit(assessment, physiotherapist)
    ReminderSent.objects.create(visit=charted, kind="reminder", for_starts_at=NOON)
    AppointmentRequest.objects.create(
        first_name="Jordan", last_name="Reyes", date_of_birth=TODAY.replace(year=1985),
        email="jordan@example.com", phone="604-555-0123", problem="Sore shoulder",
        times_that_suit="Mornings",
    )  # fmt: skip
    WorkingHours.objects.create(
        physiotherapist=physiotherapist, weekday=1, starts_at=time(9), ends_at=time(17)
    )
    DayOff.objects.create(physiotherapist=physiotherapist, date=TODAY + timedelta(days=14))
    # Not the signed-in clinic admin's: with a device, the second step would be asked for.
    TOTPDevice.objects.create(user=make_clinic_admin(), name="Phone", confirmed=True)
    attempt = {"user_agent": "Firefox", "ip_address": "203.0.113.5", "username": "nobody",
               "http_accept": "*/*", "path_info": reverse("login")}  # fmt: skip
    AccessAttempt.objects.create(**attempt, get_data="", post_data="", failures_since_start=1)
    AccessFailureLog.objects.create(**attempt)
    # Each signs in on a client of their own (which also leaves an access log). The clock
    # stays stopped for the module, so none is signed out for idling.
    clients = {role: Client() for role in users}
    for role, client in clients.items():
        client.force_login(users[role])
    return users, clients


def first_record(model_admin):
    return model_admin.model._base_manager.order_by("pk").first()


def rows(model_admin) -> list[dict]:
    return list(model_admin.model._base_manager.order_by("pk").values())


def url_of(model_admin, page: str, *args) -> str:
    opts = model_admin.model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=args)


def assert_answered_safely(response, before: list[dict], model_admin) -> None:
    event(f"answered {response.status_code}")
    assert response.status_code < 500
    assert LIVE_SCRIPT not in response.content
    if response.status_code == 302:
        assert urlsplit(response["Location"]).netloc in {"", "testserver"}
    else:
        assert rows(model_admin) == before, "saved, yet answered without a redirect"


def test_the_clinic_holds_a_record_of_every_model_in_the_admin(clinic):
    # Without one, a model's change page would be fuzzed with made-up ids only.
    assert [label for label, model_admin in MODELS.items() if not first_record(model_admin)] == []


def test_the_front_desk_is_sent_to_sign_in_from_every_admin_page(clinic):
    client = clinic.clients["front desk"]
    for model_admin in MODELS.values():
        pk = quote(first_record(model_admin).pk)
        pages = [("changelist",), ("add",), ("change", pk), ("history", pk)]
        for url in [url_of(model_admin, *page) for page in pages]:
            for response in [client.get(url, {"q": "\x00", "o": ODD_NUMBERS[0]}),
                             client.post(url, {"action": "delete_selected"})]:  # fmt: skip
                assert response.status_code == 302
                assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("role", ["clinic admin", "physiotherapist"])
def test_staff_are_refused_the_models_their_role_does_not_open(clinic, role):
    client = clinic.clients[role]
    for model_admin in MODELS.values():
        if role in clinic.who_may("view_or_change", model_admin):
            continue
        before = rows(model_admin)
        pk = quote(first_record(model_admin).pk)
        for url in [url_of(model_admin, "changelist"), url_of(model_admin, "add"),
                    url_of(model_admin, "change", pk)]:  # fmt: skip
            assert client.get(url, {"o": ODD_NUMBERS[0]}).status_code == 403
            assert client.post(url, {"_selected_action": "abc"}).status_code == 403
        assert rows(model_admin) == before


def filter_links(model_admin, request) -> list[dict]:
    """What each choice of each of the list's filters puts in the address."""
    changelist = model_admin.get_changelist_instance(request)
    links = [
        dict(parse_qsl(choice["query_string"].lstrip("?")))
        for spec in changelist.filter_specs
        for choice in spec.choices(changelist)
    ]
    return [link for link in links if link]  # not "All", the list unfiltered


def lookups_of(model_admin) -> list[str]:
    """Every lookup on the model's own fields, which Django's admin would let an address use."""
    return [
        f"{field.name}__{lookup}"
        for field in model_admin.model._meta.concrete_fields
        for lookup in field.get_lookups()
    ]


def date_hierarchy(field: str) -> st.SearchStrategy[dict]:
    """A year, month and day of the list's date hierarchy, as its links or anyone might."""
    parts = {"year": st.integers(1, 9999), "month": st.integers(0, 13), "day": st.integers(0, 32)}
    return st.fixed_dictionaries(
        {},
        optional={
            f"{field}__{part}": numbers.map(str) | odd_numbers for part, numbers in parts.items()
        },
    )


def list_address(model_admin, request) -> st.SearchStrategy[dict]:
    """What the address of a list holds: its filters' links, spoiled now and then, the date
    hierarchy, search, ordering and page, and lookups the list does not offer."""
    links = filter_links(model_admin, request)
    offered = spoiled(st.sampled_from(links)) if links else st.just({})
    columns = st.lists(st.integers(-12, 12).map(str), max_size=3).map(".".join)
    parts = [
        offered,
        st.fixed_dictionaries({}, optional={
            "q": hostile, "o": columns | hostile, "p": odd_numbers, "all": st.just(""),
            "_facets": st.just("True"), "_popup": st.just("1"), "_to_field": hostile,
            "e": st.just("1"),
        }),
        st.dictionaries(st.sampled_from(lookups_of(model_admin)), hostile, max_size=2),
    ]  # fmt: skip
    if model_admin.date_hierarchy:
        parts.append(date_hierarchy(model_admin.date_hierarchy))
    return st.tuples(*parts).map(lambda dicts: {k: v for d in dicts for k, v in d.items()})


def ids_of(model_admin) -> st.SearchStrategy[str]:
    ids = [str(pk) for pk in model_admin.model._base_manager.values_list("pk", flat=True)[:20]]
    return st.sampled_from(ids) | odd_numbers


def list_post(model_admin, request) -> st.SearchStrategy[dict]:
    """An action run on some records, or the list's editable columns saved."""
    actions = list(model_admin.get_actions(request))
    action = st.fixed_dictionaries({
        "action": st.sampled_from(actions or [""]) | hostile, "index": st.just("0"),
        "_selected_action": st.lists(ids_of(model_admin), max_size=3),
    }, optional={"select_across": st.sampled_from(["0", "1"]), "post": st.just("yes")})  # fmt: skip
    if not model_admin.list_editable:
        return action
    row = model_admin.get_changelist_formset(request).form.base_fields
    management = {"_save": "Save", "form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1"}
    editable = st.tuples(
        st.fixed_dictionaries({"form-0-id": ids_of(model_admin)}),
        spoiled(form_data(row, "form-0-", id=st.just(MISSING))),
    ).map(lambda dicts: management | dicts[0] | dicts[1])
    return action | editable


@pytest.mark.parametrize("label", sorted(MODELS))
@PER_MODEL
@given(data=st.data())
def test_a_list_fed_made_up_filters_and_actions_never_fails(clinic, label, data):
    model_admin = MODELS[label]
    role = data.draw(st.sampled_from(clinic.who_may("view_or_change", model_admin)), label="role")
    request = clinic.request_by(role)
    method = data.draw(st.sampled_from(["get", "get", "post"]), label="method")
    with transaction.atomic():
        before = rows(model_admin)
        client, url = clinic.clients[role], url_of(model_admin, "changelist")
        query = data.draw(list_address(model_admin, request), label="address")
        if method == "get":
            response = client.get(url, query)
        else:
            sent = data.draw(list_post(model_admin, request), label="form")
            response = client.post(f"{url}?{urlencode(query)}", sent)
        assert_answered_safely(response, before, model_admin)
        transaction.set_rollback(True)


def merged(parts) -> dict:
    return {key: value for part in parts for key, value in part.items()}


def field_data(name: str, form_field: forms.Field) -> st.SearchStrategy[dict]:
    """What the admin's widget for the field sends, filled in right or nearly."""
    if form_field.disabled:
        return st.just({})
    if isinstance(form_field, forms.SplitDateTimeField):
        day, moment = form_field.fields
        return st.fixed_dictionaries({
            f"{name}_0": plausible(name, day) | edge_days | hostile,
            f"{name}_1": plausible(name, moment) | st.just("23:59"),
        })  # fmt: skip
    if isinstance(form_field, forms.DateField):
        return st.fixed_dictionaries({name: plausible(name, form_field) | edge_days})
    if isinstance(form_field, forms.ModelMultipleChoiceField):
        ids = list(form_field.queryset.values_list("pk", flat=True)[:50])
        values = st.sampled_from(ids).map(str) | odd_numbers if ids else odd_numbers
        return st.fixed_dictionaries({name: st.lists(values, max_size=3)})
    if isinstance(form_field, forms.JSONField):
        json_text = st.sampled_from(["[]", "{}", "5", "-1", '"text"', "null", "[1, [2]]"])
        return st.fixed_dictionaries({name: json_text | hostile})
    return st.fixed_dictionaries({name: plausible(name, form_field)})


def fields_data(fields: dict[str, forms.Field], prefix: str = "") -> st.SearchStrategy[dict]:
    parts = [field_data(prefix + name, form_field) for name, form_field in fields.items()]
    return st.tuples(*parts).map(merged)


def inline_data(model_admin, request, obj) -> st.SearchStrategy[dict]:
    """Each inline's rows: none, or a row or two, its records' own or others'."""
    parts = []
    args = [request] if obj is None else [request, obj]
    for formset, _inline in model_admin.get_formsets_with_inlines(*args):
        prefix = formset.get_default_prefix()
        on_file = formset(instance=obj).initial_form_count() if obj else 0
        management = st.fixed_dictionaries({
            f"{prefix}-TOTAL_FORMS": st.sampled_from([str(on_file), str(on_file + 1)]) | hostile,
            f"{prefix}-INITIAL_FORMS": st.just(str(on_file)) | hostile,
        })  # fmt: skip
        row = formset.form.base_fields
        row_data = [fields_data(row, f"{prefix}-{n}-") for n in range(on_file + 1)]
        parts.append(st.tuples(management, *row_data).map(merged))
    return st.tuples(*parts).map(merged)


def spoiled_if_any(filled_in: st.SearchStrategy[dict]) -> st.SearchStrategy[dict]:
    """What was filled in, spoiled, unless nothing is (a form of read-only fields)."""
    return filled_in.flatmap(lambda data: spoiled(st.just(data)) if data else st.just({}))


def record_pages(clinic: Clinic, model_admin) -> list[tuple[str, str]]:
    """The add and change pages of the model, with each role that may open them."""
    obj = first_record(model_admin)
    return [("add", role) for role in clinic.who_may("add", model_admin)] + [
        ("change", role) for role in clinic.who_may("view_or_change", model_admin, obj)
    ]


@pytest.mark.parametrize("label", sorted(MODELS))
@PER_MODEL
@given(data=st.data())
def test_a_record_form_fed_made_up_input_never_fails_nor_saves_it(clinic, label, data):
    model_admin = MODELS[label]
    page, role = data.draw(st.sampled_from(record_pages(clinic, model_admin)), label="page")
    request = clinic.request_by(role)
    obj, url = None, url_of(model_admin, "add")
    if page == "change":
        obj = first_record(model_admin)
        object_id = data.draw(st.just(str(obj.pk)) | odd_numbers.filter(bool), label="object id")
        url = url_of(model_admin, "change", quote(object_id))
    form = model_admin.get_form(request, obj, change=obj is not None)
    method = data.draw(st.sampled_from(["get", "post", "post"]), label="method")
    with transaction.atomic():
        before = rows(model_admin)
        client = clinic.clients[role]
        if method == "get":
            # The admin fills a new record's fields in from the address.
            names = st.sampled_from(sorted(form.base_fields) or ["_popup"])
            query = data.draw(st.dictionaries(names, hostile | ids_of(model_admin), max_size=2))
            response = client.get(url, query)
        else:
            filled_in = st.tuples(
                fields_data(form.base_fields), inline_data(model_admin, request, obj)
            )
            sent = data.draw(spoiled_if_any(filled_in.map(merged)), label="form")
            sent |= data.draw(st.sampled_from([{}, {"_continue": "1"}, {"_addanother": "1"},
                                               {"_saveasnew": "1"}]), label="button")  # fmt: skip
            response = client.post(url, sent)
        assert_answered_safely(response, before, model_admin)
        transaction.set_rollback(True)


# Pages the sweep leaves alone: signing out would sign the client out of the rest.
NOT_SWEPT = {"logout"}
ODD_IDS = ["abc", ODD_NUMBERS[0], "-1"]
HOSTILE_FORM = {"name": "<script>alert(1)</script>", "password1": "\x00", "post": "yes",
                "permissions": ODD_NUMBERS[0], "user": "abc", "term": ODD_NUMBERS[0]}  # fmt: skip


def addresses(patterns, values: dict[str, list[str]]) -> list[str]:
    """The addresses of the named patterns, with each value each part of them may take."""
    found = []
    for pattern in patterns:
        if not getattr(pattern, "name", None) or pattern.name in NOT_SWEPT:
            continue
        parts = list(pattern.pattern.regex.groupindex)
        for n in range(max(len(v) for v in [[None], *(values[part] for part in parts)])):
            kwargs = {part: values[part][n % len(values[part])] for part in parts}
            try:
                found.append(reverse(f"admin:{pattern.name}", kwargs=kwargs))
            except NoReverseMatch:  # a number the address must be, given a word
                continue
    return found


def answers(client, address: str) -> list:
    return [
        client.get(address, {"page": ODD_NUMBERS[0], "q": "<script>alert(1)</script>"}),
        client.post(address, HOSTILE_FORM),
    ]


@pytest.mark.parametrize("label", sorted(MODELS))
def test_every_other_page_of_a_model_answers_odd_ids_without_failing(clinic, label):
    # History, delete, a user's password, a device's QR code...: pages the fuzz above skips.
    model_admin, client = MODELS[label], clinic.clients["superuser"]
    # The newest record: the first user is the superuser, whom deleting would sign out.
    pk = str(model_admin.model._base_manager.order_by("pk").last().pk)
    taken = {"changelist", "add", "change"}
    patterns = [p for p in model_admin.get_urls() if not str(p.name).endswith(tuple(taken))]
    before = rows(model_admin)
    with transaction.atomic():
        for address in addresses(patterns, {"object_id": [pk, *ODD_IDS], "id": [pk, *ODD_IDS],
                                            "pk": [pk, *ODD_IDS]}):  # fmt: skip
            for response in answers(client, address):
                assert response.status_code < 500, address
                assert LIVE_SCRIPT not in response.content
        transaction.set_rollback(True)
    assert rows(model_admin) == before


def test_every_page_of_the_site_itself_answers_odd_input_without_failing(clinic):
    client = clinic.clients["superuser"]
    app_labels = sorted({model._meta.app_label for model in admin.site._registry})
    values = {"app_label": app_labels, "content_type_id": ["1", ODD_NUMBERS[0]],
              "object_id": ["1", *ODD_IDS]}  # fmt: skip
    with transaction.atomic():
        for address in addresses(admin.site.get_urls(), values):
            for response in answers(client, address):
                assert response.status_code < 500, address
        transaction.set_rollback(True)
    # The autocomplete boxes' look-ups, asked for by any page, with anything.
    for model_admin in MODELS.values():
        opts = model_admin.model._meta
        for field_name in model_admin.autocomplete_fields:
            for odd in [*ODD_IDS, "\x00", ""]:
                query = {"app_label": opts.app_label, "model_name": opts.model_name,
                         "field_name": field_name, "term": odd, "page": odd}  # fmt: skip
                response = client.get(reverse("admin:autocomplete"), query)
                assert response.status_code < 500, query
