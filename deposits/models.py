"""Deposits, the commodities they carry, the regions they lie in, and resource estimates."""

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from deals.history.tracking import tracked
from minerals_portal.common.loose_dates import Precision, loose, precision_constraint
from minerals_portal.common.models import Named, Timestamped, key_index, plain_number
from minerals_portal.common.publication import Publishable


def _validate_aliases(aliases):
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise ValidationError({"aliases": "Aliases must be a list of non-empty names."})


@tracked
class Commodity(Named):
    class Group(models.TextChoices):
        RARE_EARTH_LIGHT = "rare_earth_light", _("light rare earth")
        RARE_EARTH_HEAVY = "rare_earth_heavy", _("heavy rare earth")
        RARE_EARTH_GROUP = "rare_earth_group", _("rare earths (group)")
        FERROUS = "ferrous", _("ferrous")
        BASE = "base", _("base metal")
        PRECIOUS = "precious", _("precious metal")
        BATTERY = "battery", _("battery metal")
        MINOR_METAL = "minor_metal", _("minor metal")
        ENERGY = "energy", _("energy")
        OTHER = "other", _("other")

    code = models.CharField(max_length=12, unique=True, help_text="Element symbol or short code.")
    group = models.CharField(max_length=20, choices=Group.choices, default=Group.OTHER)
    usgs_2022 = models.BooleanField("on the USGS 2022 critical-minerals list", default=False)
    usgs_2025 = models.BooleanField("on the USGS 2025 critical-minerals list", default=False)
    citations = GenericRelation("deals.Citation")

    class Meta(Named.Meta):
        verbose_name_plural = "commodities"
        indexes = [key_index("commodity_key_trgm")]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="commodity_name_unique"),
            models.CheckConstraint(condition=~Q(code=""), name="commodity_code_not_empty"),
        ]

    def clean(self):
        _validate_aliases(self.aliases)


@tracked
class Region(Named):
    iso_code = models.CharField("ISO 3166-2 code", max_length=6, unique=True)
    country = models.CharField("ISO 3166-1 country", max_length=2)
    centroid_lat = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    centroid_lon = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    citations = GenericRelation("deals.Citation")

    class Meta(Named.Meta):
        indexes = [key_index("region_key_trgm")]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="region_name_unique"),
            models.CheckConstraint(
                condition=Q(country__regex=r"^[A-Z]{2}$"),
                name="region_country_iso",
                violation_error_message="Country must be an ISO 3166-1 alpha-2 code such as KZ.",
            ),
            models.CheckConstraint(
                condition=Q(iso_code__regex=r"^[A-Z]{2}-[A-Z0-9]{1,3}$"),
                name="region_iso_code_format",
                violation_error_message="ISO 3166-2 codes look like KZ-KAR.",
            ),
        ]

    def clean(self):
        _validate_aliases(self.aliases)
        if self.iso_code and self.country and not self.iso_code.startswith(self.country + "-"):
            raise ValidationError({"iso_code": "The region code must start with its country code."})


@tracked
class Deposit(Publishable, Named):
    class Kind(models.TextChoices):
        DEPOSIT = "deposit", _("deposit")
        PROSPECTIVE_AREA = "prospective_area", _("prospective area")
        OPERATING_ASSET = "operating_asset", _("operating asset")
        EXPLORATION_LICENCE = "exploration_licence", _("exploration licence")

    class Stage(models.TextChoices):
        DISCOVERY = "discovery", _("discovery")
        EXPLORATION = "exploration", _("exploration")
        DEVELOPMENT = "development", _("development")
        PRODUCTION = "production", _("production")
        UNKNOWN = "unknown", _("unknown")

    class Accuracy(models.TextChoices):
        EXACT = "exact", _("exact point")
        APPROXIMATE = "approximate", _("approximate")
        REGION = "region", _("region centroid only")
        UNKNOWN = "unknown", _("unknown")

    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DEPOSIT)
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.UNKNOWN)
    regions = models.ManyToManyField(Region, related_name="deposits", blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    location_accuracy = models.CharField(
        max_length=12, choices=Accuracy.choices, default=Accuracy.UNKNOWN
    )
    area_km2 = models.DecimalField(
        "area (km²)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(blank=True)
    description_ru = models.TextField("description (Russian)", blank=True)
    commodities = models.ManyToManyField(
        Commodity, through="DepositCommodity", related_name="deposits", blank=True
    )
    citations = GenericRelation("deals.Citation")

    class Meta(Named.Meta):
        indexes = [key_index("deposit_key_trgm")]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="deposit_name_unique"),
            models.CheckConstraint(
                condition=(
                    Q(latitude__isnull=True, longitude__isnull=True)
                    & Q(location_accuracy__in=["unknown", "region"])
                )
                | Q(
                    latitude__isnull=False,
                    longitude__isnull=False,
                    latitude__gte=-90,
                    latitude__lte=90,
                    longitude__gte=-180,
                    longitude__lte=180,
                    location_accuracy__in=["exact", "approximate"],
                ),
                name="deposit_location_consistent",
                violation_error_message=(
                    "A location needs both latitude (-90..90) and longitude (-180..180) and an "
                    "accuracy of exact or approximate; without one, accuracy is unknown or region."
                ),
            ),
            models.CheckConstraint(
                condition=Q(area_km2__isnull=True) | Q(area_km2__gt=0),
                name="deposit_area_positive",
                violation_error_message="Area must be positive.",
            ),
        ]

    def clean(self):
        _validate_aliases(self.aliases)


