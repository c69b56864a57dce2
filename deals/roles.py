"""The portal's roles as Django groups, and the permissions each holds.

Analysts read everything; editors also add and change records and may delete
the dependent rows they manage inline (parties, amounts, citations, estimates).
"""

DOMAIN_MODELS = {
    "deposits": ["commodity", "region", "deposit", "depositcommodity", "resourceestimate"],
    "deals": [
        "company",
        "ownership",
        "deal",
        "agreement",
        "agreementparty",
        "amount",
        "event",
        "source",
        "sourcerelation",
        "citation",
        "exchangerate",
        "figurereport",
        "statuschange",
        "facility",
    ],
}
EDITOR_MAY_DELETE = {
    "agreementparty",
    "amount",
    "citation",
    "sourcerelation",
    "depositcommodity",
    "resourceestimate",
    "ownership",
    "figurereport",
    "statuschange",
}

ANALYST = "analyst"
EDITOR = "editor"


def permission_codenames(role: str, apps=None) -> dict[str, list[str]]:
    """Map app label → permission codenames granted to ``role``.

    ``apps``: a migration's historical app registry; models it does not hold yet
    (added by a later migration, which grants their permissions itself) are left out.
    """
    granted: dict[str, list[str]] = {}
    for app_label, models in DOMAIN_MODELS.items():
        codes = []
        for model in models:
            if apps is not None and not _exists(apps, app_label, model):
                continue
            codes.append(f"view_{model}")
            if role == EDITOR:
                codes += [f"add_{model}", f"change_{model}"]
                if model in EDITOR_MAY_DELETE:
                    codes.append(f"delete_{model}")
        granted[app_label] = codes
    return granted


def in_state(apps, granted: dict[str, list[str]]) -> dict[str, list[str]]:
    """``granted`` limited to models that exist in a migration's ``apps`` state (a migration
    written before a model was added grants nothing on it; a later one does)."""
    names = {(model._meta.app_label, model._meta.model_name) for model in apps.get_models()}
    return {
        app: [code for code in codes if (app, code.split("_", 1)[1]) in names]
        for app, codes in granted.items()
    }


def _exists(apps, app_label: str, model: str) -> bool:
    try:
        apps.get_model(app_label, model)
    except LookupError:
        return False
    return True


def create_permissions_in(apps) -> None:
    """Create every model's permissions in ``apps`` (a migration's state, where app configs
    carry no models module, or the live registry), leaving each app config as it was."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        before = getattr(app_config, "models_module", None)  # a state's stubs have none
        app_config.models_module = before or True
        try:
            create_permissions(app_config, apps=apps, verbosity=0)
        finally:
            app_config.models_module = before


def grant_on_new_models(apps, app_label: str, models: set[str]) -> None:
    """In a migration that adds ``models``: give each role's group its permissions on them
    (the publisher group holds the editor's, see migration 0009)."""
    create_permissions_in(apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    roles = (("analyst", ANALYST), ("partner", ANALYST), ("editor", EDITOR), ("publisher", EDITOR))
    for group_name, role in roles:
        group = Group.objects.filter(name=group_name).first()
        codes = permission_codenames(role, apps).get(app_label, [])
        codes = [code for code in codes if code.split("_", 1)[1] in models]
        if group is not None:
            perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codes)
            group.permissions.add(*perms)
