"""Template filters about staff, available in every template (settings.TEMPLATES builtins)."""

from django import template

from patients import roles

register = template.Library()


@register.filter
def display_name(user) -> str:
    return roles.display_name(user)
