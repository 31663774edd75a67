from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from patients.models import Consent, Patient, Precaution
from tests.factories import TODAY, make_consent, make_patient, make_screening

pytestmark = pytest.mark.django_db


@pytest.fixture
def avery():
    return make_patient(
        legal_first_name="Avery", legal_last_name="Lopez", preferred_name="Ave",
        phone="(604) 555-0199", email="avery.lopez@example.com", date_of_birth=date(1980, 5, 17),
    )  # fmt: skip


@pytest.fixture
def blake():
    return make_patient(
        legal_first_name="Blake", legal_last_name="Other", phone="250-111-2222",
        email="blake@example.com", date_of_birth=date(1990, 1, 1),
    )  # fmt: skip


@pytest.mark.parametrize(
    "query",
    ["avery", "LOPEZ", "Ave", "avery lopez", "604-555-0199", "6045550199", "555 0199",
     "AVERY.LOPEZ@example.com", "1980-05-17", "  lopez  "],
)  # fmt: skip
def test_search_finds_a_patient_by_name_phone_email_or_birth_date(avery, blake, query):
    assert list(Patient.objects.search(query)) == [avery]


@pytest.mark.parametrize("query", ["", "   "])
def test_an_empty_search_finds_everyone(avery, blake, query):
    assert set(Patient.objects.search(query)) == {avery, blake}


@pytest.mark.parametrize("query", ["zebediah", "avery other", "2024-13-45", "lopez 0199x", "%"])
def test_search_finds_no_one_for_words_that_do_not_match(avery, blake, query):
    assert list(Patient.objects.search(query)) == []


def test_possible_duplicates_match_the_name_whatever_its_case_and_the_birth_date(avery, blake):
    found = Patient.objects.possible_duplicates_of(
        first_name=" AVERY ", last_name="lopez", date_of_birth=date(1980, 5, 17)
    )
    assert list(found) == [avery]


def test_the_same_name_born_on_another_day_is_not_a_duplicate(avery):
    found = Patient.objects.possible_duplicates_of(
        first_name="Avery", last_name="Lopez", date_of_birth=date(1980, 5, 18)
    )
    assert not found.exists()


def test_an_archived_patient_leaves_the_active_list_and_comes_back_when_restored(avery, blake):
    avery.archive()
    assert avery.is_archived
    assert list(Patient.objects.active()) == [blake]
    assert list(Patient.objects.archived()) == [avery]
    avery.restore()
    assert not avery.is_archived
    assert set(Patient.objects.active()) == {avery, blake}


def test_the_full_name_shows_a_preferred_name_beside_the_legal_one(avery, blake):
    assert avery.full_name == "Ave (Avery) Lopez"
    assert blake.full_name == "Blake Other"


def test_the_phone_is_kept_as_digits_for_searching(avery):
    assert avery.phone_digits == "6045550199"


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("date_of_birth", TODAY + timedelta(days=1), "The date of birth cannot be in the future."),
        ("date_of_birth", date(1899, 12, 31), "The date of birth must be in 1900 or later."),
        ("phone", "555-12", "Enter a phone number with at least 7 digits."),
    ],
)
def test_a_patient_with_a_bad_value_does_not_validate(avery, field, value, message):
    setattr(avery, field, value)
    with pytest.raises(ValidationError, match=message):
        avery.full_clean()


def test_a_screening_with_nothing_against_needling_allows_it(avery, physiotherapist):
    screening = make_screening(avery, physiotherapist)
    Precaution.objects.create(
        screening=screening, kind=Precaution.Kind.DIABETES,
        decision=Precaution.Decision.PROCEED, note="Well controlled",
    )  # fmt: skip
    assert screening.allows_needling
    assert screening.do_not_needle_reasons == []


def test_any_do_not_needle_answer_stops_needling_and_says_why(avery, physiotherapist):
    screening = make_screening(avery, physiotherapist, lymphedema_in_area=True)
    assert not screening.allows_needling
    assert screening.do_not_needle_reasons == ["lymphedema in the area"]


