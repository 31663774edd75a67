import re
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from patients.history import ClinicalQuerySet


def digits_only(text: str) -> str:
    return re.sub(r"\D", "", text)


class PatientQuerySet(ClinicalQuerySet):
    def active(self):
        return self.filter(archived_at__isnull=True)

    def archived(self):
        return self.filter(archived_at__isnull=False)

    def search(self, query: str):
        """Patients whose name, phone, email or date of birth matches what was typed."""
        query = query.strip()
        if not query:
            return self
        try:
            return self.filter(date_of_birth=date.fromisoformat(query))
        except ValueError:
            pass
        matches = Q(email__iexact=query)
        digits = digits_only(query)
        if len(digits) >= 3 and not re.search(r"[^\d\s()+.-]", query):
            matches |= Q(phone_digits__contains=digits)
        words = Q()
        for word in query.split()[:4]:
            words &= (
                Q(legal_first_name__icontains=word)
                | Q(legal_last_name__icontains=word)
                | Q(preferred_name__icontains=word)
            )
        return self.filter(matches | words)

    def possible_duplicates_of(self, *, first_name: str, last_name: str, date_of_birth: date):
        return self.filter(
            legal_first_name__iexact=first_name.strip(),
            legal_last_name__iexact=last_name.strip(),
            date_of_birth=date_of_birth,
        )


