"""Admin helpers shared by both apps."""

from django.contrib import admin
from django.db.models import Q

from .search import fold


class FoldedSearchMixin:
    """Admin search that matches any name in any script (see ``common.search.fold``).

    ``folded_search_fields`` lists ``search_key`` columns (possibly across
    relations); a record matches when every word of the query, folded, occurs
    in one of them, or when the plain ``search_fields`` match as usual.
    """

    folded_search_fields: tuple[str, ...] = ("search_key",)

    def get_search_results(self, request, queryset, search_term):
        plain, _ = super().get_search_results(request, queryset, search_term)
        key = fold(search_term)
        if not key:
            return plain, False
        folded = Q()
        for word in key.split():
            any_field = Q()
            for name in self.folded_search_fields:
                any_field |= Q(**{f"{name}__contains": word})
            folded &= any_field
        if self.search_fields:
            folded |= Q(pk__in=plain.values("pk"))
        return queryset.filter(folded).distinct(), False


admin.site.site_header = "Critical-minerals deal portal"
admin.site.site_title = "Minerals portal admin"
admin.site.index_title = "Data entry"
