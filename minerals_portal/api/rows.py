"""Lists and CSV exports built from plain rows, for resources whose serializers are too slow.

A resource sets ``list_rows`` to an object with:

* ``rows(queryset)``: the filtered, ordered queryset as plain rows (e.g. ``values()``),
  which the paginator slices like the queryset itself;
* ``items(rows)``: the list form of a page of rows, equal to the list serializer's;
* ``csv_headers`` and ``csv_rows(queryset)``: chunks (lists) of CSV cells, in the
  order of the resource's ``csv_columns``.

Visibility, filters, ordering and pagination are the view's as before; only the
way rows become JSON and CSV changes (see ``deals.api.rows``).
"""

import csv
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from itertools import islice

from django.db import models
from django.http import StreamingHttpResponse
from django.utils import timezone, translation

from minerals_portal.common.loose_dates import loose

from .fields import iso_datetime, loose_date_json
from .renderers import cell, resolve
from .representation import Attr, LooseDate, Many, One, Representation


class _Echo:
    def write(self, value):
        return value


def csv_chunks(headers: Iterable[str], chunks: Iterable[list[list[str]]]) -> Iterator[str]:
    """The CSV text, one string per chunk of rows (fewer, larger writes than one per row)."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    yield writer.writerow(list(headers))
    for chunk in chunks:
        yield "".join(map(writer.writerow, chunk))


class PlainRowsMixin:
    """Serve ``list`` (JSON and CSV) through ``list_rows`` when the resource sets one."""

    list_rows = None

    def _list(self):
        if self.list_rows is None:
            return super()._list()
        queryset = self.filter_queryset(self.get_queryset())
        if self.request.accepted_renderer.format == "csv":
            return self.csv_response(queryset)
        page = self.paginate_queryset(self.list_rows.rows(queryset))
        response = self.get_paginated_response(self.list_rows.items(page))
        response.plain_data = True  # plain dicts and lists: cached as they are
        return response

    def csv_response(self, queryset):
        if self.list_rows is None:
            return super().csv_response(queryset)
        body = csv_chunks(self.list_rows.csv_headers, self.list_rows.csv_rows(queryset))
        response = StreamingHttpResponse(body, content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.csv_filename}.csv"'
        return response


# --- the fast list path: a representation's list form from values() rows ------------


@lru_cache(maxsize=16384)
def _loose_date(date, precision: str, language: str | None) -> dict | None:
    return loose_date_json(loose(date, precision))


def loose_date(date, precision: str) -> dict | None:
    """``LooseDateField``'s form of a date; the display text is formatted once per language."""
    if date is None:
        return None
    return dict(_loose_date(date, precision, translation.get_language()))


def _plain(value, zone):
    return value


def _decimal(value, zone):
    """A ``DecimalField`` value as DRF writes it (its column's scale, never an exponent)."""
    return None if value is None else format(value, "f")


def _datetime(value, zone):
    return None if value is None else iso_datetime(value, zone)


def _date(value, zone):
    return None if value is None else value.isoformat()


def _converter(model_field):
    if isinstance(model_field, models.DecimalField):
        return _decimal
    if isinstance(model_field, models.DateTimeField):
        return _datetime
    if isinstance(model_field, models.DateField):
        return _date
    return _plain


def _brief_fields(brief) -> list[Attr]:
    """A brief serializer's fields as plain columns (a nested representation: its list form)."""
    if isinstance(brief, type) and issubclass(brief, Representation):
        return brief.form(False)
    return [Attr(name) for name in brief.Meta.fields]


