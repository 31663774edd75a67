"""Small helpers for the patients tests."""

import re

from django.utils import timezone

from patients.models import Consent

HOSTILE = "<script>alert(1)</script>"
HUGE = "x" * 10_000


def patient_data(**overrides) -> dict:
    """What the front desk types to register a patient."""
    data = {
        "legal_first_name": "Morgan",
        "legal_last_name": "Reyes",
        "preferred_name": "",
        "date_of_birth": "1975-03-09",
        "phone": "(604) 555-0142",
        "email": "morgan@example.com",
        "preferred_language": "en-ca",
        "emergency_contact_name": "Sam Reyes",
        "emergency_contact_phone": "604-555-0143",
        "primary_concern": "Sore neck",
        "referral_source": "Dr. Chen",
    }
    return {**data, **overrides}


def consent_data(**overrides) -> dict:
    data = {
        "consented_on": timezone.localdate().isoformat(),
        "given_by": Consent.GivenBy.PATIENT,
        "substitute_name": "",
        "explained": list(Consent.Topic.values),
    }
    return {**data, **overrides}


def unlabelled_fields(html: str) -> list[str]:
    """Ids of the form's inputs, selects and text areas that no <label for=...> names."""
    form = html[html.index("<main") :]
    ids = re.findall(r'<(?:input|select|textarea)[^>]*?\bid="([^"]+)"', form)
    hidden = set(re.findall(r'<input[^>]*type="hidden"[^>]*id="([^"]+)"', form))
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', form))
    return [i for i in ids if i not in labelled and i not in hidden]
