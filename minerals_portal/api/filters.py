"""Filter building blocks shared by ``deposits.filtersets`` and ``deals.filtersets``.

They are strict: a value that cannot be understood makes the filter set invalid
(a 400 through the API, a form error on server-rendered pages) instead of
being ignored.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from minerals_portal.common.countries import country_code
from minerals_portal.common.loose_dates import LooseDate
from minerals_portal.common.search import closest, fold

# --- form fields ------------------------------------------------------------


class LooseDateFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        try:
            return LooseDate.parse(value)
        except ValueError:
            raise forms.ValidationError(
                _("Enter a date as YYYY, YYYY-MM or YYYY-MM-DD."), code="invalid"
            ) from None


TRUE = {"true", "1", "yes", "on"}  # "on": what a ticked check box without a value sends
FALSE = {"false", "0", "no"}


class FlagCheckbox(forms.CheckboxInput):
    """A check box read with the API's true/false words (Django's reads "no" as ticked)."""

    def __init__(self, attrs=None):
        super().__init__(attrs, check_test=lambda value: str(value).lower() in TRUE)

    def value_from_datadict(self, data, files, name):
        return data.get(name)


class StrictBooleanField(forms.Field):
    TRUE = TRUE
    FALSE = FALSE

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise forms.ValidationError("Enter true or false.", code="invalid")


class CountryField(forms.CharField):
    """A country by ISO code (KZ, KAZ) or by name in English, Russian or Kazakh."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        code = country_code(value)
        if code is None:
            raise forms.ValidationError(
                _("Unknown country “%(value)s”: use a name or an ISO code such as KZ."),
                code="invalid",
                params={"value": value[:60]},
            )
        return code


# --- filters ------------------------------------------------------------------


# YYYY, YYYY-MM or YYYY-MM-DD with a year from 0001 and a real month and day number.
LOOSE_DATE_PATTERN = (
    r"^(?:[1-9][0-9]{3}|0[1-9][0-9]{2}|00[1-9][0-9]|000[1-9])"
    r"(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12][0-9]|3[01]))?)?$"
)
LOOSE_DATE_HELP = "YYYY, YYYY-MM or YYYY-MM-DD"  # the schema gives such parameters the pattern


class LooseDateFilter(django_filters.CharFilter):
    """``*_after``/``*_before`` bounds given as YYYY, YYYY-MM or YYYY-MM-DD, both inclusive.

    ``_after=2025-11`` keeps dates from 1 November 2025 on; ``_before=2025`` keeps
    dates up to 31 December 2025. A stored month- or year-precise date is compared
    by the first day of its period. ``expression`` compares a computed date (e.g.
    the first of two date columns that is set) instead of a column.
    """

    field_class = LooseDateFormField

    def __init__(self, field_name, bound, expression=None, **kwargs):
        assert bound in ("after", "before")
        self.bound = bound
        self.expression = expression
        kwargs.setdefault(
            "help_text",
            f"{'From' if bound == 'after' else 'Up to'} this date, inclusive: {LOOSE_DATE_HELP} "
            "(a month or year covers the whole period).",
        )
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        if self.expression is not None:
            qs = qs.alias(**{self.field_name: self.expression})
        if self.bound == "after":
            return qs.filter(**{f"{self.field_name}__gte": value.date})
        return qs.filter(**{f"{self.field_name}__lte": value.last_day()})


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField

    def filter(self, qs, value):
        if value is None:
            return qs
        return super().filter(qs, value)


class CountryFilter(django_filters.CharFilter):
    field_class = CountryField


class RecordField(forms.ModelChoiceField):
    """A related record typed by its slug or by any of its names, in any script.

    A name is folded (``common.search.fold``) and must match exactly one record:
    first a whole name or alias, then a part of one. Shown as a text box (a list
    of thousands of companies is neither usable nor cheap to render) unless the
    filter asks for a ``Select``, whose options are named in the interface language.
    """

    widget = forms.TextInput
    offers_search = True  # pages link a value that matched nothing to the search page

    def to_python(self, value):
        if value in self.empty_values:
            return None
        value = str(value).strip()
        if "\x00" in value:
            raise forms.ValidationError(_("Null characters are not allowed."), code="null")
        found = self.queryset.filter(slug=value).first()
        matches = []
        if found is None and hasattr(self.queryset.model, "search_key"):
            key = fold(value)
            if key:
                matches = list(self.queryset.filter(search_key__contains=f"|{key}|")[:2])
                if len(matches) != 1:
                    matches = list(self.queryset.filter(search_key__contains=key)[:5])
                found = matches[0] if len(matches) == 1 else None
                if not matches:
                    matches = list(closest(self.queryset, value, limit=3))
        if found is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"] + self.suggestion(matches),
                code="invalid_choice",
                params={
                    "kind": self.queryset.model._meta.verbose_name,
                    "value": value,
                    "names": ", ".join(f"“{self.label_from_instance(m)}”" for m in matches),
                },
            )
        return found

    @staticmethod
    def suggestion(matches) -> str:
        """ "Did you mean …?" after the error when some names are close (or several match)."""
        return " " + str(_("Did you mean %(names)s?")) if matches else ""

    def label_from_instance(self, obj):
        lang = (get_language() or "en")[:2]
        localized = getattr(obj, f"name_{lang}", "") if lang != "en" else ""
        return localized or str(obj)


