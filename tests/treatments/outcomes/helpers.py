"""Builders shared by the outcome instrument tests."""

from treatments.outcomes.instruments import definition


def licensed_text(code):
    """What a clinic would upload for an instrument: a text for every item and option."""
    items = []
    for item in definition(code)["items"]:
        entry = {"linkId": item["linkId"], "text": f"Licensed question {item['linkId']}"}
        if "answerOption" in item:
            entry["answerOption"] = [
                {"value": o["value"], "display": f"Statement {o['value']}"}
                for o in item["answerOption"]
            ]
        items.append(entry)
    return {"items": items}


def measure_of(course, code):
    """The course's measure for the instrument with this code (loaded by the migrations)."""
    from treatments.models import CourseMeasure, Instrument

    return CourseMeasure.objects.get_or_create(
        course=course, instrument=Instrument.objects.get(code=code)
    )[0]


def odi(percent: int) -> dict:
    """ODI answers scoring `percent` (a multiple of 2): ten sections summing to percent / 2."""
    total, answers = percent // 2, {}
    for section in range(1, 11):
        answers[str(section)] = min(5, total)
        total -= answers[str(section)]
    return answers


def psfs(*scores: int) -> tuple[dict, dict]:
    """PSFS answers and the activities named for them."""
    answers = {str(n): score for n, score in enumerate(scores, start=1)}
    return answers, {key: f"Activity {key}" for key in answers}


def answered(course, code="odi", *occasions, percent=40):
    """The course's ODI (or other) measure with these occasions answered, typed in."""
    from treatments.outcomes.services import record_response

    measure = measure_of(course, code)
    for occasion in occasions or ("baseline",):
        record_response(measure, occasion=occasion, answers=odi(percent), source="typed")
    return measure
