"""Create the ``partner`` group: API partners may view the domain records, nothing else.

Depends on 0006 as well as 0004 because 0006 (derived views) landed first; this
keeps a single leaf migration.
"""

from django.db import migrations

from deals.roles import DOMAIN_MODELS, create_permissions_in

PARTNER = "partner"


def create_partner_group(apps, schema_editor):
    create_permissions_in(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=PARTNER)
    wanted = {
        (app, f"view_{model}")
        for app, models in DOMAIN_MODELS.items()
        for model in models
        if (app, model) in {(m._meta.app_label, m._meta.model_name) for m in apps.get_models()}
    }
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
