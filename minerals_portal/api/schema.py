"""OpenAPI additions: token auth scheme, loose dates, the error shape, ETags, the guide."""

import copy
import re

from drf_spectacular.extensions import (
    OpenApiAuthenticationExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .filters import LOOSE_DATE_HELP, LOOSE_DATE_PATTERN
from .viewsets import PortalViewSetMixin

GUIDE = """
JSON (and CSV) about Kazakhstan's critical-minerals deals: deposits, commodities,
companies, deals, agreements with their parties, amounts, the events timeline
and the sources every fact is cited from.

## Authentication
Send your API token on every request: `Authorization: Token <key>` (`Bearer <key>`
works too). Tokens are issued by the portal team (`manage.py create_api_token`),
may expire and can be revoked. A missing, unknown, expired or revoked token is a
**401**; writing with a read-only (partner) token is a **403**. The portal's own
pages use session cookies instead.

## Errors
Every error under `/api/`, whatever its status and whatever answers it, is JSON
in one shape:

```json
{"error": {"status": 400, "code": "invalid_choice",
           "message": "kind: Select a valid choice. poem is not one of the available choices.",
           "fields": {"kind": ["Select a valid choice. poem is not one of the available choices."]},
           "codes": {"kind": ["invalid_choice"]}}}
```

`code` is machine-readable: for a validation error the code of its first
message (`required`, `invalid_choice`, `naive_datetime`, `unknown_parameter`,
`invalid_cursor`, `invalid_page_size`, …), otherwise the kind of failure
(`not_found`, `method_not_allowed`, `throttled`, `server_error`, …). `fields`
maps each bad parameter or body field to its messages and `codes` to their codes
(both empty when the request as a whole is at fault). Unknown query parameters,
unknown choices or slugs, malformed dates, NUL characters, out-of-range numbers
and oversized `page_size` are all **400**; a write that conflicts with stored
records is **409**, with the rule as its code: `unique` (a duplicate slug, title or
name; an amount already restated), `stake_total` (an agreement's stakes past
100 %), `still_referenced` or `conflict` (a record others still need); too many
requests is **429**.

## Lists, pagination and ordering
Every list (a record's `history/` too) is paged by cursor: the answer is
`{"next", "previous", "results"}`, and a `Link` header repeats the links
(`rel="next"`, `rel="prev"`). Follow `next` until it is `null`; inserts never
shift a page. `page_size` is 1 to 500 (default 50); more is a 400, not silently
clamped. `?ordering=` accepts the fields listed for each resource (prefix `-` to
reverse); ties are always broken by `id`, so paging is stable.

## Time and money
Every date-time is UTC, written with `Z`. `updated_since` and `since` need an
offset (`Z` or `+05:00`); one without is a 400 (`naive_datetime`). Money is a
decimal string with its `currency`, in the stats views too (`USD`).

## Incremental sync
1. Remember when you start a sync (server time, e.g. the `Date` header).
2. For each resource fetch `?updated_since=<previous start>` and upsert the results
   (changes to nested parties, links and citations also advance `updated_at`).
3. Fetch `/api/v1/tombstones/?since=<previous start>` and delete each
   (`resource`, `object_id`) it lists: deletions, unpublished records and the
   records hidden with an unpublished deal or agreement. A record may come back
   later; it then reappears in `updated_since`. Tombstones with an empty `slug`
   are for records you never received: ignore them.

## CSV export
Every list accepts `?format=csv` (or `Accept: text/csv`) with the same filters and
ordering, and streams all matching rows as one flat table (no pagination). Lists
become `; `-separated cells; loose dates become a date and a precision column.
A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is written
with a leading `'` (spreadsheets show it as text). `bom=1` starts the file with a
UTF-8 byte-order mark, for Excel.

## Caching and writes
Lists and details carry `ETag` and `Last-Modified`. Send `If-None-Match` with the
ETag you hold: if nothing you can see has changed, the answer is an empty **304**.
A `POST`, `PUT` or `PATCH` answer carries the record's new `ETag`; send it as
`If-Match` on the next write: if the record changed since, that write is a **412**.

## Rate limit
Each token may make `API_THROTTLE_RATE` requests (600 a minute by default, in
fixed windows). Every answer says how many are left: `X-RateLimit-Limit`,
`X-RateLimit-Remaining`, `X-RateLimit-Reset` (seconds until the window ends).
Past the budget the answer is **429** with a `Retry-After` header.

## Dates
Many dates are known only to the month or year. They read as
`{"date": "2026-02-01", "precision": "month", "display": "February 2026"}`:
`date` is the first day of the period. An amount the source dates only by its own
report has precision `reported` (`"display": "reported 23 February 2026"`): `date` is
the report's day, not the day it happened. Filters such as `signed_after` and
`signed_before` accept `YYYY`, `YYYY-MM` or `YYYY-MM-DD` and are inclusive of the
whole period.

## Drafts
Deals, agreements, amounts, events, companies, deposits, resource estimates and
sources have a `publication` state. Partners only ever see published records
whose deal, agreement, company and deposit are published; editors and analysts
also see drafts, marked by `publication`.
"""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["status", "code", "message", "fields", "codes"],
            "properties": {
                "status": {"type": "integer", "example": 400},
                "code": {
                    "type": "string",
                    "description": "A validation error's first code (required, invalid_choice, "
                    "naive_datetime, unknown_parameter, invalid_cursor, …), else the kind: "
                    "not_authenticated, invalid_token, token_expired, token_revoked, "
                    "permission_denied, not_found, method_not_allowed, not_acceptable, "
                    "conflict (409: also unique, stake_total, still_referenced), "
                    "precondition_failed, request_too_large, throttled, "
                    "server_error, …",
                    "example": "invalid_choice",
                },
                "message": {"type": "string", "description": "A sentence for a person."},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "Messages per parameter or body field (nested for "
                    "nested fields); empty when not about one field.",
                },
                "codes": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "The codes of ``fields``' messages, by the same names.",
                },
                "retry_after": {
                    "type": "integer",
                    "description": "Only on 429: seconds until the next request is allowed.",
                },
            },
        }
    },
}