@extend_schema_field(OpenApiTypes.STR)
class SlugFilter(django_filters.ModelChoiceFilter):
    """The one name look-up: a related record by slug or by any name (see ``RecordField``).

    A value that matches no record, or several, is a 400 (a form error on pages).
    """

    field_class = RecordField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("to_field_name", "slug")
        kwargs.setdefault(
            "error_messages", {"invalid_choice": _("No single %(kind)s matches “%(value)s”.")}
        )
        super().__init__(*args, **kwargs)


class FoldedSearchFilter(django_filters.CharFilter):
    """Every word of ``q`` must match the record: a folded name key or a plain text field.

    ``key_paths`` are ``search_key`` columns, possibly across relations (see
    ``common.search.fold``: any script, any transliteration); ``text_paths`` are
    matched case-insensitively as typed (titles). Related paths are matched
    through ``pk__in`` subqueries, so no row is ever duplicated.
    """

    def __init__(self, key_paths=("search_key",), text_paths=(), **kwargs):
        self.key_paths = tuple(key_paths)
        self.text_paths = tuple(text_paths)
        kwargs.setdefault(
            "help_text",
            "Words to find in any name or alias, in Latin, Russian or Kazakh spelling "
            "(all words must match).",
        )
        kwargs.setdefault("max_length", 200)
        super().__init__(field_name="search_key", **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        for word in value.split():
            qs = qs.filter(self.word_condition(qs.model, word))
        return qs

    def word_condition(self, model, word: str) -> Q:
        folded_parts = fold(word).split()
        if not folded_parts:
            return Q()  # punctuation alone: nothing to look for
        condition = Q()
        for part in folded_parts:
            any_key = Q()
            for path in self.key_paths:
                any_key |= self._match(model, f"{path}__contains", part)
            condition &= any_key
        for path in self.text_paths:
            condition |= self._match(model, f"{path}__icontains", word)
        return condition

    def _match(self, model, lookup: str, value: str) -> Q:
        if "__" not in lookup.rsplit("__", 1)[0]:
            return Q(**{lookup: value})
        # Through related rows: the filter set may narrow them to what its reader may see.
        reach = getattr(self.parent, "reach", None)
        condition = reach(model, lookup, value) if reach else Q(**{lookup: value})
        return Q(pk__in=model._base_manager.filter(condition).values("pk"))


class AwareDateTimeFormField(IsoDateTimeField):
    """An ISO 8601 date-time that must name its offset (``Z`` or ``+05:00``).

    A naive one would be read in the server's zone, which a client cannot know:
    it is refused with code ``naive_datetime``.
    """

    default_error_messages = {
        "empty": _("Give a date-time, or leave the parameter out."),
        "naive_datetime": _(
            "Give the date-time with its UTC offset, e.g. 2026-02-01T00:00:00Z or "
            "2026-02-01T05:00:00+05:00; a time without an offset is ambiguous."
        ),
    }

    def to_python(self, value):
        if isinstance(value, str) and not value.strip():
            # Present but empty: not "no filter" (a client's variable was left blank).
            raise forms.ValidationError(self.error_messages["empty"], code="empty")
        if isinstance(value, str):
            try:
                parsed = parse_datetime(value.strip())
            except ValueError:
                parsed = None  # out of range: the parent says so
            if parsed is not None and parsed.tzinfo is None:
                raise forms.ValidationError(
                    self.error_messages["naive_datetime"], code="naive_datetime"
                )
        return super().to_python(value)


class AwareDateTimeFilter(django_filters.IsoDateTimeFilter):
    """``IsoDateTimeFilter`` refusing a date-time without an offset (see the form field)."""

    field_class = AwareDateTimeFormField


class UpdatedSinceFilter(AwareDateTimeFilter):
    """Records changed at or after this moment: the incremental-sync cursor."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "help_text",
            "ISO 8601 date-time with offset (e.g. 2026-02-01T00:00:00Z): records created or "
            "changed at or after it; one without an offset is a 400. Pair with "
            "GET /api/v1/tombstones/?since= for deletions.",
        )
        super().__init__(field_name="updated_at", lookup_expr="gte", **kwargs)


class FlagFilter(StrictBooleanFilter):
    """A true/false switch read by another filter (e.g. ``include_subsidiaries``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", FlagCheckbox)
        super().__init__(**kwargs)

    def filter(self, qs, value):
        return qs


# --- the API's filter backend ------------------------------------------------


class PortalFilterBackend(DjangoFilterBackend):
    """``DjangoFilterBackend``, skipping the filter set when the request names none of its filters.

    Building a filter set copies its filters and builds and validates a form
    (about 1.7 ms for agreements); with no filter parameter every filter leaves
    the queryset as it is, so an unfiltered list (a sync feed's page, an export)
    skips that work. Unknown parameters are refused before this, by the view.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not set(request.query_params).intersection(
            filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(request, queryset, view)
