"""One declaration of a model's public representation, and what is derived from it.

A ``Representation`` lists a model's public fields once: plain columns (``Attr``),
loose dates (``LooseDate``), one related record as a brief (``One``) and lists of
them (``Many``), each with its CSV header(s) and import label. From it come the
list and detail serializers (hence the schema), the write serializer's field set,
the CSV columns, the fast list path (``values()`` rows turned into the same JSON
items, see ``deals.api.rows``), import columns and the seed file's keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from rest_framework import serializers

from .fields import LooseDateField


@dataclass(frozen=True, eq=False)
class Attr:
    """A model column under its own name (or ``source``)."""

    name: str
    source: str = ""
    csv: str | None = ""  # the CSV header: "" for the name, None for no column
    write: bool = True
    label: str = ""  # the import column's help text ("" for the model field's)
    import_as: str | None = ""  # the import column's name ("" for the name, None for none)

    @property
    def column(self) -> str:
        return self.source or self.name

    def csv_columns(self):
        return [] if self.csv is None else [(self.csv or self.name, self.name)]


@dataclass(frozen=True, eq=False)
class LooseDate(Attr):
    """A date stored as ``column`` + ``column_precision``; reads ``{date, precision, display}``."""

    label: str = "Date as YYYY, YYYY-MM or YYYY-MM-DD."

    def csv_columns(self):
        return [
            (self.name, f"{self.name}.date"),
            (f"{self.name}_precision", f"{self.name}.precision"),
        ]


@dataclass(frozen=True, eq=False)
class One(Attr):
    """A foreign key, read as the related record's brief (``brief``: a serializer)."""

    brief: type | None = None
    csv_fields: dict = field(default_factory=dict)  # header -> brief field; default slug

    def csv_columns(self):
        if self.csv is None:
            return []
        mapping = self.csv_fields or {f"{self.name}_slug": "slug"}
        return [(header, f"{self.name}.{sub}") for header, sub in mapping.items()]


@dataclass(frozen=True, eq=False)
class Many(Attr):
    """Related records (many-to-many or reverse foreign key), as briefs in ``order``.

    ``brief`` is a serializer class or a ``Representation`` (whose form follows the
    outer one: its detail form inside a detail form).
    """

    brief: object = None
    order: tuple = ("name", "id")
    csv_fields: dict = field(default_factory=dict)  # header -> path in a brief; default slug

    def csv_columns(self):
        if self.csv is None:
            return []
        mapping = self.csv_fields or {self.name: "slug"}
        return [(header, f"{self.name}[].{sub}") for header, sub in mapping.items()]


class Representation:
    """Subclasses set ``model``, ``fields`` (the list form), ``detail`` (added in the detail
    form; a field of the same name replaces the list form's) and ``serializer_names``
    (list, detail: the schema's component names end without ``Serializer``)."""

    model = None
    fields: tuple[Attr, ...] = ()
    detail: tuple[Attr, ...] = ()
    serializer_names: tuple[str, str] = ("", "")

    @classmethod
    def form(cls, detailed: bool) -> list[Attr]:
        if not detailed:
            return list(cls.fields)
        replaced = {f.name: f for f in cls.detail}
        fields = [replaced.pop(f.name, f) for f in cls.fields]
        return fields + list(replaced.values())

    @classmethod
    def field_names(cls, detailed: bool = False) -> list[str]:
        return [f.name for f in cls.form(detailed)]

    @classmethod
    def write_fields(cls) -> list[str]:
        """The write serializer's fields, in the list form's order."""
        return [f.name for f in cls.fields if f.write]

    @classmethod
    def csv_columns(cls) -> list[tuple[str, str]]:
        return [column for f in cls.fields for column in f.csv_columns()]

    @classmethod
    def serializer(cls, detailed: bool = False) -> type[serializers.ModelSerializer]:
        return build_serializer(cls, detailed)

    @classmethod
    def import_fields(cls) -> dict[str, Attr]:
        """The writable columns and dates an import row may carry, by column name."""
        return {
            f.import_as or f.name: f
            for f in cls.fields
            if f.write and f.import_as is not None and not isinstance(f, One | Many)
        }

    @classmethod
    def import_columns(cls) -> list[tuple[str, str]]:
        """(column, help text) of ``import_fields``."""
        return [
            (name, f.label or _help_text(cls.model_field(f.column)))
            for name, f in cls.import_fields().items()
        ]

    @classmethod
    def editable_columns(cls) -> list[str]:
        """The model fields an editor fills in: columns, dates (with precision), links."""
        names = []
        for f in cls.fields:
            if not f.write or (isinstance(f, Many) and not cls.model_field(f.column).many_to_many):
                continue
            names += [f.column, f"{f.column}_precision"] if isinstance(f, LooseDate) else [f.column]
        return names

    @classmethod
    def model_field(cls, name: str):
        return cls.model._meta.get_field(name)


