"""``/api/v1/stats/…``: the derived views, read as they were last refreshed.

These are aggregates of published records only, so they are readable without
authentication (the public dashboard draws its charts from them); they are
throttled like every endpoint. Each answer says when its view was refreshed;
``?format=csv`` gives the rows alone, related records flattened to columns.
"""

from functools import lru_cache

from drf_spectacular.utils import extend_schema, extend_schema_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from deals.aggregates import VIEWS
from deals.models import ViewRefresh
from minerals_portal.api.renderers import CSVRenderer, FastJSONRenderer

# Related records each view names, with the fields to show of them.
RELATED = {
    "deposit": ("slug", "name", "name_ru"),
    "company": ("slug", "name", "name_ru", "country"),
    "commodity": ("slug", "name", "name_ru", "code"),
}


def _columns(model) -> tuple[list[str], list[str]]:
    """The view's own fields and the related records it names."""
    fields = [f.name for f in model._meta.concrete_fields if f.name not in ("id", *RELATED)]
    return fields, [name for name in RELATED if hasattr(model, f"{name}_id")]


CURRENCY = "USD"  # every money column of the derived views


def rows(model):
    """The view's rows as dicts: its fields, ``currency``, and each related record nested."""
    fields, related = _columns(model)
    values = [*fields]
    for name in related:
        values += [f"{name}__{attr}" for attr in RELATED[name]]
    result = []
    for row in model.objects.values(*values):
        for name in related:
            row[name] = {attr: row.pop(f"{name}__{attr}") for attr in RELATED[name]}
        row["currency"] = CURRENCY
        result.append(row)
    return result


@lru_cache
def row_serializer(model) -> type[serializers.Serializer]:
    """One typed row: money as decimal strings (with ``currency``), times in UTC."""
    fields, related = _columns(model)
    nested = {}
    for name in related:
        target = model._meta.get_field(name).related_model
        meta = type("Meta", (), {"model": target, "fields": list(RELATED[name])})
        brief = type(f"Stat{target.__name__}", (serializers.ModelSerializer,), {"Meta": meta})
        nested[name] = brief(read_only=True)
    meta = type(
        "Meta",
        (),
        {"model": model, "fields": [*fields, *related, "currency"], "read_only_fields": fields},
    )
    attrs = {
        "Meta": meta,
        "currency": serializers.CharField(
            read_only=True, help_text="ISO 4217 code of every money column (always USD)."
        ),
        **nested,
    }
    return type(f"{model.__name__}Row", (serializers.ModelSerializer,), attrs)


def csv_columns(model) -> list[tuple[str, str]]:
    """One CSV column per field, and per attribute of a related record (``commodity_slug``)."""
    fields, related = _columns(model)
    named = [(f"{name}_{attr}", f"{name}.{attr}") for name in related for attr in RELATED[name]]
    return [(field, field) for field in fields] + [("currency", "currency")] + named


@lru_cache
def stat_response(view_name: str, model) -> type[serializers.Serializer]:
    """The answer's shape: one object (``list`` alone would document an array of them)."""
    fields = {
        "view": serializers.CharField(),
        "refreshed_at": serializers.DateTimeField(allow_null=True),
        "results": row_serializer(model)(many=True),
    }
    serializer = type(f"Stat_{view_name}", (serializers.Serializer,), fields)
    return extend_schema_serializer(many=False)(serializer)


def stat_viewset(view_name: str, model):
    class StatViewSet(viewsets.ViewSet):
        permission_classes = [AllowAny]
        pagination_class = None
        renderer_classes = [FastJSONRenderer, CSVRenderer]  # ?format=csv: the rows alone

        def initial(self, request, *args, **kwargs):
            super().initial(request, *args, **kwargs)
            if request.query_params.get("format", "json") not in ("json", "csv"):
                # ``?format=`` (empty) would silently mean JSON: say what is accepted.
                message = "format is json or csv."
                raise ValidationError({"format": [message]}, code="invalid_choice")

        @extend_schema(
            summary=f"Derived view {view_name}",
            description=(model.__doc__ or "").strip()
            + "\n\nAggregates of published records, in USD; readable without authentication.",
            responses=stat_response(view_name, model),
        )
        def list(self, request):
            refresh = ViewRefresh.objects.filter(name=view_name).first()
            response = Response(
                stat_response(view_name, model)(
                    {
                        "view": view_name,
                        "refreshed_at": refresh.refreshed_at if refresh else None,
                        "results": rows(model),
                    }
                ).data
            )
            if request.accepted_renderer.format == "csv":
                response["Content-Disposition"] = f'attachment; filename="{view_name}.csv"'
            return response

    StatViewSet.csv_columns = csv_columns(model)
    StatViewSet.__name__ = f"{model.__name__}StatViewSet"
    return StatViewSet


def register(router):
    for view_name, (model, _build) in VIEWS.items():
        slug = view_name.replace("_", "-")
        router.register(f"stats/{slug}", stat_viewset(view_name, model), basename=f"stat-{slug}")
