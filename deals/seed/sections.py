"""The dataset's sections: which model each holds, and how its YAML keys map to fields."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from deals.models import (
    Amount,
    Company,
    Deal,
    Event,
    Facility,
    Ownership,
    Source,
    StatusChange,
)
from deals.representations.agreement import AgreementRepresentation
from deposits.models import Commodity, Deposit, Region, ResourceEstimate
from minerals_portal.api.representation import LooseDate, Many, One


@dataclass
class Section:
    model: type[models.Model]
    scalars: tuple[str, ...] = ()
    decimals: tuple[str, ...] = ()
    loose_dates: dict[str, str] = field(default_factory=dict)  # yaml name -> model field
    fks: dict[str, str] = field(default_factory=dict)  # yaml name -> section
    m2m: dict[str, str] = field(default_factory=dict)  # yaml name -> section
    required: tuple[str, ...] = ()
    cited: bool = True
    natural_key: tuple[str, ...] = ()  # fields identifying a record that has no slug


SECTIONS: dict[str, Section] = {
    "sources": Section(
        Source,
        scalars=("kind", "publisher", "title", "url", "archive_url", "language", "file"),
        loose_dates={"published": "published"},
        required=("publisher", "title", "language", "published"),
        cited=False,
    ),
    "commodities": Section(
        Commodity,
        scalars=(
            "code",
            "name",
            "name_ru",
            "name_kk",
            "aliases",
            "group",
            "usgs_2022",
            "usgs_2025",
        ),
        required=("code", "name"),
    ),
    "regions": Section(
        Region,
        scalars=("name", "name_ru", "name_kk", "aliases", "iso_code", "country"),
        decimals=("centroid_lat", "centroid_lon"),
        required=("name", "iso_code", "country"),
    ),
    "deposits": Section(
        Deposit,
        scalars=(
            "name",
            "name_ru",
            "name_kk",
            "aliases",
            "kind",
            "stage",
            "description",
            "description_ru",
            "location_accuracy",
        ),
        decimals=("area_km2", "latitude", "longitude"),
        m2m={"regions": "regions"},
        required=("name",),
    ),
    "companies": Section(
        Company,
        scalars=(
            "name",
            "name_ru",
            "name_kk",
            "aliases",
            "kind",
            "country",
            "description",
            "description_ru",
        ),  # fmt: skip
        m2m={"owned_deposits": "deposits"},
        required=("name", "kind"),
    ),
    "ownerships": Section(
        Ownership,
        scalars=("relation",),
        decimals=("stake_min", "stake_max"),
        fks={"parent": "companies", "child": "companies"},
        required=("parent", "child", "relation"),
        natural_key=("parent", "child"),
    ),
    "facilities": Section(
        Facility,
        scalars=("name", "name_ru", "name_kk", "aliases", "kind"),
        fks={"region": "regions", "operator": "companies"},
        required=("name", "kind"),
    ),
    "deals": Section(
        Deal,
        scalars=("name", "name_ru", "name_kk", "aliases", "summary", "summary_ru", "host_country"),
        m2m={
            "deposits": "deposits",
            "commodities": "commodities",
            "regions": "regions",
            "facilities": "facilities",
        },
        required=("name",),
    ),
}
SECTIONS["agreements"] = None  # declared by its representation, below
SECTIONS |= {
    "amounts": Section(
        Amount,
        scalars=("currency", "qualifier", "kind"),
        decimals=("value", "value_max"),
        loose_dates={"as_of": "as_of"},
        fks={
            "deal": "deals",
            "agreement": "agreements",
            "deposit": "deposits",
            "investor": "companies",
            "restates": "amounts",
        },
        m2m={"covers": "deposits", "reported_with": "agreements"},
        required=("deal", "value", "currency", "kind", "as_of"),
    ),
    "resource_estimates": Section(
        ResourceEstimate,
        scalars=(
            "quantity_unit",
            "quantity_qualifier",
            "measured",
            "grade_unit",
            "grade_qualifier",
            "depth_limit_m",
            "category",
            "reporting_code",
        ),
        decimals=("quantity", "grade"),
        loose_dates={"as_of": "as_of"},
        fks={"deposit": "deposits", "commodity": "commodities"},
        m2m={"also_covers": "deposits"},
        required=("deposit", "quantity", "quantity_unit", "measured", "category"),
    ),
    # An agreement's dated status history; each entry carries its own source and quote.
    "status_changes": Section(
        StatusChange,
        scalars=("status", "quote"),
        loose_dates={"date": "on"},
        fks={"agreement": "agreements", "source": "sources"},
        required=("agreement", "status", "date", "source", "quote"),
        cited=False,
        natural_key=("agreement", "status", "on"),
    ),
    "events": Section(
        Event,
        scalars=("title", "title_ru", "kind", "description", "description_ru"),
        loose_dates={"date": "on", "end_date": "end_on"},
        fks={"deal": "deals", "agreement": "agreements"},
        m2m={"deposits": "deposits", "companies": "companies"},
        required=("title", "kind", "date"),
    ),
}


def declared(representation, **options) -> Section:
    """A section whose keys are the representation's writable fields (slug and
    publication are handled by the loader; reverse relations are special keys)."""
    section_of = {section.model: name for name, section in SECTIONS.items() if section}
    keys: dict = {"scalars": [], "decimals": [], "loose_dates": {}, "fks": {}, "m2m": {}}
    for f in representation.fields:
        if not f.write or f.name in ("slug", "publication"):
            continue
        model_field = representation.model_field(f.column)
        if isinstance(f, LooseDate):
            keys["loose_dates"][f.name] = f.column
        elif isinstance(f, One):
            keys["fks"][f.name] = section_of[model_field.related_model]
        elif isinstance(f, Many):
            if model_field.many_to_many:
                keys["m2m"][f.name] = section_of[model_field.related_model]
        else:
            decimal = isinstance(model_field, models.DecimalField)
            keys["decimals" if decimal else "scalars"].append(f.name)
    scalars, decimals = tuple(keys.pop("scalars")), tuple(keys.pop("decimals"))
    return Section(representation.model, scalars=scalars, decimals=decimals, **keys, **options)


SECTIONS["agreements"] = declared(
    AgreementRepresentation, required=("deal", "title", "kind", "status")
)

# Keys handled outside the generic table.
SPECIAL = {
    "sources": {"relations"},
    "deposits": {"commodities"},
    "agreements": {"parties"},
    "ownerships": set(),
}
PARTY_KEYS = {"company", "role", "stake", "held_via", "citations"}
CITATION_KEYS = {"source", "quote", "field"}
