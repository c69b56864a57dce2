"""What the API schema shows of writes: request examples and the answers a write may get."""

from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import serializers

AGREEMENT_EXAMPLE = OpenApiExample(
    "A framework agreement with two parties",
    request_only=True,
    value={
        "deal": "tungsten-project",
        "title": "Agreement on joint development of Severny Katpar",
        "kind": "framework",
        "status": "signed",
        "signed": "2025-11",
        "venue": "C5+1 summit, Washington",
        "deposits": ["severny-katpar"],
        "commodities": ["tungsten"],
        "parties": [
            {"company": "tau-ken-samruk", "role": "state_partner", "stake": "30"},
            {"company": "cove-capital", "role": "investor", "stake": "70"},
        ],
    },
)
AMOUNT_EXAMPLE = OpenApiExample(
    "About 1.1 billion dollars, as of November 2025",
    request_only=True,
    value={
        "deal": "tungsten-project",
        "investor": "cove-capital",
        "kind": "investment_commitment",
        "qualifier": "approximately",
        "value": "1100000000",
        "currency": "USD",
        "as_of": "2025-11",
    },
)


# An editor's write to a published record: kept as a revision for a publisher (202).
SENT_FOR_REVIEW = inline_serializer(
    "SentForReview",
    {
        "detail": serializers.CharField(),
        "revisions": serializers.ListField(child=serializers.IntegerField()),
    },
)


def written(write_serializer, detail_serializer, example=None):
    """Schema for write actions: the write form in, the detail form out (or, for an editor's
    change to a published record, the revision it waits in)."""
    examples = [example] if example else []
    changed = {200: detail_serializer, 202: SENT_FOR_REVIEW}
    return {
        "create": extend_schema(
            request=write_serializer,
            responses={201: detail_serializer, 202: SENT_FOR_REVIEW},
            examples=examples,
        ),
        "update": extend_schema(request=write_serializer, responses=changed),
        "partial_update": extend_schema(request=write_serializer, responses=changed),
        "destroy": extend_schema(responses={204: None, 202: SENT_FOR_REVIEW}),
    }
