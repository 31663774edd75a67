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
