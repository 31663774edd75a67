"""Widgets of the chart form, drawn faster than Django's own with the same markup."""

from django import forms


class Select(forms.Select):
    """Django's Select, its options written in place: Django includes a template for each
    option and another for its attributes, which made the chart form's selects (a spinal segment
    has 28 options, on every site row) most of the page's time. Named Select so that the
    widget's CSS class (`select`, from its class name) stays as crispy-forms writes it."""

    template_name = "treatments/widgets/select.html"
