"""Companies and who owns whom."""

from ..models import Company, Ownership
from .base import delete, save


def save_company(actor, company: Company, *, path=None) -> Company:
    return save(actor, company, path=path)


def delete_company(actor, company: Company, *, path=None) -> None:
    delete(actor, company, path=path)


def save_ownership(actor, link: Ownership, *, path=None) -> Ownership:
    return save(actor, link, path=path)


def delete_ownership(actor, link: Ownership, *, path=None) -> None:
    delete(actor, link, path=path)
