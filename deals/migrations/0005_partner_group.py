"""Create the ``partner`` group: API partners may view the domain records, nothing else.

Depends on 0006 as well as 0004 because 0006 (derived views) landed first; this
keeps a single leaf migration.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from deals.roles import ANALYST, permission_codenames

PARTNER = "partner"


def create_partner_group(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=PARTNER)
    # The analyst's view permissions on the domain models this migration's state holds.
    granted = permission_codenames(ANALYST, apps)
    wanted = {(app, code) for app, codes in granted.items() for code in codes}
    wanted.add(("deals", "view_tombstone"))
    for app_label, codename in sorted(wanted):
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        group.permissions.add(permission)


def remove_partner_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=PARTNER).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0004_publication_tombstones_tokens"),
        ("deals", "0006_derived_views"),
        ("deposits", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_partner_group, remove_partner_group)]
