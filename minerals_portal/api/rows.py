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

import datetime as dt
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache, partial
from itertools import islice

import orjson
from django.contrib.postgres.aggregates import JSONBAgg
from django.db import models
from django.db.models import F, Func, OuterRef, Subquery
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from django.utils import timezone, translation

from minerals_portal.common.loose_dates import loose

from .fields import iso_datetime, loose_date_json
from .renderers import cell, csv_writer, resolve, with_bom
from .representation import Attr, LooseDate, Many, One, Representation


def csv_chunks(headers: Iterable[str], chunks: Iterable[list[list[str]]]) -> Iterator[str]:
    """The CSV text, one string per chunk of rows (fewer, larger writes than one per row)."""
    writer = csv_writer()
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
            return self.csv_export(queryset)
        page = self.paginate_queryset(self.list_rows.rows(queryset, self.show_drafts))
        response = self.get_paginated_response(self.list_rows.items(page))
        response.plain_data = True  # plain dicts and lists: cached as they are
        return response

    def csv_response(self, queryset):
        if self.list_rows is None:
            return super().csv_response(queryset)
        body = with_bom(
            self.request,
            csv_chunks(
                self.list_rows.csv_headers, self.list_rows.csv_rows(queryset, self.show_drafts)
            ),
        )
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


def _plain(key, row, zone):
    return row[key]


def _decimal(key, row, zone):
    """A ``DecimalField`` value as DRF writes it (its column's scale, never an exponent);
    inside a nested list it comes as the database's text, which reads the same."""
    value = row[key]
    return value if value is None or isinstance(value, str) else format(value, "f")


def _datetime(key, row, zone):
    value = row[key]
    return None if value is None else iso_datetime(value, zone)


