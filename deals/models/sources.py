"""Where facts come from: sources (articles) and citations (a quoted sentence on a record)."""

import hashlib

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import FileExtensionValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from deals.history.tracking import tracked
from minerals_portal.common.languages import ISO_639_1, language_name
from minerals_portal.common.loose_dates import Precision, loose, precision_constraint
from minerals_portal.common.models import Timestamped, text_index
from minerals_portal.common.validators import COPY_EXTENSIONS, limit_copy_size

from .publication import Publishable
from .versioning import Versioned


def sha256_of(file) -> str:
    """The SHA-256 of an uploaded or stored file, read in chunks."""
    digest = hashlib.sha256()
    file.open("rb")
    file.seek(0)
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


@tracked
class Source(Publishable, Timestamped):
    class Kind(models.TextChoices):
        NEWS = "news", _("news")
        COMPANY_RELEASE = "company_release", _("company release")
        GOVERNMENT = "government", _("government")
        FILING = "filing", _("filing")
        DATA_SET = "data_set", _("data set")

    slug = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.NEWS)
    publisher = models.CharField(max_length=200)
    title = models.CharField(max_length=500)
    url = models.URLField("original URL", max_length=500, blank=True)
    language = models.CharField(
        "language (ISO 639-1)", max_length=2, choices=ISO_639_1,
        help_text="The language the source is written in.",
    )  # fmt: skip
    published = models.DateField(help_text="First day of the period when only a month or year.")
    published_precision = models.CharField(
        max_length=5, choices=Precision.choices, default=Precision.DAY
    )
    accessed = models.DateField("access date", null=True, blank=True)
    archive = models.FileField(
        "uploaded copy", upload_to="sources/%Y/", blank=True, max_length=300,
        help_text="A copy of the source as read (PDF, HTML, text, image or data file).",
        validators=[FileExtensionValidator(COPY_EXTENSIONS), limit_copy_size],
    )  # fmt: skip
    archive_url = models.URLField("archived copy (URL)", max_length=500, blank=True)
    archive_sha256 = models.CharField(
        "SHA-256 of the copy", max_length=64, blank=True, editable=False
    )
    file = models.CharField(
        max_length=200, blank=True, help_text="File name of the article text in the seed folder."
    )

    class Meta:
        ordering = ["-published", "publisher"]
        indexes = [
            text_index("title", "source_title_trgm"),
            text_index("publisher", "source_publisher_trgm"),
        ]
        constraints = [
            precision_constraint("published", "source_published_precision"),
            models.CheckConstraint(
                condition=Q(language__in=[code for code, _ in ISO_639_1]),
                name="source_language_iso_639_1",
                violation_error_message="Language must be an ISO 639-1 code such as ru or zh.",
            ),
            models.CheckConstraint(
                condition=Q(archive_sha256__regex=r"^([0-9a-f]{64})?$"),
                name="source_archive_sha256_hex",
                violation_error_message="The copy's hash is 64 hexadecimal digits.",
            ),
            models.CheckConstraint(
                condition=Q(accessed__isnull=True) | Q(accessed__gte=F("published")),
                name="source_accessed_after_published",
                violation_error_message="A source cannot be read before it was published.",
            ),
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
        return f"{self.publisher}, {self.date.iso()}: {self.title[:80]}"

    def save(self, *args, **kwargs):
        """Keep ``archive_sha256`` the hash of the copy: computed when a file is uploaded."""
        if not self.archive:
            self.archive_sha256 = ""
        elif not self.archive._committed or not self.archive_sha256:
            self.archive_sha256 = sha256_of(self.archive)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "archive_sha256"}
        super().save(*args, **kwargs)

    @property
    def date(self):
        return loose(self.published, self.published_precision)

    @property
    def language_name(self) -> str:
        return language_name(self.language)


@tracked
class SourceRelation(Timestamped):
    """``source`` translates, republishes or relies on ``other``."""

    class Kind(models.TextChoices):
        TRANSLATION_OF = "translation_of", _("translation of")
        REPUBLISHED_FROM = "republished_from", _("republished from")
        RELIES_ON = "relies_on", _("relies on")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="relations")
    other = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="related_from")
    kind = models.CharField(max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["source", "kind", "other"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "other", "kind"],
                name="source_relation_unique",
                violation_error_message="This relation between the two sources is recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(source=F("other")),
                name="source_relation_not_self",
                violation_error_message="A source cannot be related to itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source.publisher} {self.get_kind_display()} {self.other.publisher}"


@tracked
class Citation(Versioned, Timestamped):
    """A quoted sentence from a source, attached to one record (and optionally one field)."""

    class QuoteKind(models.TextChoices):
        VERBATIM = "verbatim", _("verbatim")
        PARAPHRASE = "paraphrase", _("paraphrase")

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="citations")
    quote = models.TextField(help_text="The sentence, in the source's language.")
    quote_kind = models.CharField(
        max_length=10, choices=QuoteKind.choices, default=QuoteKind.VERBATIM
    )
    unverified = models.BooleanField(
        default=False,
        help_text="Shown to readers: the sentence has not been checked against the source.",
    )
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
