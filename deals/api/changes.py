"""``GET /api/v1/changes/?after=<position>``: everything partners may see change, in order."""

import orjson
from django.conf import settings
from django.db.models import Exists, OuterRef, TextField
from django.db.models.functions import Cast
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from minerals_portal.api.pagination import StrictPageSizeMixin
from minerals_portal.api.schema import PortalAutoSchema

from ..models import Change, FeedState
from ..models.feed import ChangeEvent
from ..services.changes import sequence

ALLOWED = {"after", "page_size", "format"}
POSITION_LIMIT = 2**63 - 1

DESCRIPTION = """Every change partners can see, in commit order: follow `next` until
`results` is empty, keep `last_position`, and ask again later with `?after=` it.

Each entry names the record (`resource`, its immutable `id`, its current `slug`),
the `event` (`created`, `updated`, `published`, `republished`: `data` is the
record as its resource's list shows it; `deleted`, `withdrawn`: `data` is null,
remove the record) and its `position`. An entry of a record partners can no
longer see (withdrawn, hidden, deleted since) carries `data` null: the feed never
serves what a record said once it is hidden. Positions only grow; numbers may be
skipped, but an entry never appears after a later one was served. A change to a
record another one shows (a company renamed: its parties, agreements, amounts
and events) is an entry for that record too."""

ENTRY = inline_serializer(
    "ChangeEntry",
    {
        "position": serializers.IntegerField(),
        "resource": serializers.CharField(),
        "id": serializers.IntegerField(),
        "slug": serializers.CharField(),
        "event": serializers.ChoiceField(choices=ChangeEvent.choices),
        "at": serializers.DateTimeField(),
        "data": serializers.JSONField(allow_null=True),
    },
)
PAGE = inline_serializer(
    "ChangePage",
    {
        "results": ENTRY.__class__(many=True),
        "last_position": serializers.IntegerField(),
        "next": serializers.URLField(),
    },
)


class PageSize(StrictPageSizeMixin):
    pass


def read_after(params) -> int:
    raw = params.get("after", "0") or "0"
    if not raw.isdigit() or int(raw) > POSITION_LIMIT:
        raise ValidationError({"after": ["after must be a feed position (a whole number ≥ 0)."]})
    return int(raw)


ENTRY_FIELDS = {"position": "position", "resource": "resource", "id": "object_id"}
ENTRY_FIELDS |= {"slug": "slug", "event": "event", "at": "at"}


def entry(change: Change) -> dict:
    """A feed entry as the API shows it (``data`` decoded; null once the record is hidden)."""
    item = {name: getattr(change, field) for name, field in ENTRY_FIELDS.items()}
    shown = FeedState.objects.filter(
        resource=change.resource, object_id=change.object_id, public=True
    ).exists()
    return {**item, "data": change.data if shown else None}


def feed_page(after: int, size: int) -> list[dict]:
    """Sequence what committed transactions wrote, then the entries after ``after``.

    ``data`` is read as the database's JSON text and decoded by orjson (several
    times faster than the JSON field's own decoding, on the bulk of a page). It is
    served only while the record is shown to partners now (its ``FeedState``, as the
    sequencer just left it): an older entry of a record hidden since carries none.
    """
    sequence()
    shown = FeedState.objects.filter(
        resource=OuterRef("resource"), object_id=OuterRef("object_id"), public=True
    )
    rows = (
        Change.objects.filter(position__gt=after)
        .order_by("position")
        .values_list(*ENTRY_FIELDS.values(), Cast("data", TextField()), Exists(shown))[:size]
    )
    return [
        {
            **dict(zip(ENTRY_FIELDS, row[:-2], strict=True)),
            "data": orjson.loads(row[-2] or "null") if row[-1] else None,
        }
        for row in rows
    ]


class PageSchema(PortalAutoSchema):
    """The feed answers one page object, not a list of them (drf-spectacular would wrap a
    ``list`` action's response in an array)."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class ChangeFeedViewSet(viewsets.GenericViewSet):
    schema = PageSchema()
    queryset = Change.objects.all()
    read_permission = "deals.view_deal"
    filter_backends = []
    pagination_class = None

    @extend_schema(
        summary="The change feed, for incremental sync",
        description=DESCRIPTION,
        parameters=[
            OpenApiParameter("after", OpenApiTypes.INT, description="Last position you hold."),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": settings.API_MAX_PAGE_SIZE},
                description="At most 500.",
            ),
        ],
        responses={200: PAGE},
    )
    def list(self, request, *args, **kwargs):
        unknown = sorted(set(request.query_params) - ALLOWED)
        if unknown:
            message = f"Unknown query parameter; allowed: {', '.join(sorted(ALLOWED))}."
            raise ValidationError({name: [message] for name in unknown})
        after = read_after(request.query_params)
        size = PageSize().get_page_size(request) if "page_size" in request.query_params else None
        entries = feed_page(after, size or settings.API_PAGE_SIZE)
        last = entries[-1]["position"] if entries else after
        next_url = replace_query_param(request.build_absolute_uri(), "after", last)
        return Response({"results": entries, "last_position": last, "next": next_url})