def _nullable(representation, f: Attr) -> bool:
    try:
        return representation.model_field(f.column).null
    except Exception:  # noqa: BLE001  (a name that is not a model field: not nullable)
        return False


def _declared(representation, f: Attr, detailed: bool):
    """The serializer field of a declared entry, or None for a plain model column."""
    if isinstance(f, LooseDate):
        return LooseDateField(f.column, read_only=True, allow_null=_nullable(representation, f))
    if isinstance(f, One):
        allow_null = _nullable(representation, f)
        return f.brief(read_only=True, allow_null=allow_null, **_source(f))
    if isinstance(f, Many):
        brief = f.brief
        if isinstance(brief, type) and issubclass(brief, Representation):
            brief = brief.serializer(detailed)
        return brief(many=True, read_only=True, **_source(f))
    return None


def _source(f: Attr) -> dict:
    return {"source": f.source} if f.source else {}


def _help_text(model_field) -> str:
    if model_field.choices:
        return "One of: " + ", ".join(str(value) for value, _ in model_field.flatchoices)
    text = str(model_field.help_text or model_field.verbose_name)
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


def with_editable_columns(fieldsets, representation):
    """Admin ``fieldsets`` plus a section for declared fields they do not place yet."""
    placed = set()
    for _, options in fieldsets:
        for entry in options["fields"]:
            placed.update(entry if isinstance(entry, list | tuple) else [entry])
    missing = [name for name in representation.editable_columns() if name not in placed]
    return [*fieldsets, ("More", {"fields": missing})] if missing else list(fieldsets)


class RepresentedSerializer(serializers.ModelSerializer):
    """Fields read from the declaration whenever a form is built, so the class (and the
    schema component named after it) stays one while the declaration is the truth."""

    representation: type[Representation] = None
    detailed = False

    def get_fields(self):
        self._declared_fields = {
            f.name: declared
            for f in self.representation.form(self.detailed)
            if (declared := _declared(self.representation, f, self.detailed)) is not None
        }
        return super().get_fields()

    def get_field_names(self, declared_fields, info):
        return self.representation.field_names(self.detailed)


@cache
def build_serializer(representation, detailed: bool) -> type[RepresentedSerializer]:
    """The list (or detail) serializer, named as ``serializer_names`` say."""
    meta = type("Meta", (), {"model": representation.model, "fields": "__all__"})
    return type(
        representation.serializer_names[1 if detailed else 0],
        (RepresentedSerializer,),
        {
            "representation": representation,
            "detailed": detailed,
            "Meta": meta,
            "__module__": representation.__module__,
        },
    )


class Represented:
    """A view set whose serializers and CSV columns come from ``representation``."""

    representation: type[Representation] = None

    @property
    def list_serializer_class(self):
        return self.representation.serializer(False)

    @property
    def detail_serializer_class(self):
        return self.representation.serializer(True)

    @property
    def csv_columns(self):
        return self.representation.csv_columns()
