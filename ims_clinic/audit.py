"""Writing the audit trail.

Views call viewed() and exported() for what they show, and the 403 handler (ims_clinic/views.py)
records a refused page. Changes to any record with history, roles given or taken away, sign-ins,
sign-outs and failed sign-ins are recorded by the receivers below, so no view, admin page or
command can change a record without an entry.
"""

from axes.helpers import get_client_ip_address
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed
from django.dispatch import receiver
from django.utils import translation
from simple_history.models import HistoricalRecords
from simple_history.signals import post_create_historical_record

from ims_clinic.models import NO_USER, AuditEntry

Action = AuditEntry.Action
CHANGES = {"+": Action.CREATED, "~": Action.CHANGED, "-": Action.REMOVED}


def patient_id_of(record) -> int | None:
    """The patient a clinical record belongs to, following its parent records."""
    if record._meta.label == "patients.Patient":
        return record.pk
    if hasattr(record, "patient_id"):
        return record.patient_id
    for parent in ("visit", "screening", "chart", "measure", "course"):
        if hasattr(record, f"{parent}_id"):
            return patient_id_of(getattr(record, parent))
    return None


def _path_without_secret(request) -> str:
    """The address, with the secret of an emailed link (a URL's `token`) left out: the audit
    trail must not become a list of working links."""
    path = request.get_full_path()
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token") if match else None
    if isinstance(token, str) and token:
        path = path.replace(token, "[link secret]")
    return path[:200]


def record(request, action: str, subject=None, *, user=None, username="", detail="") -> None:
    """Write one entry: who (the request's user unless given), what, when and from where."""
    if user is None and request is not None:
        user = request.user
    if user is not None and not user.is_authenticated:
        user = None
    AuditEntry.objects.create(
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        action=action,
        record_type=stored_name(subject) if subject is not None else "",
        record_id=str(subject.pk) if subject is not None else "",
        patient_id=patient_id_of(subject) if subject is not None else None,
        ip_address=get_client_ip_address(request) if request is not None else None,
        path=_path_without_secret(request) if request is not None else "",
        detail=detail[:200],
    )


def stored_name(subject) -> str:
    """The record's kind as the trail keeps it: in English, whatever language the person who
    acted reads, so the trail reads and filters alike for everyone."""
    with translation.override(None):
        return str(subject._meta.verbose_name)


def viewed(request, subject, detail: str = "") -> None:
    record(request, Action.VIEWED, subject, detail=detail)


def exported(request, subject, detail: str) -> None:
    record(request, Action.EXPORTED, subject, detail=detail)


@receiver(user_logged_in)
def signed_in(sender, request, user, **kwargs) -> None:
    record(request, Action.SIGNED_IN, user=user)


@receiver(user_logged_out)
def signed_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        record(request, Action.SIGNED_OUT, user=user)


@receiver(user_login_failed)
def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    record(request, Action.SIGN_IN_FAILED, username=str(credentials.get("username", "")))


@receiver(post_create_historical_record)
def changed(sender, instance, history_instance, **kwargs) -> None:
    """Every saved version of a clinical record is also an audit entry, wherever it came from."""
    request = getattr(HistoricalRecords.context, "request", None)
    user = history_instance.history_user
    record(
        request,
        CHANGES[history_instance.history_type],
        instance,
        user=user,
        username="" if user else NO_USER,
        detail=history_instance.history_change_reason or "",
    )


@receiver(m2m_changed, sender=get_user_model().groups.through)
def roles_changed(sender, instance, action, reverse, pk_set, **kwargs) -> None:
    """A role given or taken away (a group, from either side) decides who sees which record."""
    verbs = {"post_add": "given", "post_remove": "taken away"}
    if action not in verbs or not pk_set:
        return
    request = getattr(HistoricalRecords.context, "request", None)
    if reverse:  # group.user_set.add(...): one group, several users
        users = get_user_model().objects.filter(pk__in=pk_set)
        pairs = [(user, instance.name) for user in users]
    else:
        names = ", ".join(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        pairs = [(instance, names)]
    for user, roles in pairs:
        record(request, Action.CHANGED, user, detail=f"Role {verbs[action]}: {roles}",
               username="" if request else NO_USER)  # fmt: skip