@tracked
class DepositCommodity(Timestamped):
    class Role(models.TextChoices):
        PRIMARY = "primary", _("primary")
        BY_PRODUCT = "by_product", _("by-product")

    deposit = models.ForeignKey(
        Deposit, on_delete=models.CASCADE, related_name="deposit_commodities"
    )
    commodity = models.ForeignKey(Commodity, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.PRIMARY)

    class Meta:
        verbose_name_plural = "deposit commodities"
        constraints = [
            models.UniqueConstraint(
                fields=["deposit", "commodity"],
                name="deposit_commodity_unique",
                violation_error_message="This commodity is already listed for the deposit.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.deposit} – {self.commodity} ({self.get_role_display()})"


@tracked
class ResourceEstimate(Publishable, Timestamped):
    class Unit(models.TextChoices):
        T = "t", _("t")
        KT = "kt", _("kt")
        MT = "Mt", _("Mt")

    class Qualifier(models.TextChoices):
        EXACT = "exact", _("exactly")
        APPROXIMATELY = "approximately", _("about")
        AT_LEAST = "at_least", _("at least")
        UP_TO = "up_to", _("up to")
        MORE_THAN = "more_than", _("more than")

    class Measured(models.TextChoices):
        ORE = "ore", _("ore")
        METAL = "metal", _("metal")
        OXIDE = "oxide", _("oxide")
        REO = "reo", _("rare-earth oxides (REO)")
        WO3 = "wo3", "WO3"
        IRON_ORE = "iron_ore", _("iron ore")
        OTHER = "other", _("other")

    class GradeUnit(models.TextChoices):
        G_PER_T = "g/t", _("g/t")
        PERCENT = "%", "%"

    class Category(models.TextChoices):
        PROGNOSTIC = "prognostic", _("prognostic")
        INFERRED = "inferred", _("inferred")
        INDICATED = "indicated", _("indicated")
        MEASURED = "measured", _("measured")
        PROBABLE = "probable", _("probable")
        PROVEN = "proven", _("proven")
        A = "A", _("A (GKZ)")
        B = "B", _("B (GKZ)")
        C1 = "C1", _("C1 (GKZ)")
        C2 = "C2", _("C2 (GKZ)")
        P1 = "P1", _("P1 (GKZ)")
        P2 = "P2", _("P2 (GKZ)")
        P3 = "P3", _("P3 (GKZ)")
        UNSPECIFIED = "unspecified", _("unspecified")

    class Code(models.TextChoices):
        JORC = "JORC", "JORC"
        KAZRC = "KAZRC", "KAZRC"
        NI43101 = "NI43-101", "NI 43-101"
        GKZ = "GKZ", "GKZ"
        UNSPECIFIED = "unspecified", _("unspecified")

    slug = models.SlugField(max_length=80, unique=True)
    deposit = models.ForeignKey(Deposit, on_delete=models.PROTECT, related_name="estimates")
    commodity = models.ForeignKey(
        Commodity, on_delete=models.PROTECT, null=True, blank=True, related_name="estimates"
    )
    quantity = models.DecimalField(max_digits=20, decimal_places=3)
    quantity_unit = models.CharField(max_length=4, choices=Unit.choices)
    quantity_qualifier = models.CharField(
        max_length=16, choices=Qualifier.choices, default=Qualifier.EXACT
    )
    measured = models.CharField(max_length=12, choices=Measured.choices)
    grade = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    grade_unit = models.CharField(max_length=4, choices=GradeUnit.choices, blank=True)
    grade_qualifier = models.CharField(
        max_length=16, choices=Qualifier.choices, default=Qualifier.EXACT,
        help_text="How much the source claims for the grade (“about 700 g/t”: about).",
    )  # fmt: skip
    also_covers = models.ManyToManyField(
        Deposit, related_name="shared_estimates", blank=True,
        help_text="Other deposits this one estimate covers together with its own.",
    )  # fmt: skip
    depth_limit_m = models.PositiveIntegerField("depth limit (m)", null=True, blank=True)
    category = models.CharField(max_length=12, choices=Category.choices)
    reporting_code = models.CharField(max_length=12, choices=Code.choices, default=Code.UNSPECIFIED)
    as_of = models.DateField(null=True, blank=True)
    as_of_precision = models.CharField(max_length=5, choices=Precision.choices, blank=True)
    citations = GenericRelation("deals.Citation")
    reports = GenericRelation("deals.FigureReport")

    class Meta:
        ordering = ["deposit__name", "as_of", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="estimate_quantity_positive",
                violation_error_message="Quantity must be positive.",
            ),
            models.CheckConstraint(
                condition=(Q(grade__isnull=True) & Q(grade_unit=""))
                | (Q(grade__isnull=False, grade__gt=0) & ~Q(grade_unit="")),
                name="estimate_grade_with_unit",
                violation_error_message="A grade must be positive and have a unit (g/t or %%).",
            ),
            models.CheckConstraint(
                condition=~Q(grade_unit="%") | Q(grade__lte=100),
                name="estimate_percent_grade_max_100",
                violation_error_message="A grade in %% cannot exceed 100.",
            ),
            precision_constraint("as_of", "estimate_as_of_precision"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.deposit}: {self.get_quantity_qualifier_display()} "
            f"{plain_number(self.quantity)} {self.quantity_unit} {self.get_measured_display()}"
        )

    @property
    def as_of_loose(self):
        return loose(self.as_of, self.as_of_precision)
