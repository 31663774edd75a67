"""Recording a screening: the screening, its precautions, and the patient's intake it was
drafted from, marked reviewed, all saved together or none."""

from django.db import transaction
from django.utils import timezone

from patients.models import Intake, Precaution, Screening


@transaction.atomic
def record_screening(
    screening: Screening, precautions: list[Precaution], *, from_intake: Intake | None = None
) -> Screening:
    """Save a new screening with its precautions. When it was drafted from the patient's
    intake, that intake, and any earlier one still waiting, is marked reviewed by whoever
    signs the screening: the physiotherapist has checked the answers with the patient."""
    screening.full_clean()
    screening.save()
    for precaution in precautions:
        precaution.screening = screening
        precaution.full_clean()
        precaution.save()
    if from_intake is not None and from_intake.patient_id == screening.patient_id:
        Intake.objects.filter(
            patient_id=screening.patient_id,
            reviewed_at__isnull=True,
            submitted_at__lte=from_intake.submitted_at,
        ).update(reviewed_at=timezone.now(), reviewed_by=screening.signed_by)
    return screening
