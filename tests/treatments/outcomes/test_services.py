"""Recording a course's questionnaires: measures, scored answers, and single-use links."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.factories import TODAY, make_course, make_visit
from tests.treatments.outcomes.helpers import licensed_text, measure_of, odi, psfs
from treatments.models import AnswerLink, Instrument, MeasureResponse
from treatments.outcomes import services

pytestmark = pytest.mark.django_db
Occasion, Source, Channel = MeasureResponse.Occasion, MeasureResponse.Source, AnswerLink.Channel


def typed(measure, occasion, answers, **fields):
    return services.record_response(
        measure, occasion=occasion, answers=answers, source=Source.TYPED, **fields
    )


@pytest.mark.parametrize(
    ("region", "codes"),
    [("Right low back", {"odi", "psfs"}), ("Lumbar spine", {"odi", "psfs"}),
     ("Neck and upper trapezius", {"ndi", "psfs"}), ("Left knee", {"lefs", "psfs"}),
     ("Tennis elbow", {"psfs"})],
)  # fmt: skip
def test_the_suggested_questionnaires_follow_the_courses_region(region, codes):
    assert {i.code for i in services.suggested_instruments(region)} == codes


def test_a_retired_questionnaire_is_not_suggested():
    Instrument.objects.filter(code="odi").update(is_active=False)
    assert {i.code for i in services.suggested_instruments("Low back")} == {"psfs"}


def test_choosing_measures_adds_and_drops_those_without_answers():
    course = make_course()
    odi_, psfs_, ndi_ = (Instrument.objects.get(code=c) for c in ("odi", "psfs", "ndi"))
    services.set_measures(course, [odi_, psfs_])
    typed(measure_of(course, "odi"), Occasion.BASELINE, odi(40))
    services.set_measures(course, [odi_, ndi_])
    assert {m.instrument.code for m in course.measures.all()} == {"odi", "ndi"}


def test_a_measure_with_answers_stays_on_the_course():
    course = make_course()
    typed(measure_of(course, "odi"), Occasion.BASELINE, odi(40))
    with pytest.raises(ValidationError, match="has answers on file"):
        services.set_measures(course, [Instrument.objects.get(code="psfs")])
    assert course.measures.get().instrument.code == "odi"


def test_an_answer_is_scored_and_counts_the_treatments_given_by_that_day():
    course = make_course()
    for weeks_ago in (3, 2, 1):
        make_visit(course, TODAY - timedelta(weeks=weeks_ago), status="attended")
    make_visit(course, TODAY - timedelta(days=2), kind="Re-assessment", status="attended")
    response = typed(measure_of(course, "odi"), Occasion.BASELINE, odi(40),
                     answered_on=TODAY - timedelta(days=10))  # fmt: skip
    assert response.score == Decimal("40.00")
    assert response.treatments_before == 2  # the assessment is not a treatment


def test_a_reassessment_that_passes_the_mcid_is_an_important_change():
    measure = measure_of(make_course(), "odi")
    typed(measure, Occasion.BASELINE, odi(50))
    assert not typed(measure, Occasion.REASSESSMENT, odi(42)).is_important_change
    assert typed(measure, Occasion.REASSESSMENT, odi(40)).is_important_change


def test_a_reassessment_needs_a_baseline_and_a_baseline_comes_once():
    measure = measure_of(make_course(), "odi")
    with pytest.raises(ValidationError, match="baseline of this questionnaire first"):
        typed(measure, Occasion.REASSESSMENT, odi(40))
    typed(measure, Occasion.BASELINE, odi(40))
    with pytest.raises(ValidationError, match="already has a baseline"):
        typed(measure, Occasion.BASELINE, odi(30))
    typed(measure, Occasion.DISCHARGE, odi(20))
    with pytest.raises(ValidationError, match="already has a discharge"):
        typed(measure, Occasion.DISCHARGE, odi(10))
    assert measure.responses.count() == 2


@pytest.mark.parametrize(
    "answers",
    [{**odi(40), "1": 6}, {**odi(40), "1": -1}, {**odi(40), "99": 1}, {"1": 2, "2": 2}],
    ids=["above the top", "below zero", "an unknown item", "too few answered"],
)
def test_answers_out_of_range_or_too_few_are_refused_and_nothing_is_saved(answers):
    measure = measure_of(make_course(), "odi")
    with pytest.raises(ValidationError):
        typed(measure, Occasion.BASELINE, answers)
    assert not MeasureResponse.objects.exists()


def test_answers_cannot_be_dated_in_the_future_or_before_the_course():
    measure = measure_of(make_course(started_on=TODAY - timedelta(days=5)), "odi")
    for day in (TODAY + timedelta(days=1), TODAY - timedelta(days=6)):
        with pytest.raises(ValidationError):
            typed(measure, Occasion.BASELINE, odi(40), answered_on=day)
    assert not MeasureResponse.objects.exists()


def test_each_psfs_score_needs_the_activity_it_scores():
    measure = measure_of(make_course(), "psfs")
    answers, activities = psfs(3, 4, 5)
    with pytest.raises(ValidationError, match="Name the activity"):
        typed(measure, Occasion.BASELINE, answers, activities={"1": "Stairs", "2": " "})
    response = typed(measure, Occasion.BASELINE, answers, activities=activities)
    assert response.score == 4
    assert response.activities == activities


# Links ---------------------------------------------------------------------------------------


def link_for(course, code="psfs", occasion=Occasion.BASELINE, channel=Channel.EMAIL, by=None):
    return services.make_link(measure_of(course, code), occasion, channel, by or
                              course.physiotherapist, sent_to="avery@example.org")  # fmt: skip


def test_a_link_is_answered_once():
    course = make_course()
    link, token = link_for(course)
    response = services.answer_by_link(token, *psfs(2, 3, 4))
    link.refresh_from_db()
    assert (link.response, response.source, response.entered_by) == (response, Source.LINK, None)
    with pytest.raises(services.LinkRefused, match="already been answered"):
        services.answer_by_link(token, *psfs(5, 5, 5))
    assert MeasureResponse.objects.count() == 1


def test_an_expired_or_unknown_link_is_refused(clock):
    _link, token = link_for(make_course())
    clock.shift(timedelta(days=7, seconds=1))
    with pytest.raises(services.LinkRefused, match="expired"):
        services.open_link(token)
    for wrong in ("", "x" * 10_000, token[:-1], "'; drop table x;--"):
        with pytest.raises(services.LinkRefused, match="not one of ours"):
            services.open_link(wrong)


def test_the_kiosk_link_lasts_an_hour(clock):
    _link, token = link_for(make_course(), channel=Channel.KIOSK)
    clock.shift(timedelta(minutes=59))
    assert services.open_link(token)
    clock.shift(timedelta(minutes=2))
    with pytest.raises(services.LinkRefused):
        services.open_link(token)


def test_only_the_tokens_hash_is_kept():
    link, token = link_for(make_course())
    assert token not in link.token_hash
    assert not AnswerLink.objects.filter(token_hash=token).exists()


def test_an_email_link_needs_an_address_and_a_licensed_questionnaire_its_text():
    course = make_course()
    with pytest.raises(ValidationError, match="no email address"):
        services.make_link(measure_of(course, "psfs"), Occasion.BASELINE, Channel.EMAIL,
                           course.physiotherapist, sent_to="")  # fmt: skip
    with pytest.raises(ValidationError, match="licensed text"):
        link_for(course, "odi")
    Instrument.objects.filter(code="odi").update(licensed_text=licensed_text("odi"))
    assert link_for(course, "odi")[0].pk


def test_a_link_for_an_occasion_already_answered_is_not_made():
    course = make_course()
    typed(measure_of(course, "psfs"), Occasion.BASELINE, *psfs(2, 3, 4)[:1],
          activities=psfs(2, 3, 4)[1])  # fmt: skip
    with pytest.raises(ValidationError, match="already has a baseline"):
        link_for(course)
    assert not AnswerLink.objects.exists()


def test_a_link_answered_after_another_answer_saved_the_same_occasion_saves_nothing():
    course = make_course()
    _link, token = link_for(course)
    typed(measure_of(course, "psfs"), Occasion.BASELINE, *psfs(2, 3, 4)[:1],
          activities=psfs(2, 3, 4)[1])  # fmt: skip
    with pytest.raises(ValidationError, match="already has a baseline"):
        services.answer_by_link(token, *psfs(5, 5, 5))
    assert AnswerLink.objects.get().used_at is None


def test_a_measure_sent_to_the_patient_stays_on_the_course():
    course = make_course()
    link_for(course, "psfs")
    with pytest.raises(ValidationError, match="was sent to the patient"):
        services.set_measures(course, [Instrument.objects.get(code="odi")])
    assert [m.instrument.code for m in course.measures.all()] == ["psfs"]
