"""WSGI entry point: `gunicorn ims_clinic.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ims_clinic.settings")

application = get_wsgi_application()
