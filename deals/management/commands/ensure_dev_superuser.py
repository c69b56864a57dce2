import os

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

DEV_USERNAME = "admin"
DEV_PASSWORD = "admin"


class Command(BaseCommand):
    help = "Create a development superuser (admin/admin) when none exists; never in production."

    def handle(self, *args, **options):
        User = get_user_model()
        login = f"http://127.0.0.1:{os.environ.get('PORT', '8000')}/admin/"
        if settings.PRODUCTION:
            self.stdout.write("Production mode: no development superuser is created.")
            return
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(
                f"Log in at {login} with your superuser "
                "(`python manage.py changepassword NAME` resets a password)."
            )
            return
        User.objects.create_superuser(DEV_USERNAME, "", DEV_PASSWORD)
        self.stdout.write(
            self.style.WARNING(
                f"Created development superuser: log in at {login} as "
                f"{DEV_USERNAME} / {DEV_PASSWORD}."
            )
        )
