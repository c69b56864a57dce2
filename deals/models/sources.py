"""Where facts come from: sources (articles) and citations (a quoted sentence on a record)."""

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deals.history.tracking import tracked
from minerals_portal.common.models import Timestamped

from .versioning import Versioned


@tracked
class Source(Timestamped):
    class Language(models.TextChoices):
        RU = "ru", _("Russian")
        KK = "kk", _("Kazakh")
        BG = "bg", _("Bulgarian")
        EN = "en", _("English")

    slug = models.SlugField(max_length=80, unique=True)
    publisher = models.CharField(max_length=200)
    title = models.CharField(max_length=500)
    url = models.URLField(max_length=500, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices)
    published = models.DateField()
    file = models.CharField(
        max_length=200, blank=True, help_text="File name of the article text in the seed folder."
    )

    class Meta:
        ordering = ["-published", "publisher"]
        constraints = [
            models.UniqueConstraint(
                fields=["publisher", "title", "published"],
                name="source_unique",
                violation_error_message="This source is already recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(publisher="") & ~Q(title=""),
                name="source_publisher_title_not_empty",
                violation_error_message="A source needs a publisher and a title.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publisher}, {self.published:%Y-%m-%d}: {self.title[:80]}"


@tracked
class Citation(Versioned, Timestamped):
    """A quoted sentence from a source, attached to one record (and optionally one field)."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(help_text="The sentence, verbatim, in the source's language.")
    field = models.CharField(
        max_length=60, blank=True, help_text="The field of the record the quote supports."
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    content_object = GenericForeignKey("content_type", "object_id")

    class Meta:
        ordering = ["source__published", "id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(quote=""),
                name="citation_quote_not_empty",
                violation_error_message="A citation must quote the sentence it relies on.",
            ),
            models.UniqueConstraint(
                fields=["content_type", "object_id", "source", "quote", "field"],
                name="citation_unique",
                violation_error_message="This record already cites that sentence.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.publisher}: “{self.quote[:80]}”"
