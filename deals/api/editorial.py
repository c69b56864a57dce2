"""The editorial workflow in the API: versions and ``If-Match``, change history, revert.

* Detail responses of versioned records (deals, agreements, amounts, events)
  carry the record's version in their ``ETag`` (``"v7.<hash>"``) and body.
  ``PUT``/``PATCH`` with ``If-Match: <that ETag>`` (or just the version number)
  is refused with **412** when the record has changed since, listing what
  changed; without ``If-Match`` the write applies to the current version.
* ``GET …/<slug>/history/`` lists the record's changes, newest first, with
  before/after values (staff roles only: history shows unpublished values).
* ``POST …/<slug>/history/<change>/revert/`` undoes one change (editors).
"""

import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from minerals_portal.api.exceptions import Conflict, error_body, validation_error_from_django
from minerals_portal.api.pagination import ListCursorPagination

from .. import services
from ..history.conflicts import changed_since, summary
from ..history.entries import history as record_history
from ..history.revert import RevertRefused, find_change
from ..history.revert import revert as revert_change
from ..models.versioning import EditConflict, Versioned
from ..services.rights import has_model_permission

_VERSION = re.compile(r'^\s*(?:W/)?"?v?(\d+)(?:\.[0-9a-f]*)?"?\s*$')
HISTORY_ONLY_FOR_STAFF = "Change history is for editors and analysts: it shows unpublished values."


# --- versions ----------------------------------------------------------------------------


def parse_if_match(value: str | None):
    """The version an ``If-Match`` header names: an int, ``"*"`` (any), or None (absent).

    Raises ``ValueError`` for a header that names no version.
    """
    if value is None or value.strip() == "":
        return None
    if value.strip() == "*":
        return "*"
    match = _VERSION.match(value)
    if not match:
        raise ValueError(value)
    return int(match.group(1))


def versioned_etag(etag: str, version: int) -> str:
    return f'"v{version}.{etag.strip().strip(chr(34))}"'


class VersionedETagMixin:
    """Detail ``ETag``s that name the record's version (``"v7.<hash>"``)."""

    def _versioned(self) -> bool:
        return issubclass(self.queryset.model, Versioned)

    def _lookup(self) -> dict:
        kwarg = self.lookup_url_kwarg or self.lookup_field
        return {self.lookup_field: self.kwargs[kwarg]}

    def detail_etag(self, instance) -> str:
        etag = super().detail_etag(instance)
        return versioned_etag(etag, instance.version) if self._versioned() else etag

    def conditional(self, request, build_response):
        if self.action != "retrieve" or not self._versioned():
            return super().conditional(request, build_response)
        model = self.queryset.model
        version = (
            model._base_manager.filter(**self._lookup()).values_list("version", flat=True).first()
        )
        prefix = f'"v{version}.'
        sent = request.META.get("HTTP_IF_NONE_MATCH", "")
        if version is not None and sent:
            # Match the client's versioned tag against the plain data-version tag.
            request.META["HTTP_IF_NONE_MATCH"] = sent.replace(prefix, '"')
        response = super().conditional(request, build_response)
        if version is not None and response.has_header("ETag"):
            response["ETag"] = versioned_etag(response["ETag"], version)
        return response


class VersionedWritesMixin(VersionedETagMixin):
    """``If-Match`` on ``PUT``/``PATCH``: a write from a stale copy is a 412."""

    def update(self, request, *args, **kwargs):
        if not self._versioned():
            return super().update(request, *args, **kwargs)
        partial = kwargs.pop("partial", False)
        try:
            expected = parse_if_match(request.headers.get("If-Match"))
        except ValueError:
            return self._precondition_response(
                "If-Match must be the ETag of the record's detail response (or its version).",
                {"If-Match": ["Not a version of this record."]},
            )
        model = self.queryset.model
        try:
            with services.proposals() as revisions, transaction.atomic():
                current = (
                    model._base_manager.select_for_update()
                    .filter(**self._lookup())
                    .values_list("version", flat=True)
                    .first()
                )
                instance = self.get_object()  # read after the lock: nobody saves meanwhile
                if expected not in (None, "*") and expected != current:
                    return self._stale(model, instance, expected, current)
                serializer = self.get_serializer(instance, data=request.data, partial=partial)
                serializer.is_valid(raise_exception=True)
                instance = serializer.save()
        except EditConflict as exc:  # defensive: the lock above makes this unlikely
            return self._stale(model, exc.record, exc.expected, exc.current)
        return self.written(instance, revisions)

    def _stale(self, model, instance, expected, current):
        differences = changed_since(model, instance.pk, expected, {})
        fields = {
            d.name: [f"Changed since version {expected}: now “{d.current}”."] for d in differences
        }
        message = summary(model, expected, current, differences)
        return self._precondition_response(message, fields, current)

    def _precondition_response(self, message, fields, current=None):
        extra = {"current_version": current} if current is not None else {}
        body = error_body(412, "precondition_failed", message, fields, **extra)
        return Response(body, status=status.HTTP_412_PRECONDITION_FAILED)