ERROR_EXAMPLES = {
    "400": (
        "Invalid input",
        "invalid_page_size",
        "page_size: page_size must be a whole number from 1 to 500.",
    ),
    "401": ("Not authenticated", "invalid_token", "Invalid API token."),
    "403": (
        "Forbidden",
        "permission_denied",
        "Your role may only read through the API; writing needs an editor account.",
    ),
    "404": ("Not found", "not_found", "No Agreement matches the given query."),
    "409": ("Conflict", "conflict", "The change conflicts with existing records."),
    "429": (
        "Rate limit exceeded",
        "throttled",
        "Too many requests: the limit is 600/min per API token. Retry in 12 seconds.",
    ),
}
WRITE_METHODS = {"post", "put", "patch", "delete"}
RATE_LIMIT_HEADERS = {
    "X-RateLimit-Limit": {
        "schema": {"type": "integer"},
        "description": "Requests allowed per window.",
    },
    "X-RateLimit-Remaining": {
        "schema": {"type": "integer"},
        "description": "Requests left in this window.",
    },
    "X-RateLimit-Reset": {
        "schema": {"type": "integer"},
        "description": "Seconds until the window ends.",
    },
}


class PortalAutoSchema(AutoSchema):
    """Documents conditional GET (``If-None-Match``) and ``?format=csv`` on lists."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if not isinstance(self.view, PortalViewSetMixin):  # e.g. the stats views: no ETags
            if self.method == "GET" and getattr(self.view, "csv_columns", None):
                parameters.append(_format("csv gives the rows alone as CSV."))
            return parameters
        if self.method == "GET" and getattr(self.view, "action", None) in ("list", "retrieve"):
            parameters.append(
                OpenApiParameter(
                    "If-None-Match",
                    OpenApiTypes.STR,
                    OpenApiParameter.HEADER,
                    description="The ETag of an earlier answer: 304 if nothing changed.",
                )
            )
        if self.method == "GET" and getattr(self.view, "action", None) == "list":
            parameters.append(_format("csv streams every matching row as CSV (no pagination)."))
        return parameters


def _format(description: str) -> OpenApiParameter:
    return OpenApiParameter(
        "format", OpenApiTypes.STR, enum=["json", "csv"], description=description
    )


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "minerals_portal.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Your API token: `Authorization: Token <key>` or "
            "`Authorization: Bearer <key>`.",
        }


LOOSE_DATE = {
    "type": "object",
    "description": "A date known to the day, month or year; `date` is the period's first day.",
    "properties": {
        "date": {"type": "string", "format": "date"},
        "precision": {"type": "string", "enum": ["day", "month", "year"]},
        "display": {"type": "string", "description": "For people, e.g. February 2026."},
    },
    "required": ["date", "precision", "display"],
    "example": {"date": "2026-02-01", "precision": "month", "display": "February 2026"},
}


def _with_precisions(schema: dict, precisions) -> dict:
    properties = {**schema["properties"], "precision": {"type": "string", "enum": precisions}}
    return {**schema, "properties": properties}


class LooseDateFieldScheme(OpenApiSerializerFieldExtension):
    target_class = "minerals_portal.api.fields.LooseDateField"

    def map_serializer_field(self, auto_schema, direction):
        precisions = list(self.target.precisions)
        if direction == "response":
            return _with_precisions(LOOSE_DATE, precisions)
        return {
            "oneOf": [
                {
                    "type": "string",
                    "pattern": LOOSE_DATE_PATTERN,
                    "description": "YYYY, YYYY-MM or YYYY-MM-DD",
                    "example": "2026-02",
                },
                {
                    "type": "object",
                    "properties": {
                        "date": {"type": "string", "format": "date"},
                        "precision": {"type": "string", "enum": precisions},
                    },
                    "required": ["date"],
                },
            ]
        }


def _error_response(status: str) -> dict:
    title, code, message = ERROR_EXAMPLES[status]
    return {
        "description": title,
        "content": {
            "application/json": {
                "schema": {"$ref": "#/components/schemas/Error"},
                "example": {
                    "error": {
                        "status": int(status),
                        "code": code,
                        "message": message,
                        "fields": {},
                        "codes": {},
                    }
                },
            }
        },
    }


def any_of_for_one_of(node) -> None:
    """Every ``oneOf`` as ``anyOf``, in place.

    ``oneOf`` claims exactly one alternative matches, which the generated ones do
    not keep: an empty URL is both ``maxLength: 0`` and, to a validator that does
    not check formats, a ``uri``; a value valid either way must not fail.
    """
    if isinstance(node, dict):
        if "oneOf" in node:
            node["anyOf"] = node.pop("oneOf")
        for value in node.values():
            any_of_for_one_of(value)
    elif isinstance(node, list):
        for value in node:
            any_of_for_one_of(value)


# drf-spectacular's pattern for a decimal string, which also allows "", "-" and ".".
_DECIMAL = re.compile(r"^\^-\?\\d\{0,(\d+)\}\(\?:\\\.\\d\{0,(\d+)\}\)\?\$$")


def decimals_need_a_digit(node) -> None:
    """Every decimal string's pattern, in place, as DRF reads it: at least one digit."""
    if isinstance(node, dict):
        found = (
            _DECIMAL.match(str(node.get("pattern", "")))
            if node.get("format") == "decimal"
            else None
        )
        if found:
            whole, places = found.groups()
            node["pattern"] = rf"^-?(?:\d{{1,{whole}}}(?:\.\d{{0,{places}}})?|\.\d{{1,{places}}})$"
        for value in node.values():
            decimals_need_a_digit(value)
    elif isinstance(node, list):
        for value in node:
            decimals_need_a_digit(value)