def _date(key, row, zone):
    value = row[key]
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

    ``keys`` are the values() names it reads; ``annotations`` the nested lists, each
    one JSON array built by the database in the same query (``_NestedList``);
    ``getters`` one function per field of the item, made once.
    """

    def __init__(self, model, fields: list[Attr], prefix: str = "", drafts: bool = True):
        self.keys, self.getters, self.annotations = [], [], {}
        for f in fields:
            key = prefix + f.column
            if isinstance(f, Many):
                nested = _NestedList(model, f, drafts)
                self.annotations[f"{key}__list"] = nested.expression
                get = partial(_nested, f"{key}__list", nested.items)
            elif isinstance(f, LooseDate):
                self.keys += [key, f"{key}_precision"]
                get = partial(_loose, key, f"{key}_precision")
            elif isinstance(f, One):
                related = model._meta.get_field(f.column).related_model
                inner = _Shape(related, _brief_fields(f.brief), f"{key}__")
                self.keys += [key, *inner.keys]
                get = partial(_brief, key, inner.item)
            else:
                self.keys.append(key)
                convert = _converter(model._meta.get_field(f.column))
                get = partial(_column, key) if convert is _plain else partial(convert, key)
            self.getters.append((f.name, get))

    def item(self, row: dict, zone) -> dict:
        return {name: get(row, zone) for name, get in self.getters}


def _column(key, row, zone):
    return row[key]


def _loose(key, precision_key, row, zone):
    value = row[key]
    if isinstance(value, str):  # inside a nested list: the JSON text of the date
        value = dt.date.fromisoformat(value)
    return loose_date(value, row[precision_key])


def _brief(key, build, row, zone):
    return None if row[key] is None else build(row, zone)


def _nested(key, build, row, zone):
    return build(row[key], zone)


class _NestedList:
    """A many-to-many or reverse foreign key ``f`` as one JSON array per row: a correlated
    subquery aggregating, in ``f.order``, one array of the brief's values per record
    (positions, not keys: the least for the database to build and the ORM to compile).
    ``jsonb``, not ``json``: a filtered list may be ``DISTINCT``, which needs equality."""

    def __init__(self, model, f: Many, drafts: bool = True):
        from deals.visibility import visible

        relation = model._meta.get_field(f.column)
        if relation.many_to_many:
            rows, owner = relation.remote_field.through.objects, relation.m2m_field_name()
            prefix = relation.m2m_reverse_field_name() + "__"
            if not drafts:  # no link to a record the reader may not see
                shown = visible(relation.related_model._base_manager.all(), False)
                rows = rows.filter(**{f"{prefix}in": shown.values("pk")})
        else:  # a reverse foreign key
            rows, owner, prefix = relation.related_model.objects, relation.field.name, ""
            rows = visible(rows.all(), drafts)
        self.shape = _Shape(relation.related_model, _brief_fields(f.brief), prefix)
        if self.shape.annotations:
            raise ValueError(f"{f.name}: a list inside a nested list is not supported")
        target = relation.remote_field.through if relation.many_to_many else rows.model
        values = [_json_value(target, key) for key in self.shape.keys]
        built = Func(*values, function="JSON_BUILD_ARRAY", output_field=models.JSONField())
        order = [prefix + term if isinstance(term, str) else term for term in f.order]
        rows = rows.filter(**{owner: OuterRef("pk")}).order_by().values(owner)
        rows = rows.annotate(items=JSONBAgg(built, order_by=order)).values("items")
        self.expression = Subquery(rows, output_field=_JSON())

    def items(self, value, zone) -> list[dict]:
        keys, item = self.shape.keys, self.shape.item
        return [item(dict(zip(keys, values, strict=True)), zone) for values in value or ()]


class _JSON(models.JSONField):
    """JSON read by orjson (a page holds a few hundred of these values)."""

    def from_db_value(self, value, expression, connection):
        return value if value is None or not isinstance(value, str) else orjson.loads(value)


def _json_value(model, key: str):
    """``key`` (a values() path from ``model``) as JSON keeps it: decimals as text (JSON
    numbers would lose their scale), date-times refused (their text is not DRF's)."""
    model_field = model._meta.get_field(key.split("__")[0])
    for part in key.split("__")[1:]:
        model_field = model_field.related_model._meta.get_field(part)
    if isinstance(model_field, models.DateTimeField):
        raise ValueError(f"{key}: a date-time in a nested list is not supported")
    if isinstance(model_field, models.DecimalField):
        return Cast(key, models.TextField())
    return F(key)


class RepresentationRows:
    """A representation's list form and CSV rows from the view's filtered, ordered queryset.

    One ``values()`` query for the page, nested lists (parties, deposits…) included,
    whatever the page size; the output equals the list serializer's.
    """

    chunk_size = 2000

    def __init__(self, representation: type[Representation]):
        self.representation = representation

    def shape(self, drafts: bool = True) -> _Shape:
        return _shape(self.representation, tuple(self.representation.fields), drafts)

    @property
    def csv_headers(self) -> list[str]:
        return [header for header, _ in self.representation.csv_columns()]

    def rows(self, queryset, drafts: bool = True):
        """The queryset as plain rows (dicts) for the paginator; nested lists hold only
        what the reader sees (``drafts``: staff, who see every row).

        The ordering fields come along: cursor pagination reads its position from the row.
        """
        shape = self.shape(drafts)
        keys = shape.keys
        ordering = [term.lstrip("-") for term in queryset.query.order_by if isinstance(term, str)]
        extra = [name for name in dict.fromkeys(ordering) if name not in keys and name != "pk"]
        rows = queryset.prefetch_related(None).annotate(**shape.annotations)
        return rows.values("pk", *keys, *extra, *shape.annotations)

    def items(self, rows: list[dict]) -> list[dict]:
        """The list form of a page of ``rows``."""
        shape, zone = self.shape(), timezone.get_current_timezone()
        return [shape.item(row, zone) for row in rows]

    def csv_rows(self, queryset, drafts: bool = True) -> Iterator[list[list[str]]]:
        """Chunks of CSV cells, in ``csv_headers`` order, streamed from the database."""
        cells = [_cell_reader(path) for _, path in self.representation.csv_columns()]
        rows = self.rows(queryset, drafts).iterator(chunk_size=self.chunk_size)
        while chunk := list(islice(rows, self.chunk_size)):
            yield [[read(item) for read in cells] for item in self.items(chunk)]


def _cell_reader(path: str):
    """A function reading ``path``'s CSV cell from an item, as ``cell(resolve(item, path))``
    does; a plain name or ``a.b`` (the common cases) without parsing the path per cell."""
    if "[]" in path or path.count(".") > 1:
        return partial(_resolved, path)
    head, _, rest = path.partition(".")
    if not rest:
        return partial(_top_cell, head)
    return partial(_inner_cell, head, rest)


def _resolved(path, item):
    return cell(resolve(item, path))


def _top_cell(name, item):
    value = item[name]
    return value if type(value) is str else cell(value)


def _inner_cell(name, inner, item):
    value = item[name]
    value = None if value is None else value.get(inner)
    return value if type(value) is str else cell(value)


@cache
def _shape(representation, fields, drafts: bool = True) -> _Shape:
    return _Shape(representation.model, list(fields), drafts=drafts)
