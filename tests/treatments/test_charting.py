"""What must hold before needling is recorded: screening, consent, authorization, the date."""

from datetime import time, timedelta

import pytest
from django.core.exceptions import ValidationError

from patients.models import Precaution
from tests.factories import (
    TODAY,
    make_consent,
    make_physiotherapist,
    make_screening,
    make_visit,
    ready_for_needling,
)
from treatments.charting import needling_problems, record_chart
from treatments.models import AdverseEvent, Chart, NeedledSite, Visit

pytestmark = pytest.mark.django_db
YESTERDAY = TODAY - timedelta(days=1)


def new_chart(**fields) -> Chart:
    return Chart(consent_confirmed=True, patient_position="prone", pain_before=6,
                        pain_after=3, note="Needled L4 multifidus", **fields)  # fmt: skip


def site(**fields) -> NeedledSite:
    return NeedledSite(**{"muscle": "Multifidus", "side": "right", "site_type": "paraspinal",
                          "spinal_segment": "L4", "response": "grasp", **fields})  # fmt: skip


def chart(visit, by, **kwargs):
    kwargs.setdefault("sites", [site()])
    kwargs.setdefault("sign", True)
    return record_chart(visit=visit, chart=kwargs.pop("chart", new_chart()),
                        adverse_events=[], charted_by=by, **kwargs)  # fmt: skip


def test_a_screened_consenting_patient_can_be_charted_and_the_visit_becomes_attended():
    course = ready_for_needling()
    visit = make_visit(course, YESTERDAY)
    chart(visit, course.physiotherapist, sites=[site(), site(muscle="Gluteus medius")])
    visit.refresh_from_db()
    assert visit.status == Visit.Status.ATTENDED
    assert visit.chart.sites.count() == 2


def test_a_patient_with_an_unresolved_do_not_needle_item_cannot_be_charted():
    course = ready_for_needling()
    make_screening(
        course.patient, course.physiotherapist, screened_on=YESTERDAY, acute_illness=True
    )
    problems = needling_problems(make_visit(course, YESTERDAY), course.physiotherapist)
    assert problems == [f"The screening of {YESTERDAY:%-d %B %Y} says do not needle: "
                        "acute illness or medical emergency."]  # fmt: skip


def test_a_later_screening_resolves_a_do_not_needle_item():
    course = ready_for_needling()
    make_screening(
        course.patient,
        course.physiotherapist,
        screened_on=YESTERDAY - timedelta(days=9),
        needle_phobia=True,
    )
    make_screening(course.patient, course.physiotherapist, screened_on=YESTERDAY)
    assert needling_problems(make_visit(course, YESTERDAY), course.physiotherapist) == []


def test_a_precaution_decided_as_do_not_needle_stops_needling():
    course = ready_for_needling()
    screening = make_screening(course.patient, course.physiotherapist, screened_on=YESTERDAY)
    Precaution.objects.create(screening=screening, kind="bleeding", decision="do_not_needle",
                              note="INR too high today")  # fmt: skip
    [problem] = needling_problems(make_visit(course, YESTERDAY), course.physiotherapist)
    assert "Bleeding tendency or blood thinners (decided: do not needle)" in problem


def test_missing_consent_stops_needling():
    course = ready_for_needling()
    course.patient.consents.update(withdrawn_on=YESTERDAY - timedelta(days=2))
    visit = make_visit(course, YESTERDAY)
    with pytest.raises(ValidationError, match="No consent to IMS is on file"):
        chart(visit, course.physiotherapist)
    assert not Chart.objects.exists()
    make_consent(course.patient, course.physiotherapist, consented_on=YESTERDAY)
    chart(visit, course.physiotherapist)


def test_a_physiotherapist_without_a_current_authorization_cannot_chart_needling():
    course = ready_for_needling()
    lapsed = make_physiotherapist(authorized_until=YESTERDAY - timedelta(days=1), first_name="Kim",
                                  last_name="Lapsed")  # fmt: skip
    with pytest.raises(ValidationError, match="Kim Lapsed has no current needling authorization"):
        chart(make_visit(course, YESTERDAY), lapsed)


def test_a_visit_that_has_not_started_cannot_be_charted():
    course = ready_for_needling()
    later_today = make_visit(course, TODAY, time(15, 0))  # the clock says noon
    with pytest.raises(ValidationError, match="charted once it has started"):
        chart(later_today, course.physiotherapist)
    later_today.refresh_from_db()
    assert later_today.status == Visit.Status.BOOKED and not later_today.is_charted


def test_a_chart_needs_at_least_one_needled_site():
    course = ready_for_needling()
    with pytest.raises(ValidationError, match="at least one needled site"):
        chart(make_visit(course, YESTERDAY), course.physiotherapist, sites=[])


def test_a_correction_needs_a_reason_and_keeps_the_earlier_version():
    course = ready_for_needling()
    first = chart(make_visit(course, YESTERDAY), course.physiotherapist)
    first.note = "Needled L4 and L5 multifidus"
    with pytest.raises(ValidationError, match="amended only with a reason"):
        chart(first.visit, course.physiotherapist, chart=first, sites=[])
    chart(first.visit, course.physiotherapist, chart=first, sites=[],
          correction_reason="Forgot L5")  # fmt: skip
    versions = list(first.history.order_by("history_date"))
    assert [v.note for v in versions] == ["Needled L4 multifidus", "Needled L4 and L5 multifidus"]
    assert versions[-1].history_change_reason == "Amended: Forgot L5"


def test_removing_an_adverse_event_keeps_the_needled_sites_on_file():
    course = ready_for_needling()
    first = chart(make_visit(course, YESTERDAY), course.physiotherapist)
    event = AdverseEvent.objects.create(chart=first, kind="bruising", severity="mild")
    chart(first.visit, course.physiotherapist, chart=first, sites=[], removed=[event],
          correction_reason="Bruise was from last week")  # fmt: skip
    assert first.sites.count() == 1
    assert not AdverseEvent.objects.filter(pk=event.pk).exists()


def test_each_chart_version_names_who_saved_it():
    course = ready_for_needling()
    first = chart(make_visit(course, YESTERDAY), course.physiotherapist)
    assert first.history.get().history_user == course.physiotherapist
