from .aggregates import (
    CommittedByCommodity,
    CommittedByCompany,
    CommittedByCountryPair,
    CommittedByDeposit,
    CommittedByPeriod,
    DealPipeline,
    MonthlyActivity,
    RefreshState,
    TimelineTotals,
    UnconvertedByPeriod,
    ViewRefresh,
)
from .agreements import Agreement, AgreementParty, Deal
from .companies import Company, Ownership
from .events import Event
from .figures import Facility, FigureReport, StatusChange
from .money import Amount, ExchangeRate
from .publication import Publication
from .revisions import Comment, Revision
from .seeding import SeedRecord
from .sources import Citation, Source, SourceRelation
from .sync import ApiToken, DataVersion, Tombstone

__all__ = [
    "Agreement",
    "ApiToken",
    "AgreementParty",
    "Amount",
    "Citation",
    "Comment",
    "CommittedByCommodity",
    "CommittedByCompany",
    "CommittedByCountryPair",
    "CommittedByDeposit",
    "CommittedByPeriod",
    "Company",
    "DataVersion",
    "Deal",
    "DealPipeline",
    "Event",
    "Facility",
    "FigureReport",
    "StatusChange",
    "ExchangeRate",
    "MonthlyActivity",
    "Ownership",
    "Publication",
    "RefreshState",
    "Revision",
    "SeedRecord",
    "TimelineTotals",
    "Source",
    "SourceRelation",
    "Tombstone",
    "UnconvertedByPeriod",
    "ViewRefresh",
]

from .feed import Change, ChangeEvent, ChangeNote, FeedState, SlugHistory  # noqa: E402

__all__ += ["Change", "ChangeEvent", "ChangeNote", "FeedState", "SlugHistory"]
from ..webhooks.models import WebhookDelivery, WebhookEndpoint  # noqa: E402

__all__ += ["WebhookDelivery", "WebhookEndpoint"]