def document_errors_and_caching(result, generator, request, public):
    """Postprocessing hook: the guide, the error shape on every operation, ETag headers.

    304 and the ETag headers go only on operations that take ``If-None-Match``
    (lists and details; not history, not the stats views).
    """
    result["info"]["description"] = GUIDE.strip()
    any_of_for_one_of(result)
    decimals_need_a_digit(result)
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            statuses = ["400", "401", "403", "404", "429"]
            if method in WRITE_METHODS:
                statuses.append("409")
            for status in statuses:
                responses.setdefault(status, _error_response(status))
            responses["429"].setdefault(
                "headers",
                {
                    "Retry-After": {
                        "schema": {"type": "integer"},
                        "description": "Seconds to wait before the next request.",
                    }
                },
            )
            for answer in responses.values():
                answer.setdefault("headers", {}).update(copy.deepcopy(RATE_LIMIT_HEADERS))
            if method in ("post", "put", "patch"):
                for status in ("200", "201"):
                    if status in responses:
                        responses[status]["headers"]["ETag"] = {
                            "schema": {"type": "string"},
                            "description": "The record's new ETag: send it as If-Match.",
                        }
            for parameter in operation.get("parameters", []):
                if LOOSE_DATE_HELP in parameter.get("description", "") and parameter.get(
                    "schema"
                ) == {"type": "string"}:
                    # Empty is allowed: no bound (as for every filter).
                    parameter["schema"]["pattern"] = f"^$|{LOOSE_DATE_PATTERN}"
            conditional = any(
                parameter.get("name") == "If-None-Match"
                for parameter in operation.get("parameters", [])
            )
            if method == "get" and conditional:
                responses.setdefault(
                    "304", {"description": "Not modified: the If-None-Match ETag still holds."}
                )
                ok = responses.get("200")
                if ok is not None:
                    ok.setdefault("headers", {}).update(
                        {
                            "ETag": {
                                "schema": {"type": "string"},
                                "description": "Send back in If-None-Match.",
                            },
                            "Last-Modified": {"schema": {"type": "string"}},
                        }
                    )
    return result