# --- history and revert ------------------------------------------------------------------


class ChangeSerializer(serializers.Serializer):
    field = serializers.CharField(source="name")
    label = serializers.CharField()
    before = serializers.JSONField()
    after = serializers.JSONField()
    before_display = serializers.CharField(source="before_text")
    after_display = serializers.CharField(source="after_text")


class HistoryEntrySerializer(serializers.Serializer):
    id = serializers.CharField(source="key", help_text="Use in …/history/<id>/revert/.")
    at = serializers.DateTimeField()
    user = serializers.CharField(source="username", allow_blank=True)
    path = serializers.CharField(help_text="admin, api, web, import, seed, command or revert.")
    action = serializers.CharField(help_text="created, changed or deleted.")
    resource = serializers.CharField(source="model._meta.model_name")
    object_id = serializers.IntegerField()
    record = serializers.CharField()
    changes = ChangeSerializer(many=True)
    reverts = serializers.CharField(allow_blank=True)


class HistoryMixin:
    """``history/`` and ``history/<change>/revert/`` on a resource's detail URL."""

    def allowed_query_params(self) -> set[str]:
        if self.action == "history":
            return {"format", "cursor", "page_size"}
        return super().allowed_query_params()

    @extend_schema(
        summary="The record's change history",
        description="Every change to the record and to the rows shown with it (citations, "
        "parties; for a deal its agreements, amounts and events), newest first: who, when, "
        "through which path, and each field's value before and after. Editors and analysts "
        "only.",
        responses=HistoryEntrySerializer(many=True),
        filters=False,
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="history",
        filter_backends=[],
        pagination_class=ListCursorPagination,
    )
    def history(self, request, *args, **kwargs):
        if not self.show_drafts:
            raise PermissionDenied(HISTORY_ONLY_FOR_STAFF)
        record = self.get_object()
        entries = record_history(record)
        paginator = self.history_paginator()
        page = paginator.paginate_queryset(entries, request, view=self)
        data = HistoryEntrySerializer(page, many=True).data
        return paginator.get_paginated_response(data)

    def history_paginator(self):
        return ListCursorPagination()

    @extend_schema(
        summary="Revert one change",
        description="Put the fields of one change (an `id` from the history) back to their "
        "values before it, validated like any write and recorded as a change of its own "
        "(path `revert`). Publication states are not reverted. Editors only.",
        request=None,
        filters=False,
    )
    @action(
        detail=True,
        methods=["post"],
        url_path=r"history/(?P<key>[a-z]+-[0-9]+)/revert",
        filter_backends=[],
    )
    def revert(self, request, key, *args, **kwargs):
        record = self.get_object()
        model, event = find_change(record, key)
        if event is None:
            raise NotFound(f"No change {key} in this record's history.")
        if not has_model_permission(request.user, "change", model):
            raise PermissionDenied("Reverting needs an editor account.")
        try:
            revert_change(model, event, request.user)
        except RevertRefused as exc:
            raise Conflict(str(exc)) from None
        except DjangoValidationError as exc:
            raise validation_error_from_django(exc) from None
        except EditConflict as exc:
            raise Conflict(str(exc)) from None
        fresh = self.get_queryset().get(pk=record.pk)
        context = self.get_serializer_context()
        return Response(self.detail_serializer_class(fresh, context=context).data)
