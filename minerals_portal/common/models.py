"""Abstract bases shared by the domain models of both apps."""

from decimal import Decimal

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper

from .search import search_key
from .validators import prohibit_nul_characters

# Fields whose values reach PostgreSQL as text or JSON.
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def plain_number(value) -> str:
    """A number without trailing zeros or exponent: 110.000 -> "110", "12.50" -> "12.5"."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def key_index(name: str) -> GinIndex:
    """A pg_trgm index on ``search_key``: ``contains`` look-ups and similarity read it."""
    return GinIndex(fields=["search_key"], opclasses=["gin_trgm_ops"], name=name)


def text_index(field: str, name: str) -> GinIndex:
    """A pg_trgm index serving ``icontains`` on ``field`` (which compares UPPER(field))."""
    return GinIndex(OpClass(Upper(field), name="gin_trgm_ops"), name=name)


class Timestamped(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        """The record as loaded; its slug is remembered, so a change of slug is seen at
        save without asking the database (``deals.services.slugs.remember_old_slug``)."""
        record = super().from_db(db, field_names, values)
        if "slug" in field_names:
            record._loaded_slug = values[field_names.index("slug")]
        return record

    def refresh_from_db(self, *args, **kwargs):
        super().refresh_from_db(*args, **kwargs)
        if "slug" in self.__dict__:
            self._loaded_slug = self.slug

    def clean_fields(self, exclude=None):
        """Django's field checks, and no NUL character in any text or JSON value."""
        errors = {}
        try:
            super().clean_fields(exclude)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        for field in self._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS) or (exclude and field.name in exclude):
                continue
            try:
                prohibit_nul_characters(getattr(self, field.attname))
            except ValidationError as exc:
                errors.setdefault(field.name, []).extend(exc.error_list)
        if errors:
            raise ValidationError(errors)


class Named(Timestamped):
    """A record known by a canonical English name, localized names and free aliases.

    ``search_key`` holds the folded form of every name (see ``common.search``)
    and is rebuilt on every save, so any spelling in any script finds the record.
    """

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    name_ru = models.CharField("name (Russian)", max_length=200, blank=True)
    name_kk = models.CharField("name (Kazakh)", max_length=200, blank=True)
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other spellings, one per entry, in any script."
    )
    search_key = models.TextField(editable=False, blank=True, default="")

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = search_key(*self.all_names())
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    def all_names(self) -> list[str]:
        names = [self.name, self.name_ru, self.name_kk, *(self.aliases or [])]
        return [n for n in names if n]
