"""The behaviour every API resource shares (see ``PortalViewSetMixin``)."""

from functools import cached_property
from itertools import islice

from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from deals import services
from deals.renamed import redirect_to_current
from minerals_portal.common.validators import NUL_MESSAGE

from .caching import ConditionalGetMixin
from .pagination import FeedCursorPagination
from .permissions import can_see_drafts
from .renderers import CSVRenderer, csv_lines, with_bom

CSV_CHUNK = 500
COMMON_LIST_PARAMS = {"ordering", "format", "page_size", "cursor", "bom"}


class PortalViewSetMixin(ConditionalGetMixin):
    """Slug lookup, strict query parameters, list/detail/write serializers, CSV and ETags.

    Subclasses set ``list_serializer_class``, ``detail_serializer_class`` and
    optionally ``write_serializer_class``, ``filterset_class``, ``ordering``,
    ``ordering_fields`` and ``csv_columns``; ``get_queryset`` applies visibility.
    """

    lookup_field = "slug"
    lookup_value_regex = r"[-a-zA-Z0-9_]+"
    list_serializer_class = None
    detail_serializer_class = None
    write_serializer_class = None
    csv_columns: list[tuple[str, str]] = []
    csv_filename = "export"

    @property
    def detailed(self) -> bool:
        """Whether the response is a detail form (also after a write)."""
        return self.action != "list"

    @cached_property
    def show_drafts(self) -> bool:
        return can_see_drafts(self.request.user)

    # --- request checks --------------------------------------------------
    unrenderable_format = None

    def perform_content_negotiation(self, request, force=False):
        """Answer JSON for now when the format asked for is one this action cannot render.

        DRF refuses such a format (``?format=`` or a URL suffix: ``/agreements/x.5/``
        is slug ``x`` in format ``5``) with a 404 before it authenticates or checks
        permissions, so a partner's write could be a 404 instead of the 403 every
        write by a read-only role gets. The 404 stays, raised after those checks.
        """
        try:
            return super().perform_content_negotiation(request, force)
        except Http404 as exc:
            self.unrenderable_format = exc
            return super().perform_content_negotiation(request, force=True)

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        method = request.method.lower()
        if method not in self.http_method_names or getattr(self, method, None) is None:
            return  # a method this URL does not have: the 405 comes next, not a 400 or 404
        if self.unrenderable_format is not None:
            raise self.unrenderable_format
        self.check_query_params(request)

    def allowed_query_params(self) -> set[str]:
        if self.action != "list":
            return {"format"}
        allowed = set(COMMON_LIST_PARAMS)
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None:
            allowed |= set(filterset_class.base_filters)
        return allowed

    def check_query_params(self, request):
        params = request.query_params
        with_nul = sorted(k for k, values in params.lists() if "\x00" in k + "".join(values))
        if with_nul:
            raise ValidationError(
                {name.replace("\x00", "\\0"): [str(NUL_MESSAGE)] for name in with_nul},
                code="null_characters_not_allowed",
            )
        allowed = self.allowed_query_params()
        unknown = sorted(set(params) - allowed)
        if unknown:
            raise ValidationError(
                {
                    name: [f"Unknown query parameter; allowed: {', '.join(sorted(allowed))}."]
                    for name in unknown
                },
                code="unknown_parameter",
            )

    # --- policies per action ---------------------------------------------
    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action == "list":
            renderers.append(CSVRenderer())
        return renderers

    def get_serializer_class(self):
        writing = ("create", "update", "partial_update", "metadata")  # metadata: OPTIONS
        if self.action in writing and self.write_serializer_class:
            return self.write_serializer_class
        if self.action == "list":
            return self.list_serializer_class
        return self.detail_serializer_class

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["show_drafts"] = self.show_drafts
        return context

    # --- reading ---------------------------------------------------------
    def list(self, request, *args, **kwargs):
        return self.conditional(request, self._list)

    def _list(self):
        queryset = self.filter_queryset(self.get_queryset())
        if self.request.accepted_renderer.format == "csv":
            return self.csv_export(queryset)
        page = self.paginate_queryset(queryset)
        serializer = self.get_serializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    def _retrieve(self):
        return Response(self.get_serializer(self.get_object()).data)

    def csv_export(self, queryset):
        """Every matching row as CSV; the paging parameters are checked all the same."""
        if self.paginator is not None:
            self.paginator.refuse_bad_parameters(self.request)
        return self.csv_response(queryset)

    def csv_response(self, queryset):
        serializer_class = self.get_serializer_class()
        context = self.get_serializer_context()

        def items():
            rows = queryset.iterator(chunk_size=CSV_CHUNK)
            while chunk := list(islice(rows, CSV_CHUNK)):
                yield from serializer_class(chunk, many=True, context=context).data

        response = StreamingHttpResponse(
            with_bom(self.request, csv_lines(self.csv_columns, items())),
            content_type="text/csv; charset=utf-8",
        )
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}.csv"'
        return response


