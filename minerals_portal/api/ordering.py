"""``?ordering=`` restricted to a per-resource whitelist, always ending with ``id``.

Views declare ``ordering_fields`` as a mapping of public name to model field
(e.g. ``{"date": "on"}``) and a default ``ordering`` of model fields. An
unknown ordering term is a 400, not silently ignored. The schema gives the
parameter the pattern the server checks (``terms_pattern``), so a client, or a
generator of test requests, knows which values are accepted.
"""

import re

from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter


def terms_pattern(names) -> str:
    """Comma-separated public names, each optionally prefixed with ``-``; spaces around them."""
    if not names:
        return "^$"
    name = "(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + ")"
    term = f" *-?{name} *"
    return f"^(?:{term}(?:,{term})*)?$"


class StableOrderingFilter(OrderingFilter):
    def public_fields(self, view) -> dict[str, str]:
        fields = getattr(view, "ordering_fields", None) or {}
        if not isinstance(fields, dict):
            fields = {name: name for name in fields}
        return fields

    def get_ordering(self, request, queryset, view):
        fields = self.public_fields(view)
        raw = request.query_params.get(self.ordering_param)
        if raw:
            terms = [term.strip(" ") for term in raw.split(",")]
            if not re.fullmatch(terms_pattern(fields), raw):
                unknown = [term for term in terms if term.removeprefix("-") not in fields]
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Unknown ordering {', '.join(unknown or terms)!s}; choose from "
                            f"{', '.join(sorted(fields))} (prefix - to reverse)."
                        ]
                    }
                )
            ordering = [
                ("-" if term.startswith("-") else "") + fields[term.removeprefix("-")]
                for term in terms
            ]
        else:
            ordering = list(getattr(view, "ordering", None) or [])
        if not any(term.lstrip("-") in ("id", "pk") for term in ordering):
            ordering.append("id")
        return tuple(ordering)

    def get_schema_operation_parameters(self, view):
        names = sorted(self.public_fields(view))
        default = ", ".join(getattr(view, "ordering", None) or ["id"])
        return [
            {
                "name": self.ordering_param,
                "required": False,
                "in": "query",
                "description": (
                    f"Sort by {', '.join(names)}; prefix with - to reverse, separate several "
                    f"with commas. Default: {default}. Ties are always broken by id. "
                    "Unknown terms are a 400."
                ),
                "schema": {"type": "string", "pattern": terms_pattern(names)},
            }
        ]
