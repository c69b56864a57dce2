from django.apps import AppConfig


class DealsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "deals"

    def ready(self):
        from . import signals  # noqa: F401  (tombstones and sync timestamps)
        from .refresh_scheduling import connect_signals

        connect_signals()
