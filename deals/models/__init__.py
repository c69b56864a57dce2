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
    ViewRefresh,
)
from .agreements import Agreement, AgreementParty, Deal
from .companies import Company, Ownership
from .events import Event
from .money import Amount, ExchangeRate
from .publication import Publication
from .revisions import Comment, Revision
from .seeding import SeedRecord
from .sources import Citation, Source
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
    "ExchangeRate",
    "MonthlyActivity",
    "Ownership",
    "Publication",
    "RefreshState",
    "Revision",
    "SeedRecord",
    "TimelineTotals",
    "Source",
    "Tombstone",
    "ViewRefresh",
]
