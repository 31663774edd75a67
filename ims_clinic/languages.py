"""The languages the site is read in besides its own (English): those its education pages,
questionnaires and message catalogues can be translated into."""

from django.conf import settings

TRANSLATION_LANGUAGES = [
    (code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE
]