def test_a_precaution_decided_do_not_needle_stops_needling(avery, physiotherapist):
    screening = make_screening(avery, physiotherapist)
    Precaution.objects.create(
        screening=screening, kind=Precaution.Kind.PACEMAKER,
        decision=Precaution.Decision.DO_NOT_NEEDLE, note="New device",
    )  # fmt: skip
    assert not screening.allows_needling
    assert screening.do_not_needle_reasons == [
        "Pacemaker or ICD (no electrical stimulation) (decided: do not needle)"
    ]


def test_a_screening_cannot_be_dated_in_the_future(avery, physiotherapist):
    screening = make_screening(avery, physiotherapist)
    screening.screened_on = TODAY + timedelta(days=1)
    with pytest.raises(ValidationError, match="A screening cannot be dated in the future"):
        screening.full_clean()


def test_a_precaution_without_a_note_does_not_validate(avery, physiotherapist):
    precaution = Precaution(
        screening=make_screening(avery, physiotherapist), kind=Precaution.Kind.EPILEPSY,
        decision=Precaution.Decision.PROCEED, note="",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        precaution.full_clean()


def test_consent_must_cover_every_topic_and_names_the_missing_ones(avery, physiotherapist):
    consent = Consent(
        patient=avery, obtained_by=physiotherapist, explained=["diagnosis", "options"]
    )
    with pytest.raises(ValidationError) as caught:
        consent.full_clean()
    message = caught.value.message_dict["explained"][0]
    assert message.startswith("Consent must cover: Risks and benefits;")
    assert message.endswith("What the patient will feel.")


@pytest.mark.parametrize(
    "explained,message",
    [
        (5, "List the topics that were explained."),
        (-1, "List the topics that were explained."),
        (" ".join(Consent.Topic.values), "List the topics that were explained."),
        (dict.fromkeys(Consent.Topic.values, True), "List the topics that were explained."),
        ([*Consent.Topic.values, 5], "List the topics that were explained."),
        ([*Consent.Topic.values, "anything"], "These are not topics of consent: anything."),
    ],
)
def test_consent_names_what_was_explained_as_a_list_of_its_topics(
    avery, physiotherapist, explained, message
):
    # The field is JSON: the shell, or a form, could give it anything.
    consent = Consent(patient=avery, obtained_by=physiotherapist, explained=explained)
    with pytest.raises(ValidationError) as caught:
        consent.full_clean()
    assert caught.value.message_dict["explained"] == [message]


def test_a_complete_consent_from_the_patient_validates(avery, physiotherapist):
    consent = Consent(
        patient=avery, obtained_by=physiotherapist, explained=list(Consent.Topic.values)
    )
    consent.full_clean()


@pytest.mark.parametrize(
    "given_by,substitute_name",
    [(Consent.GivenBy.SUBSTITUTE, ""), (Consent.GivenBy.PATIENT, "Jordan Lopez")],
)
def test_only_a_substitute_is_named_and_always_named(
    avery, physiotherapist, given_by, substitute_name
):
    consent = Consent(
        patient=avery, obtained_by=physiotherapist, explained=list(Consent.Topic.values),
        given_by=given_by, substitute_name=substitute_name,
    )  # fmt: skip
    with pytest.raises(ValidationError, match="Name the substitute decision-maker"):
        consent.full_clean()


def test_consent_is_in_force_from_its_date_until_it_is_withdrawn(avery, physiotherapist):
    consent = make_consent(
        avery, physiotherapist, consented_on=TODAY - timedelta(days=10), withdrawn_on=TODAY
    )
    assert not consent.is_in_force_on(TODAY - timedelta(days=11))
    assert consent.is_in_force_on(TODAY - timedelta(days=10))
    assert consent.is_in_force_on(TODAY - timedelta(days=1))
    assert not consent.is_in_force_on(TODAY)


def test_consent_cannot_be_withdrawn_before_it_was_given(avery, physiotherapist):
    consent = make_consent(avery, physiotherapist, consented_on=TODAY)
    consent.withdrawn_on = TODAY - timedelta(days=1)
    with pytest.raises(ValidationError, match="Consent cannot be withdrawn before it was given"):
        consent.full_clean()
