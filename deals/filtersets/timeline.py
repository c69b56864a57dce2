"""The timeline's filters: one form for three kinds of entry, in the API's vocabulary.

The timeline merges agreements, amounts and events. Its form is this filter
set's form; each filter is then applied by the filter set of each kind, under
the name ``TIMELINE_KINDS`` gives it there (the same name where none is given),
so a timeline query string and the API's agreements, amounts and events lists
select the same records.
"""

import django_filters as filters
from django import forms
from django.utils.translation import gettext_lazy as _

from deposits.models import Commodity
from minerals_portal.api.filters import CountryFilter, FlagFilter, LooseDateFilter, SlugFilter

from .. import counting as rule
from ..models import Agreement, Amount, Event
from ..visibility import visible, visible_companies, visible_deposits
from .agreements import AgreementFilterSet
from .amounts import AmountFilterSet
from .base import PortalFilterSet
from .records import EventFilterSet

# kind -> (model, its filter set, {timeline filter: that filter set's filter})
TIMELINE_KINDS = {
    "agreement": (Agreement, AgreementFilterSet, {}),
    "amount": (
        Amount,
        AmountFilterSet,
        {
            "kind": "agreement_kind",
            "status": "agreement_status",
            "date_after": "as_of_after",
            "date_before": "as_of_before",
        },
    ),
    "event": (Event, EventFilterSet, {"kind": "agreement_kind", "status": "agreement_status"}),
}

NAME_HELP = _("name in any script")


class TimelineFilterSet(PortalFilterSet):
    """Validates and renders the timeline's filters; ``querysets`` applies them per kind."""

    deposit = SlugFilter(queryset=visible_deposits, label=_("Deposit"), help_text=NAME_HELP)
    company = SlugFilter(queryset=visible_companies, label=_("Company"), help_text=NAME_HELP)
    include_subsidiaries = FlagFilter(label=_("with subsidiaries"))
    commodity = SlugFilter(
        queryset=Commodity.objects.order_by("name"),
        label=_("Commodity"),
        widget=forms.Select,
        empty_label=_("any commodity"),
    )
    country = CountryFilter(label=_("Host country"), help_text=_("ISO code, e.g. KZ"))
    kind = filters.MultipleChoiceFilter(choices=Agreement.Kind.choices, label=_("Agreement kind"))
    status = filters.MultipleChoiceFilter(
        choices=Agreement.Status.choices, label=_("Agreement status")
    )
    date_after = LooseDateFilter("date", "after", label=_("From"), help_text="YYYY, YYYY-MM, …")
    date_before = LooseDateFilter("date", "before", label=_("To"), help_text="YYYY, YYYY-MM, …")

    class Meta:
        model = Agreement  # only for django-filter's defaults: ``querysets`` does the filtering
        fields = []

    def chosen(self) -> dict:
        """The filters given a value (call after ``is_valid``)."""
        return {
            name: value
            for name, value in self.form.cleaned_data.items()
            if value not in (None, "", [], False)
        }

    def querysets(self, counting: bool = False) -> dict:
        """The visible agreements, amounts and events these filters select, by kind.

        The values were validated once by this form (names looked up once); each
        kind's filter set applies them without validating them again. ``counting``:
        amounts are chosen for the totals, the date range applied to the date each
        commitment was first made (``deals.counting.made_between``), not its as-of.
        """
        chosen = self.chosen()
        result = {}
        for tag, (model, filterset_class, renamed) in TIMELINE_KINDS.items():
            queryset = visible(model.objects.all(), self.show_drafts)
            values = dict(chosen)
            if counting and tag == "amount":
                after, before = values.pop("date_after", None), values.pop("date_before", None)
                queryset = rule.made_between(queryset, after, before)
            if values:
                values = {renamed.get(name, name): value for name, value in values.items()}
                filterset = filterset_class(queryset=queryset, request=self.request)
                filterset.form.cleaned_data = values
                queryset = filterset.filter_queryset(queryset)
            result[tag] = queryset
        return result
