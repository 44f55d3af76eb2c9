"""WSGI entry point for ``oltflow web`` and external servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "oltflow.settings")
application = get_wsgi_application()
