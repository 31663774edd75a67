"""What a patient tells the clinic online before their first visit (patients.models.Intake).

The screening questions are asked in plain words, one for each of the screening's do-not-needle
findings and each kind of precaution; an answer's key is that field's or kind's name, so a
"yes" becomes a ticked box on the physiotherapist's draft screening. The answers are the
patient's account, never a decision: the physiotherapist checks each one and signs the
screening (patients.screenings.record_screening marks the intake reviewed then).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.models import Consent, Intake, Patient, Precaution
from treatments.models import Visit

# The question for each screening finding, in the screening form's order.
DO_NOT_NEEDLE_QUESTIONS = {
    "needle_phobia": gettext_lazy("Are you very afraid of needles?"),
    "unwilling": gettext_lazy("Would you rather not be treated with needles at all?"),
    "unable_to_consent": gettext_lazy(
        "Does a guardian or someone else make health decisions for you?"
    ),
    "acute_illness": gettext_lazy("Are you unwell right now, for example with a fever?"),
    "lymphedema_in_area": gettext_lazy(
        "Do you have lymphedema (long-lasting swelling) where it hurts?"
    ),
}
PRECAUTION_QUESTIONS = {
    Precaution.Kind.BLEEDING: gettext_lazy("Do you take blood thinners or bruise easily?"),
    Precaution.Kind.IMMUNITY: gettext_lazy(
        "Is your body's defence against infection weakened, by an illness or a medicine?"
    ),
    Precaution.Kind.VASCULAR: gettext_lazy("Do you have trouble with your circulation or veins?"),
    Precaution.Kind.DIABETES: gettext_lazy("Do you have diabetes?"),
    Precaution.Kind.PREGNANCY: gettext_lazy("Are you pregnant, or might you be?"),
    Precaution.Kind.CHILD: gettext_lazy("Is this form for someone under 18?"),
    Precaution.Kind.FRAILTY: gettext_lazy("Do you often feel frail or unsteady on your feet?"),
    Precaution.Kind.EPILEPSY: gettext_lazy("Do you have epilepsy or seizures?"),
    Precaution.Kind.PSYCHOLOGICAL: gettext_lazy(
        "Are you going through a hard time with your mood or worries?"
    ),
    Precaution.Kind.METAL_ALLERGY: gettext_lazy(
        "Does metal, such as nickel in jewellery, give you a rash?"
    ),
    Precaution.Kind.MEDICATIONS: gettext_lazy("Do you take any medicines every day?"),
    Precaution.Kind.RECENT_SURGERY: gettext_lazy("Have you had an operation in the last year?"),
    Precaution.Kind.TUMOUR: gettext_lazy("Have you ever had cancer or a tumour?"),
    Precaution.Kind.PACEMAKER: gettext_lazy(
        "Do you have a pacemaker or another device in your chest for your heart?"
    ),
    Precaution.Kind.PNEUMOTHORAX_RISK: gettext_lazy(
        "Are you very slim, or has a lung ever collapsed?"
    ),
    Precaution.Kind.FAINTING_RISK: gettext_lazy(
        "Have you ever fainted or felt faint at an injection or a blood test?"
    ),
}
# One question per screening finding and per precaution (tests/patients/online/test_intake.py
# holds them to it), keyed by its name.
QUESTIONS = {**DO_NOT_NEEDLE_QUESTIONS, **{str(k): q for k, q in PRECAUTION_QUESTIONS.items()}}

# The contact details a patient keeps up to date themselves. The email is not among them:
# sign-in links go there, so changing it takes staff (patients.models.Patient).
CONTACT_FIELDS = ["phone", "emergency_contact_name", "emergency_contact_phone"]
# Kept in the record's history, in the clinic's working language.
CHANGE_REASON = "Updated by the patient online"
TEXT_LIMIT = 2000


def _check_choice(value: str, choices, field: str, errors: dict) -> None:
    if value not in choices.values:
        errors[field] = _("Please choose one of the answers.")


def _clean_text(value: str, field: str, errors: dict, *, required: bool) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        errors[field] = _("Please tell us in a few words.")
    elif len(value) > TEXT_LIMIT:
        errors[field] = _("Please keep this to %(limit)d characters or fewer.") % {
            "limit": TEXT_LIMIT
        }
    return value


@transaction.atomic
def submit_intake(
    *,
    patient: Patient,
    heard_about: str,
    problem: str,
    how_long: str,
    screening_answers: dict[str, bool],
    other_health: str = "",
    contact: dict[str, str] | None = None,
) -> Intake:
    """Keep the patient's intake and the contact details they updated, together or neither.

    Raises ValidationError (by field) for an answer that is not one of the choices, a
    screening question that does not exist, text that is missing or too long, or a contact
    detail the patient record refuses (a phone number with too few digits)."""
    errors = {}
    _check_choice(heard_about, Intake.HeardAbout, "heard_about", errors)
    _check_choice(how_long, Intake.HowLong, "how_long", errors)
    problem = _clean_text(problem, "problem", errors, required=True)
    other_health = _clean_text(other_health, "other_health", errors, required=False)
    unknown = set(screening_answers) - set(QUESTIONS)
    if unknown or not all(isinstance(answer, bool) for answer in screening_answers.values()):
        errors["screening_answers"] = _("Please answer the questions on this page.")
    if errors:
        raise ValidationError(errors)
    if contact:
        update_contact_details(patient, contact)
    intake = Intake(
        patient=patient,
        heard_about=heard_about,
        problem=problem,
        how_long=how_long,
        # Every question, answered yes or no: an unticked box is a "no" to check too.
        screening_answers={key: bool(screening_answers.get(key)) for key in QUESTIONS},
        other_health=other_health,
    )
    intake.full_clean()
    intake.save()
    return intake


def update_contact_details(patient: Patient, contact: dict[str, str]) -> bool:
    """Save the contact details the patient changed; True if any did. Only CONTACT_FIELDS."""
    if set(contact) - set(CONTACT_FIELDS):
        raise ValidationError(_("Only the phone numbers and the emergency contact change here."))
    changed = [
        name for name in CONTACT_FIELDS
        if name in contact and (contact[name] or "").strip() != getattr(patient, name)
    ]  # fmt: skip
    if not changed:
        return False
    for name in changed:
        setattr(patient, name, contact[name].strip())
    patient.full_clean(exclude=[f.name for f in Patient._meta.fields if f.name not in changed])
    patient._change_reason = CHANGE_REASON
    patient.save(update_fields=[*changed, "phone_digits", "updated_at"])
    return True


def latest_unreviewed(patient: Patient) -> Intake | None:
    """The intake a draft screening starts from: the newest one nobody has reviewed."""
    return patient.intakes.filter(reviewed_at__isnull=True).first()


def screening_draft(intake: Intake) -> dict[str, bool]:
    """The screening form's initial ticks from the patient's "yes" answers."""
    answers = intake.screening_answers if isinstance(intake.screening_answers, dict) else {}
    initial = {name: True for name in DO_NOT_NEEDLE_QUESTIONS if answers.get(name) is True}
    initial |= {f"{kind}_applies": True for kind in PRECAUTION_QUESTIONS
                if answers.get(str(kind)) is True}  # fmt: skip
    return initial


def answered_yes(intake: Intake) -> list[str]:
    """The questions the patient answered yes, in their words, for the staff page."""
    answers = intake.screening_answers if isinstance(intake.screening_answers, dict) else {}
    return [str(question) for key, question in QUESTIONS.items() if answers.get(key) is True]


def first_visit_task(patient: Patient) -> str | None:
    """What the visits page says about the intake, in one query: "to_send" before the first
    attended visit while no intake is sent, "sent" once one is, None after the first visit."""
    attended = Visit.objects.filter(patient=OuterRef("pk"), status=Visit.Status.ATTENDED)
    sent = Intake.objects.filter(patient=OuterRef("pk"))
    row = (
        Patient.objects.filter(pk=patient.pk)
        .annotate(attended=Exists(attended), sent=Exists(sent))
        .values_list("attended", "sent")
        .first()
    )
    if row is None or row[0]:
        return None
    return "sent" if row[1] else "to_send"


def unreviewed_intake(patient: Patient, pk) -> Intake | None:
    """The patient's intake a screening form was drafted from (its id sent back with the form),
    if it is still waiting for review; None for any other id, or another patient's."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return patient.intakes.filter(pk=pk, reviewed_at__isnull=True).first()


# Each topic the physiotherapist explains before asking for consent to IMS (Consent.Topic),
# in words for the patient to read before the first visit.
CONSENT_TOPICS_TO_READ = {
    Consent.Topic.DIAGNOSIS: gettext_lazy(
        "What your physiotherapist found when examining you, and what they think causes the pain."
    ),
    Consent.Topic.OPTIONS: gettext_lazy(
        "The ways your problem can be treated, with and without needles."
    ),
    Consent.Topic.RISKS_BENEFITS: gettext_lazy(
        "How IMS may help, and what can go wrong: most often a bruise or soreness for a day or two."
    ),
    Consent.Topic.IF_DECLINED: gettext_lazy("What may happen if you choose not to have IMS."),
    Consent.Topic.RIGHT_TO_REFUSE: gettext_lazy(
        "You may say no, or ask to stop, at any time, even in the middle of a treatment."
    ),
    Consent.Topic.SPECIAL_RISKS: gettext_lazy(
        "Rare but serious risks, such as needling near the lungs, and how they are avoided."
    ),
    Consent.Topic.SENSATIONS: gettext_lazy(
        "What you will feel: a muscle may cramp or twitch around the needle for a moment."
    ),
}
