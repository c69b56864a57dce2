"""Publication state (defined in ``minerals_portal.common.publication``, shared with deposits)."""

from minerals_portal.common.publication import Publication, Publishable, PublishedQuerySet

__all__ = ["Publication", "Publishable", "PublishedQuerySet"]