class Patient(models.Model):
    legal_first_name = models.CharField(_("legal first name"), max_length=80)
    legal_last_name = models.CharField(_("legal last name"), max_length=80)
    preferred_name = models.CharField(
        _("preferred name"),
        max_length=80,
        blank=True,
        help_text=_("What the patient likes to be called."),
    )
    date_of_birth = models.DateField(_("date of birth"))
    phone = models.CharField(_("phone"), max_length=30)
    phone_digits = models.CharField(max_length=30, editable=False, db_index=True)
    email = models.EmailField(_("email"), blank=True)
    # The language of their emails, calendar files and pages once signed in online.
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Emails and the patient's online pages are in this language."),
    )
    emergency_contact_name = models.CharField(
        _("emergency contact name"), max_length=120, blank=True
    )
    emergency_contact_phone = models.CharField(
        _("emergency contact phone"), max_length=30, blank=True
    )
    primary_concern = models.CharField(
        _("primary concern"),
        max_length=200,
        blank=True,
        help_text=_("In the patient's words, e.g. low back pain."),
    )
    referral_source = models.CharField(
        _("referral source"),
        max_length=120,
        blank=True,
        help_text=_("Who sent them: a doctor, a friend, the web."),
    )
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    # The email the front desk confirmed with the patient when turning online access on. A
    # sign-in link goes only to this address, and only while it is still the email on file:
    # changing the email (which takes staff) stops online access until it is confirmed again.
    online_access_email = models.EmailField(
        _("email confirmed for online access"), blank=True, editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["legal_last_name", "legal_first_name", "pk"]
        # On PostgreSQL the names and phone digits also have trigram indexes, for the search's
        # "contains" (patients/migrations/0003_search_indexes.py).
        indexes = [
            models.Index(fields=["legal_last_name", "legal_first_name"], name="patient_name_idx"),
            models.Index(fields=["date_of_birth"], name="patient_dob_idx"),
            models.Index(Upper("email"), name="patient_email_upper_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_of_birth__gte=date(1900, 1, 1)),
                name="patient_born_after_1900",
                violation_error_message=_("The date of birth must be in 1900 or later."),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.phone_digits = digits_only(self.phone)
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("patients:patient-detail", args=[self.pk])

    def clean(self) -> None:
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError(
                {"date_of_birth": _("The date of birth cannot be in the future.")}
            )
        if self.phone and len(digits_only(self.phone)) < 7:
            raise ValidationError({"phone": _("Enter a phone number with at least 7 digits.")})

    @property
    def full_name(self) -> str:
        if self.preferred_name and self.preferred_name != self.legal_first_name:
            return f"{self.preferred_name} ({self.legal_first_name}) {self.legal_last_name}"
        return f"{self.legal_first_name} {self.legal_last_name}"

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def archive(self) -> None:
        """Archive the record. Refused while visits are still booked ahead: they would stay on
        the calendar with no reminders going out. Cancel them first (the archive page does)."""
        booked = self.visits.filter(status="booked", starts_at__gte=timezone.now()).count()
        if booked:
            raise ValidationError(
                ngettext(
                    "%(name)s still has %(count)d booked visit: cancel it before archiving.",
                    "%(name)s still has %(count)d booked visits: cancel them before archiving.",
                    booked,
                ),
                params={"name": self.full_name, "count": booked},
                code="booked_visits",
            )
        self.archived_at = timezone.now()
        self.save(update_fields=["archived_at", "updated_at"])

    def restore(self) -> None:
        self.archived_at = None
        self.save(update_fields=["archived_at", "updated_at"])

    @property
    def has_online_access(self) -> bool:
        return bool(self.online_access_email) and (
            self.online_access_email.casefold() == self.email.casefold()
        )

    def turn_on_online_access(self) -> None:
        """The front desk has confirmed the email with the patient."""
        if not self.email:
            raise ValidationError(
                _("Add the patient's email first: the sign-in link is sent there."),
                code="no_email",
            )
        if self.is_archived:
            raise ValidationError(_("This record is archived."), code="archived")
        self.online_access_email = self.email
        self._change_reason = "Online access turned on"
        self.save(update_fields=["online_access_email", "updated_at"])

    def turn_off_online_access(self) -> None:
        self.online_access_email = ""
        self._change_reason = "Online access turned off"
        self.save(update_fields=["online_access_email", "updated_at"])


class SignInLinkQuerySet(models.QuerySet):
    def sent_since(self, moment):
        return self.filter(created_at__gte=moment)


class SignInLink(models.Model):
    """A link emailed to a patient to sign in without a password: used once, within 15
    minutes. Only a hash of its secret is kept, so the table cannot be used to sign in."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="sign_in_links")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"), editable=False)
    used_at = models.DateTimeField(_("used"), null=True, blank=True, editable=False)

    objects = SignInLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("sign-in link")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("created_at")),
                name="sign_in_link_expires_after_sent",
                violation_error_message=_("A link expires after it is sent."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.patient} {self.created_at:%Y-%m-%d %H:%M}"


class Intake(models.Model):
    """What a patient tells the clinic online before their first visit.

    It is the patient's account, not a clinical decision: its screening answers prefill a
    draft screening, which the physiotherapist reviews and signs (the decision stays theirs).
    Sent again, a new intake is kept beside the earlier ones."""

    class HeardAbout(models.TextChoices):
        DOCTOR = "doctor", _("My doctor or another health professional")
        PERSON = "person", _("A friend, family member or another patient")
        SEARCH = "search", _("Searching the internet")
        INSURER = "insurer", _("My insurer or employer")
        OTHER = "other", _("Another way")

    class HowLong(models.TextChoices):
        WEEKS = "weeks", _("Less than 6 weeks")
        MONTHS = "months", _("6 weeks to 3 months")
        YEAR = "year", _("3 months to a year")
        LONGER = "longer", _("More than a year")

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="intakes")
    submitted_at = models.DateTimeField(_("sent"), auto_now_add=True)
    heard_about = models.CharField(
        _("how they heard of the clinic"), max_length=10, choices=HeardAbout.choices
    )
    problem = models.TextField(_("the problem, in their words"), max_length=2000)
    how_long = models.CharField(_("how long they have had it"), max_length=10,
                                choices=HowLong.choices)  # fmt: skip
    # The screening questions in plain words: {question key: true/false}; the keys are the
    # screening's (patients.online intake questions).
    screening_answers = models.JSONField(_("screening answers"), default=dict)
    other_health = models.TextField(_("anything else about their health"), blank=True,
                                    max_length=2000)  # fmt: skip
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True, editable=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        editable=False, related_name="+", verbose_name=_("reviewed by"),
    )  # fmt: skip

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        get_latest_by = "submitted_at"
        constraints = [
            models.CheckConstraint(
                condition=Q(reviewed_at__isnull=True, reviewed_by__isnull=True)
                | Q(reviewed_at__isnull=False, reviewed_by__isnull=False),
                name="intake_reviewed_by_someone",
                violation_error_message=_("A reviewed intake names who reviewed it."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Intake of %(patient)s on %(day)s") % {
            "patient": self.patient,
            "day": date_format(timezone.localtime(self.submitted_at), "j M Y"),
        }


class Screening(models.Model):
    """The physiotherapist's check before needling (IMS_FACTS section 6), dated and signed.

    A screening is never edited: a new one replaces it, so earlier answers stay on file.
    The latest screening decides whether the patient may be needled.
    """

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="screenings")
    screened_on = models.DateField(_("screened on"), default=timezone.localdate)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed at"), auto_now_add=True)
    # Do not needle (any one of these, while present, stops needling).
    needle_phobia = models.BooleanField(_("needle phobia"), default=False)
    unwilling = models.BooleanField(_("unwilling to be needled"), default=False)
    unable_to_consent = models.BooleanField(_("unable to consent"), default=False)
    acute_illness = models.BooleanField(_("acute illness or medical emergency"), default=False)
    lymphedema_in_area = models.BooleanField(_("lymphedema in the area"), default=False)
    note = models.TextField(_("note"), blank=True)

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    DO_NOT_NEEDLE_FIELDS = [
        "needle_phobia",
        "unwilling",
        "unable_to_consent",
        "acute_illness",
        "lymphedema_in_area",
    ]

    class Meta:
        ordering = ["-screened_on", "-signed_at"]
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        get_latest_by = ["screened_on", "signed_at"]

    def __str__(self) -> str:
        return gettext("Screening of %(patient)s on %(day)s") % {
            "patient": self.patient, "day": date_format(self.screened_on, "j M Y")}  # fmt: skip

    def clean(self) -> None:
        if self.screened_on and self.screened_on > timezone.localdate():
            raise ValidationError({"screened_on": _("A screening cannot be dated in the future.")})

    @property
    def do_not_needle_reasons(self) -> list[str]:
        reasons = [
            str(self._meta.get_field(name).verbose_name)
            for name in self.DO_NOT_NEEDLE_FIELDS
            if getattr(self, name)
        ]
        reasons += [
            f"{p.get_kind_display()} (decided: do not needle)"
            for p in self.precautions.all()
            if p.decision == Precaution.Decision.DO_NOT_NEEDLE
        ]
        return reasons

    @property
    def allows_needling(self) -> bool:
        return not self.do_not_needle_reasons


class Precaution(models.Model):
    """A precaution that applies to the patient, with the physiotherapist's decision about it."""

    class Kind(models.TextChoices):
        BLEEDING = "bleeding", _("Bleeding tendency or blood thinners")
        IMMUNITY = "immunity", _("Weakened immunity")
        VASCULAR = "vascular", _("Vascular disease")
        DIABETES = "diabetes", _("Diabetes")
        PREGNANCY = "pregnancy", _("Pregnancy")
        CHILD = "child", _("Child")
        FRAILTY = "frailty", _("Frailty")
        EPILEPSY = "epilepsy", _("Epilepsy")
        PSYCHOLOGICAL = "psychological", _("Psychological state")
        METAL_ALLERGY = "metal_allergy", _("Allergy to metal (nickel, chromium)")
        MEDICATIONS = "medications", _("Medications")
        RECENT_SURGERY = "recent_surgery", _("Recent surgery")
        TUMOUR = "tumour", _("Tumour")
        PACEMAKER = "pacemaker", _("Pacemaker or ICD (no electrical stimulation)")
        PNEUMOTHORAX_RISK = (
            "pneumothorax_risk",
            _("Pneumothorax risk (low body mass, needling near the chest)"),
        )
        FAINTING_RISK = "fainting_risk", _("Fainting risk (first sessions, hungry, tired)")

    class Decision(models.TextChoices):
        PROCEED = "proceed", _("Proceed")
        MODIFY = "modify", _("Proceed with changes")
        DO_NOT_NEEDLE = "do_not_needle", _("Do not needle")

    screening = models.ForeignKey(Screening, on_delete=models.PROTECT, related_name="precautions")
    kind = models.CharField(_("precaution"), max_length=30, choices=Kind.choices)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    note = models.TextField(_("note"), help_text=_("Why, and any changes to the treatment."))

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
        ordering = ["screening", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["screening", "kind"],
                name="precaution_once_per_screening",
                violation_error_message=_("Each precaution is recorded once per screening."),
            ),
            models.CheckConstraint(
                condition=~Q(note=""),
                name="precaution_has_a_note",
                violation_error_message=_("Write a note for each precaution that applies."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_decision_display()}"


class Consent(models.Model):
    """Informed consent to IMS, on file (Physiotherapy Alberta consent standard)."""

    class GivenBy(models.TextChoices):
        PATIENT = "patient", _("The patient")
        SUBSTITUTE = "substitute", _("A substitute decision-maker")

    class Topic(models.TextChoices):
        DIAGNOSIS = "diagnosis", _("The assessment findings (diagnosis)")
        OPTIONS = "options", _("Treatment options and alternatives")
        RISKS_BENEFITS = "risks_benefits", _("Risks and benefits")
        IF_DECLINED = "if_declined", _("What may happen if treatment is declined")
        RIGHT_TO_REFUSE = "right_to_refuse", _("The right to refuse or stop at any time")
        SPECIAL_RISKS = "special_risks", _("Material and special risks")
        SENSATIONS = "sensations", _("What the patient will feel")

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="consents")
    consented_on = models.DateField(_("consented on"), default=timezone.localdate)
    given_by = models.CharField(
        _("consent given by"), max_length=20, choices=GivenBy.choices, default=GivenBy.PATIENT
    )
    substitute_name = models.CharField(
        _("substitute decision-maker's name"), max_length=120, blank=True
    )
    obtained_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("obtained by"),
    )
    explained = models.JSONField(_("what was explained"), default=list)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    objects = ClinicalQuerySet.as_manager()

    class Meta:
        ordering = ["-consented_on", "-created_at"]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.CheckConstraint(
                condition=Q(given_by="patient", substitute_name="")
                | (Q(given_by="substitute") & ~Q(substitute_name="")),
                name="consent_substitute_named",
                violation_error_message=_(
                    "Name the substitute decision-maker (and only for a substitute)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True)
                | Q(withdrawn_on__gte=models.F("consented_on")),
                name="consent_withdrawn_after_given",
                violation_error_message=_("Consent cannot be withdrawn before it was given."),
            ),
        ]

    def __str__(self) -> str:
        return gettext("Consent of %(patient)s on %(day)s") % {
            "patient": self.patient, "day": date_format(self.consented_on, "j M Y")}  # fmt: skip

    def clean(self) -> None:
        # `explained` is JSON, so the shell or a form could give it anything: a number, text
        # holding the topics' names, a mapping. It is a list of topics, nothing else.
        explained = self.explained if self.explained is not None else []
        if not isinstance(explained, list) or not all(isinstance(t, str) for t in explained):
            raise ValidationError({"explained": _("List the topics that were explained.")})
        unknown = sorted(set(explained) - set(self.Topic.values))
        if unknown:
            raise ValidationError(
                {"explained": _("These are not topics of consent: %s.") % "; ".join(unknown)}
            )
        missing = [str(label) for value, label in self.Topic.choices if value not in explained]
        if missing:
            raise ValidationError({"explained": _("Consent must cover: %s.") % "; ".join(missing)})
        if self.consented_on and self.consented_on > timezone.localdate():
            raise ValidationError({"consented_on": _("Consent cannot be dated in the future.")})

    def is_in_force_on(self, day: date) -> bool:
        return self.consented_on <= day and (self.withdrawn_on is None or self.withdrawn_on > day)
