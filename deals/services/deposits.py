"""Deposits with their commodities and resource estimates; regions and commodities."""

from deposits.models import Commodity, Deposit, DepositCommodity, Region, ResourceEstimate

from .base import delete, save


def save_deposit(actor, deposit: Deposit, *, m2m=None, path=None) -> Deposit:
    """Create or change ``deposit``; ``m2m`` may set ``regions``."""
    return save(actor, deposit, m2m=m2m, path=path)


def save_deposit_commodity(actor, link: DepositCommodity, *, path=None) -> DepositCommodity:
    return save(actor, link, path=path)


def save_estimate(actor, estimate: ResourceEstimate, *, path=None) -> ResourceEstimate:
    return save(actor, estimate, path=path)


def save_region(actor, region: Region, *, path=None) -> Region:
    return save(actor, region, path=path)


def save_commodity(actor, commodity: Commodity, *, path=None) -> Commodity:
    return save(actor, commodity, path=path)


def delete_deposit(actor, deposit: Deposit, *, path=None) -> None:
    delete(actor, deposit, path=path)


def delete_deposit_commodity(actor, link: DepositCommodity, *, path=None) -> None:
    delete(actor, link, path=path)


def delete_estimate(actor, estimate: ResourceEstimate, *, path=None) -> None:
    delete(actor, estimate, path=path)


def delete_region(actor, region: Region, *, path=None) -> None:
    delete(actor, region, path=path)


def delete_commodity(actor, commodity: Commodity, *, path=None) -> None:
    delete(actor, commodity, path=path)
