"""One form field as Bootstrap 5 markup, the same as crispy-forms' `|as_crispy_field` writes,
from one small template instead of crispy's nest of includes.

The chart form repeats eight fields a needled site: through crispy it took about 240 template
renders and three quarters of the page's time (the benchmark in the README). Fields crispy draws
differently (radio buttons, several checkboxes, files) still go through crispy.
"""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.template.loader import get_template

register = template.Library()

# The Bootstrap class of each kind of widget; crispy adds the widget's own name before it.
CHECKBOX, SELECT, CONTROL = "form-check-input", "form-select", "form-control"


@register.filter
def as_field(field):
    widget = field.field.widget
    if field.is_hidden:
        return str(field)
    if field.use_fieldset or isinstance(widget, forms.FileInput | forms.MultiWidget):
        return as_crispy_field(field)
    if isinstance(widget, forms.CheckboxInput):
        bootstrap = CHECKBOX
    elif isinstance(widget, forms.Select):
        bootstrap = SELECT
    else:
        bootstrap = CONTROL
    classes = widget.attrs.get("class", "").split()
    own = type(widget).__name__.lower()
    wanted = [own, *bootstrap.split(), *(["is-invalid"] if field.errors else [])]
    widget.attrs["class"] = " ".join(classes + [name for name in wanted if name not in classes])
    context = {"field": field, "is_checkbox": bootstrap == CHECKBOX}
    return get_template("includes/field.html").render(context)
