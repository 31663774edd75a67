"""The chart form's fields are drawn by the site's own template (for speed), with the same
markup crispy-forms writes: labels, the required mark, help text, errors and is-invalid."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field

from treatments.forms import AdverseEventForm, ChartForm, NeedledSiteForm, VisitNoteForm
from treatments.templatetags.plain_fields import as_field
from treatments.widgets import Select

pytestmark = pytest.mark.django_db
BAD = {"pain_before": "11", "stimulation_hz": "many", "spinal_segment": "Z9", "insertions": "-3"}


def tidy(html: str) -> str:
    return re.sub(r"\s*(<|>)\s*", r"\1", re.sub(r"\s+", " ", str(html))).strip()


def drawn(make_form, draw) -> list[str]:
    """Each field of a fresh form (both ways change the widgets' classes)."""
    form = make_form()
    form.is_valid()
    return [tidy(draw(form[name])) for name in form.fields]


@pytest.mark.parametrize("data", [None, BAD], ids=["empty", "with errors"])
@pytest.mark.parametrize(
    "form_class", [ChartForm, VisitNoteForm, NeedledSiteForm, AdverseEventForm]
)
def test_each_field_is_drawn_as_crispy_forms_draws_it(form_class, data, monkeypatch):
    amending = {"amending": True} if form_class in (ChartForm, VisitNoteForm) else {}

    def make_form():
        return form_class(data, **amending)

    plain = drawn(make_form, as_field)
    monkeypatch.setattr(Select, "template_name", "django/forms/widgets/select.html")
    assert plain == drawn(make_form, as_crispy_field)


def test_a_field_with_an_error_is_marked_invalid_with_its_message():
    form = NeedledSiteForm({"muscle": "Gluteus medius", "spinal_segment": "Z9"})
    form.is_valid()
    html = as_field(form["spinal_segment"])
    assert "is-invalid" in html
    assert "Choose a spinal segment from C1 to S2." in html