class _Shape:
    """How one item is built from a values() row whose keys start with ``prefix``.

    ``keys`` are the values() names it reads; ``many`` the nested lists, filled
    from one query each by ``RepresentationRows``.
    """

    def __init__(self, model, fields: list[Attr], prefix: str = ""):
        self.keys, self.steps, self.many = [], [], []
        for f in fields:
            key = prefix + f.column
            if isinstance(f, Many):
                self.many.append((f, _ManyQuery(model, f)))
                self.steps.append((f.name, None, None))
            elif isinstance(f, LooseDate):
                self.keys += [key, f"{key}_precision"]
                self.steps.append((f.name, (key, f"{key}_precision"), "loose"))
            elif isinstance(f, One):
                related = model._meta.get_field(f.column).related_model
                inner = _Shape(related, _brief_fields(f.brief), f"{key}__")
                self.keys += [key, *inner.keys]
                self.steps.append((f.name, key, inner))
            else:
                self.keys.append(key)
                self.steps.append((f.name, key, _converter(model._meta.get_field(f.column))))

    def item(self, row: dict, zone, nested: dict) -> dict:
        item = {}
        for name, key, how in self.steps:
            if key is None:
                item[name] = nested[name].get(row["pk"], [])
            elif how == "loose":
                item[name] = loose_date(row[key[0]], row[key[1]])
            elif isinstance(how, _Shape):
                item[name] = None if row[key] is None else how.item(row, zone, nested)
            else:
                item[name] = how(row[key], zone)
        return item


class _ManyQuery:
    """The briefs of ``f`` (a many-to-many or reverse foreign key) for a set of owners."""

    def __init__(self, model, f: Many):
        relation = model._meta.get_field(f.column)
        if relation.many_to_many:
            through = relation.remote_field.through
            self.model, self.owner = through, relation.m2m_field_name() + "_id"
            prefix = relation.m2m_reverse_field_name() + "__"
            target = relation.related_model
        else:  # a reverse foreign key
            self.model, self.owner = relation.related_model, relation.field.attname
            prefix, target = "", relation.related_model
        self.order = [prefix + term if isinstance(term, str) else term for term in f.order]
        self.shape = _Shape(target, _brief_fields(f.brief), prefix)

    def fetch(self, ids: list[int], zone) -> dict[int, list[dict]]:
        rows = self.model.objects.filter(**{f"{self.owner}__in": ids})
        rows = rows.order_by(*self.order).values(self.owner, *self.shape.keys)
        grouped: dict[int, list[dict]] = {}
        owner, shape = self.owner, self.shape
        for row in rows:
            grouped.setdefault(row[owner], []).append(shape.item(row, zone, {}))
        return grouped


class RepresentationRows:
    """A representation's list form and CSV rows from the view's filtered, ordered queryset.

    One ``values()`` query for the page plus one per nested list (parties, deposits…),
    whatever the page size; the output equals the list serializer's.
    """

    chunk_size = 2000

    def __init__(self, representation: type[Representation]):
        self.representation = representation

    @property
    def shape(self) -> _Shape:
        return _shape(self.representation, tuple(self.representation.fields))

    @property
    def csv_headers(self) -> list[str]:
        return [header for header, _ in self.representation.csv_columns()]

    def rows(self, queryset):
        """The queryset as plain rows (dicts) for the paginator.

        The ordering fields come along: cursor pagination reads its position from the row.
        """
        keys = self.shape.keys
        ordering = [term.lstrip("-") for term in queryset.query.order_by if isinstance(term, str)]
        extra = [name for name in dict.fromkeys(ordering) if name not in keys and name != "pk"]
        return queryset.prefetch_related(None).values("pk", *keys, *extra)

    def items(self, rows: list[dict]) -> list[dict]:
        """The list form of a page of ``rows``."""
        shape, zone = self.shape, timezone.get_current_timezone()
        ids = [row["pk"] for row in rows]
        nested = {f.name: query.fetch(ids, zone) for f, query in shape.many} if ids else {}
        return [shape.item(row, zone, nested) for row in rows]

    def csv_rows(self, queryset) -> Iterator[list[list[str]]]:
        """Chunks of CSV cells, in ``csv_headers`` order, streamed from the database."""
        paths = [path for _, path in self.representation.csv_columns()]
        rows = self.rows(queryset).iterator(chunk_size=self.chunk_size)
        while chunk := list(islice(rows, self.chunk_size)):
            yield [[cell(resolve(item, path)) for path in paths] for item in self.items(chunk)]


@cache
def _shape(representation, fields) -> _Shape:
    return _Shape(representation.model, list(fields))
