"""Questionnaires for the demo clinic (treatments/demo.py): each course's suggested measures
answered at baseline, at each re-assessment and, for finished courses, at discharge, with
scores that follow the course's pain, so every page about function has something real."""

from datetime import date

from treatments.models import ClinicSettings, Instrument, MeasureResponse, TreatmentCourse, Visit
from treatments.outcomes import services

Occasion = MeasureResponse.Occasion
ACTIVITIES = ["Sitting through a film", "Lifting the shopping", "Sleeping through the night",
              "Gardening", "Turning to reverse the car"]  # fmt: skip


def demo_licensed_text(definition: dict) -> dict:
    """Stand-in text for a questionnaire whose wording the project may not ship, so that the
    demo's patients can answer it. A clinic loads its licensed copy in the admin instead."""
    items = []
    for item in definition["items"]:
        text = f"Section {item['linkId']} (demo: your clinic's licensed wording goes here)"
        entry = {"linkId": item["linkId"], "text": text}
        if "answerOption" in item:
            entry["answerOption"] = [
                {"value": option["value"], "display": f"Statement {option['value']}"}
                for option in item["answerOption"]
            ]
        items.append(entry)
    return {"items": items}


def load_demo_texts() -> None:
    for instrument in Instrument.objects.filter(licensed_text__isnull=True):
        if not instrument.definition.get("text_included"):
            instrument.licensed_text = demo_licensed_text(instrument.definition)
            instrument.save(update_fields=["licensed_text"])


def answers_for(definition: dict, severity: float, rng) -> tuple[dict, dict]:
    """Answers to every item for a patient this badly off (0 = no problem, 1 = the worst)."""
    score = definition["score"]
    worse = 1 - severity if score["higher_is_better"] else severity
    answers, activities = {}, {}
    for n, item in enumerate(definition["items"]):
        if "answerOption" in item:
            values = sorted(option["value"] for option in item["answerOption"])
        else:
            values = list(range(item["min"], item["max"] + 1))
        spot = min(max(worse + rng.uniform(-0.1, 0.1), 0), 1)
        answers[item["linkId"]] = values[round(spot * (len(values) - 1))]
        if item.get("names_activity"):
            if n >= 3:  # PSFS: three activities named
                del answers[item["linkId"]]
                continue
            activities[item["linkId"]] = ACTIVITIES[n]
    return answers, activities


def answer(measure, occasion: str, day: date, severity: float, rng) -> None:
    answers, activities = answers_for(measure.instrument.definition, severity, rng)
    services.record_response(measure, occasion=occasion, answers=answers, activities=activities,
                             answered_on=day, source=MeasureResponse.Source.TYPED)  # fmt: skip


def add_questionnaires(
    course: TreatmentCourse, pains: list[int], rng, last_reassessment: bool = True
) -> None:
    """The course's suggested measures, answered at its start (once it has treatments), at
    every re-assessment (but the latest, if asked) and, if it is completed, at discharge; how
    bad function is follows the pain of the time."""
    every = ClinicSettings.load().reassess_every
    measures = services.set_measures(course, services.suggested_instruments(course.region))
    if not pains:
        return
    treatments = list(
        course.visits.filter(status=Visit.Status.ATTENDED, is_needling=True).order_by("date")
    )
    for measure in measures:
        answer(measure, Occasion.BASELINE, course.started_on, course.baseline_pain / 10, rng)
        due = list(range(every, len(treatments) + 1, every))
        for number in due:
            if number == len(treatments) and not course.is_active:
                break  # the last treatment's questionnaire is the discharge one
            if number == due[-1] and not last_reassessment:
                break
            answer(measure, Occasion.REASSESSMENT, treatments[number - 1].date,
                   pains[number - 1] / 10, rng)  # fmt: skip
        if course.status == TreatmentCourse.Status.COMPLETED:
            answer(measure, Occasion.DISCHARGE, course.ended_on, pains[-1] / 10, rng)


def left_to_answer_at_home(course: TreatmentCourse) -> None:
    """The pain rating added to the course and not yet answered, so the demo patient who tries
    the patient pages has a questionnaire waiting for them there."""
    instruments = [measure.instrument for measure in course.measures.select_related("instrument")]
    services.set_measures(course, [*instruments, Instrument.objects.get(code="nprs")])
