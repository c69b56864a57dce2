"""Create the ``analyst`` and ``editor`` groups with their permissions (see deals.roles)."""

from django.db import migrations

from deals.roles import ANALYST, EDITOR, create_permissions_in, in_state, permission_codenames


def create_roles(apps, schema_editor):
    # Permissions are normally created after migrate; make sure they exist now.
    create_permissions_in(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in (ANALYST, EDITOR):
        group, _ = Group.objects.get_or_create(name=role)
        for app_label, codenames in in_state(apps, permission_codenames(role)).items():
            perms = Permission.objects.filter(
                content_type__app_label=app_label, codename__in=codenames
            )
            missing = set(codenames) - set(perms.values_list("codename", flat=True))
            if missing:
                raise RuntimeError(f"Missing permissions for {role}: {sorted(missing)}")
            group.permissions.add(*perms)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[ANALYST, EDITOR]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("deals", "0002_party_stake_total_trigger"),
        ("deposits", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(create_roles, remove_roles)]
