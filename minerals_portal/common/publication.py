"""Publication state: drafts and records in review never reach partners or the public.

Deals, agreements, amounts, events, companies, sources, deposits and resource
estimates carry it; ``deals.visibility`` decides what each state shows to whom.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Publication(models.TextChoices):
    DRAFT = "draft", _("draft")
    IN_REVIEW = "in_review", _("in review")
    PUBLISHED = "published", _("published")
    WITHDRAWN = "withdrawn", _("withdrawn")


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(publication=Publication.PUBLISHED)


class Publishable(models.Model):
    publication = models.CharField(
        max_length=10, choices=Publication.choices, default=Publication.DRAFT, db_index=True
    )

    objects = PublishedQuerySet.as_manager()

    class Meta:
        abstract = True
