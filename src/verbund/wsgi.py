"""WSGI entry point: ``verbund.wsgi:application``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "verbund.settings")
application = get_wsgi_application()
