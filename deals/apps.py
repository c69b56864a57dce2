from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DealsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deals"

    def ready(self):
        from . import signals  # noqa: F401  (tombstones and sync timestamps)
        from .db_triggers import ensure_sqlite_triggers
        from .refresh_scheduling import connect_signals

        post_migrate.connect(ensure_sqlite_triggers, sender=self)
        connect_signals()
