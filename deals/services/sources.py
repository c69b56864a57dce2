"""Sources (articles) that citations quote."""

from ..models import Source
from .base import delete, save


def save_source(actor, source: Source, *, path=None) -> Source:
    return save(actor, source, path=path)


def delete_source(actor, source: Source, *, path=None) -> None:
    delete(actor, source, path=path)
