"""Filter sets for companies, deals, agreements, parties, amounts, events, sources, tombstones.

Shared by the API and by server-rendered pages: pass ``request`` so that the
visibility rule (``deals.visibility``) applies to related look-ups and to text
searches through related records too.
"""

from .agreements import AgreementFilterSet, PartyFilterSet
from .amounts import AmountFilterSet
from .base import PortalFilterSet, company_filter, company_ids, with_usd
from .companies import CompanyFilterSet, DealFilterSet
from .records import TOMBSTONE_RESOURCES, EventFilterSet, SourceFilterSet, TombstoneFilterSet
from .timeline import TIMELINE_KINDS, TimelineFilterSet

__all__ = [
    "TIMELINE_KINDS",
    "TOMBSTONE_RESOURCES",
    "AgreementFilterSet",
    "AmountFilterSet",
    "CompanyFilterSet",
    "DealFilterSet",
    "EventFilterSet",
    "PartyFilterSet",
    "PortalFilterSet",
    "SourceFilterSet",
    "TimelineFilterSet",
    "TombstoneFilterSet",
    "company_filter",
    "company_ids",
    "with_usd",
]
