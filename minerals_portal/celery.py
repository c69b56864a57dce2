"""The Celery application; tasks live in each app's ``tasks.py``."""

import os

from celery import Celery

from minerals_portal.logs import connect_celery_signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "minerals_portal.settings")

app = Celery("minerals_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Workers log through Django's LOGGING (JSON in production) with the task id on each line.
connect_celery_signals()