class WriteMixin:
    """Writes go through the write serializer (which hands them to ``deals.services``) in
    a transaction, and answer the detail form; deletes go to ``deals.services`` directly."""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with services.proposals() as revisions, transaction.atomic():
            instance = serializer.save()
        return self.written(instance, revisions, 201)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with services.proposals() as revisions, transaction.atomic():
            instance = serializer.save()
        return self.written(instance, revisions)

    def destroy(self, request, *args, **kwargs):
        with services.proposals() as revisions:
            services.delete(request.user, self.get_object())
        return self.written(None, revisions, 204)

    def written(self, instance, revisions, status=200):
        """The answer to a write; an editor's change to a published record (kept as a
        revision by ``deals.services``) is 202 Accepted, naming the revision. A proposal that
        changed nothing was never stored: the answer is then the record as it is."""
        revisions = [revision for revision in revisions if revision.pk is not None]
        if revisions:
            return Response(
                {
                    "detail": "Sent for review: the published record is unchanged until a "
                    "publisher approves the revision.",
                    "revisions": [revision.pk for revision in revisions],
                },
                status=202,
            )
        if status == 204:
            return Response(status=204)
        return self.written_response(instance, status=status)

    def _detail(self, fresh):
        return self.detail_serializer_class(fresh, context=self.get_serializer_context()).data

    def written_response(self, instance, status=200):
        """The detail form, with the ``ETag`` a ``GET`` of the record now answers: send it
        back in ``If-Match`` (optimistic locking) or ``If-None-Match``."""
        fresh = self.get_queryset().get(pk=instance.pk)
        response = Response(self._detail(fresh), status=status)
        response["ETag"] = self.detail_etag(fresh)
        return response


class DetailMixin:
    """A detail URL, answered with conditional GET like the list.

    Kept apart from ``PortalViewSetMixin``: the router gives a resource a detail
    URL whenever its view set has ``retrieve``, and a list-only feed (tombstones)
    must not get one.
    """

    def retrieve(self, request, *args, **kwargs):
        try:
            return self.conditional(request, self._retrieve)
        except Http404:
            if self.lookup_field != "slug":
                raise
            moved = redirect_to_current(
                request,
                f"api:{self.basename}-detail",
                self.queryset.model,
                {"slug": kwargs.get("slug", "")},
                viewer=self.show_drafts,
            )
            if moved is None:
                raise
            return moved


class ReadOnlyResource(DetailMixin, PortalViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pagination_class = FeedCursorPagination


class WritableResource(WriteMixin, DetailMixin, PortalViewSetMixin, viewsets.ModelViewSet):
    """A resource that editors may also write."""

    pagination_class = FeedCursorPagination


# Every list pages the same way (cursors and Link headers); the names say what a
# resource is to a partner: a reference list or a growing feed.
ReadOnlyFeed = ReadOnlyResource
WritableFeed = WritableResource
