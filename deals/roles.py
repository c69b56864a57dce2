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
    "depositcommodity",
    "resourceestimate",
    "ownership",
    "figurereport",
    "statuschange",
}

ANALYST = "analyst"
EDITOR = "editor"


def permission_codenames(role: str) -> dict[str, list[str]]:
    """Map app label → permission codenames granted to ``role``."""
    granted: dict[str, list[str]] = {}
    for app_label, models in DOMAIN_MODELS.items():
        codes = []
        for model in models:
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
