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
    ],
}
EDITOR_MAY_DELETE = {
    "agreementparty",
    "amount",
    "citation",
    "depositcommodity",
    "resourceestimate",
    "ownership",
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
