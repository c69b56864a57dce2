"""Load the cited seed dataset (``dataset.yaml``) into the database.

The loader is idempotent: records are matched on their ``key`` (slug) or
natural key, so a second run changes nothing and an edited file updates the
records it names. The whole file loads in one transaction; the first bad
record aborts it with a ``SeedError`` naming the section, index and key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from deals.history.context import history_context
from deals.models import (
    Agreement,
    AgreementParty,
    Amount,
    Citation,
    Company,
    Deal,
    Event,
    Ownership,
    Source,
)
from deposits.models import Commodity, Deposit, DepositCommodity, Region, ResourceEstimate
from minerals_portal.common.loose_dates import LooseDate


class SeedError(Exception):
    """The dataset file is malformed; the message names the bad record."""


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
        scalars=("publisher", "title", "url", "language", "file"),
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
            "location_accuracy",
        ),
        decimals=("area_km2", "latitude", "longitude"),
        m2m={"regions": "regions"},
        required=("name",),
    ),
    "companies": Section(
        Company,
        scalars=("name", "name_ru", "name_kk", "aliases", "kind", "country", "description"),
        required=("name", "kind", "country"),
    ),
    "ownerships": Section(
        Ownership,
        scalars=("relation",),
        decimals=("stake_min", "stake_max"),
        fks={"parent": "companies", "child": "companies"},
        required=("parent", "child", "relation"),
        natural_key=("parent", "child"),
    ),
    "deals": Section(
        Deal,
        scalars=("name", "name_ru", "name_kk", "aliases", "summary", "host_country"),
        m2m={"deposits": "deposits", "commodities": "commodities"},
        required=("name",),
    ),
    "agreements": Section(
        Agreement,
        scalars=("title", "kind", "status", "venue", "binding"),
        loose_dates={"announced": "announced_on", "signed": "signed_on"},
        fks={"deal": "deals"},
        m2m={"deposits": "deposits", "commodities": "commodities"},
        required=("deal", "title", "kind", "status"),
    ),
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
        required=("deal", "value", "currency", "kind", "as_of"),
    ),
    "resource_estimates": Section(
        ResourceEstimate,
        scalars=(
            "quantity_unit",
            "quantity_qualifier",
            "measured",
            "grade_unit",
            "depth_limit_m",
            "category",
            "reporting_code",
        ),
        decimals=("quantity", "grade"),
        loose_dates={"as_of": "as_of"},
        fks={"deposit": "deposits", "commodity": "commodities"},
        required=("deposit", "quantity", "quantity_unit", "measured", "category"),
    ),
    "events": Section(
        Event,
        scalars=("title", "kind", "description"),
        loose_dates={"date": "on", "end_date": "end_on"},
        fks={"deal": "deals", "agreement": "agreements"},
        m2m={"deposits": "deposits", "companies": "companies"},
        required=("title", "kind", "date"),
    ),
}

# Keys handled outside the generic table.
_SPECIAL = {
    "sources": {"published"},
    "deposits": {"commodities"},
    "agreements": {"parties"},
    "ownerships": set(),
}
_PARTY_KEYS = {"company", "role", "stake", "held_via", "citations"}
_CITATION_KEYS = {"source", "quote", "field"}


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    citations_added: int = 0

    def count(self, section: str, outcome: str) -> None:
        bucket = getattr(self, outcome)
        bucket[section] = bucket.get(section, 0) + 1

    def summary(self) -> str:
        lines = []
        for section in [*SECTIONS, "agreement_parties", "deposit_commodities"]:
            c, u, n = (
                self.created.get(section, 0),
                self.updated.get(section, 0),
                self.unchanged.get(section, 0),
            )
            lines.append(f"{section:20s} {c:4d} created {u:4d} updated {n:4d} unchanged")
        lines.append(f"citations added: {self.citations_added}")
        return "\n".join(lines)


class _Loader:
    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.objects: dict[str, dict[str, models.Model]] = {name: {} for name in SECTIONS}
        self.report = LoadReport()
        self._where = ""

    # -- helpers -----------------------------------------------------------
    def fail(self, message: str) -> SeedError:
        return SeedError(f"{self._where}: {message}")

    def ref(self, section: str, key: Any) -> models.Model:
        try:
            return self.objects[section][key]
        except (KeyError, TypeError):
            raise self.fail(f"unknown {section} key {key!r}") from None

    def decimal(self, name: str, value: Any) -> Decimal | None:
        if value is None or value == "":
            return None
        try:
            result = Decimal(str(value))
        except InvalidOperation:
            raise self.fail(f"{name} {value!r} is not a number") from None
        if not result.is_finite():
            raise self.fail(f"{name} {value!r} is not a finite number")
        return result

    def loose(self, name: str, value: Any) -> LooseDate | None:
        if value is None or value == "":
            return None
        try:
            return LooseDate.parse(value)
        except ValueError as exc:
            raise self.fail(f"{name}: {exc}") from None

    # -- sections ----------------------------------------------------------
    def run(self) -> LoadReport:
        if not isinstance(self.data, dict):
            raise SeedError("the dataset must be a mapping of section name to records")
        unknown = set(self.data) - set(SECTIONS) - {"version"}
        if unknown:
            raise SeedError(f"unknown top-level sections: {sorted(unknown)}")
        if self.data.get("version") != 1:
            raise SeedError(f"unsupported dataset version {self.data.get('version')!r} (want 1)")
        restates: list[tuple[dict[str, Any], str]] = []
        for name, spec in SECTIONS.items():
            records = self.data.get(name) or []
            if not isinstance(records, list):
                raise SeedError(f"{name}: must be a list of records")
            for index, record in enumerate(records):
                key = record.get("key") if isinstance(record, dict) else None
                self._where = f"{name}[{index}] (key={key!r})"
                if not isinstance(record, dict):
                    raise self.fail("each record must be a mapping")
                if name == "amounts" and record.get("restates"):
                    restates.append((record, self._where))
                    record = {k: v for k, v in record.items() if k != "restates"}
                obj = self.load_record(name, spec, record)
                if key in self.objects[name]:
                    raise self.fail("duplicate key")
                self.objects[name][key] = obj
        for record, where in restates:
            self._where = where
            amount = self.objects["amounts"][record["key"]]
            previous = self.ref("amounts", record["restates"])
            if amount.restates_id != previous.pk:
                amount.restates = previous
                self.save(amount, "amounts", created=False)
        return self.report

    def load_record(self, name: str, spec: Section, record: dict[str, Any]) -> models.Model:
        key = record.get("key")
        if not isinstance(key, str) or not key:
            raise self.fail("every record needs a non-empty string 'key'")
        allowed = (
            {"key", "citations"}
            | set(spec.scalars)
            | set(spec.decimals)
            | set(spec.loose_dates)
            | set(spec.fks)
            | set(spec.m2m)
            | _SPECIAL.get(name, set())
        )
        unknown = set(record) - allowed
        if unknown:
            raise self.fail(f"unknown fields {sorted(unknown)}")
        missing = [f for f in spec.required if record.get(f) in (None, "", [])]
        if missing:
            raise self.fail(f"missing required fields {missing}")
        if spec.cited and not record.get("citations"):
            raise self.fail("real data needs at least one citation")

        values: dict[str, Any] = {}
        for f in spec.scalars:
            if f in record:
                value = record[f]
                if value is None and f not in ("binding", "depth_limit_m"):
                    value = [] if f == "aliases" else ""
                values[f] = value
        for f in spec.decimals:
            if f in record:
                values[f] = self.decimal(f, record[f])
        for yaml_name, model_field in spec.loose_dates.items():
            if yaml_name in record:
                date = self.loose(yaml_name, record[yaml_name])
                values[model_field] = date.date if date else None
                values[f"{model_field}_precision"] = date.precision if date else ""
        for f, section in spec.fks.items():
            if f in record:
                values[f] = self.ref(section, record[f]) if record[f] else None
        if name == "sources":
            try:
                values["published"] = dt.date.fromisoformat(str(record["published"]))
            except ValueError:
                raise self.fail(f"published {record['published']!r} is not YYYY-MM-DD") from None
            if values.get("url") == "":
                values["url"] = ""

        if hasattr(spec.model, "publication"):
            values["publication"] = "published"  # the seed is reviewed real data
        obj, created, changed = self.upsert(spec.model, key, values, spec.natural_key)
        self.save(obj, name, created=created, changed=changed)

        for f, section in spec.m2m.items():
            wanted = [self.ref(section, k) for k in (record.get(f) or [])]
            manager = getattr(obj, f)
            if set(manager.values_list("pk", flat=True)) != {o.pk for o in wanted}:
                manager.set(wanted)
        if name == "deposits":
            self.load_deposit_commodities(obj, record.get("commodities") or [])
        if name == "agreements":
            self.load_parties(obj, record.get("parties") or [])
        if spec.cited:
            self.load_citations(obj, record["citations"])
        return obj

    def upsert(self, model, key, values, natural_key=()):
        """Find the record by slug (or by its natural key for slug-less models)."""
        if natural_key:
            lookup = {f: values[f] for f in natural_key}
            identity = {}
        else:
            lookup = identity = {"slug": key}
        try:
            obj = model.objects.get(**lookup)
        except model.DoesNotExist:
            return model(**identity, **values), True, True
        changed = False
        for f, value in values.items():
            current = getattr(obj, f)
            if isinstance(current, models.Model) or isinstance(value, models.Model):
                differs = getattr(current, "pk", None) != getattr(value, "pk", None)
            else:
                differs = current != value
            if differs:
                setattr(obj, f, value)
                changed = True
        return obj, False, changed

    def save(self, obj, section, *, created, changed=True):
        if not changed:
            self.report.count(section, "unchanged")
            return
        try:
            obj.full_clean()
            with transaction.atomic():
                obj.save()
        except ValidationError as exc:
            raise self.fail(_describe(exc)) from None
        except IntegrityError as exc:
            raise self.fail(f"refused by the database: {exc}") from None
        self.report.count(section, "created" if created else "updated")

    def load_deposit_commodities(self, deposit, items):
        for i, item in enumerate(items):
            if not isinstance(item, dict) or set(item) - {"commodity", "role"}:
                raise self.fail(f"commodities[{i}] must be {{commodity, role}}")
            commodity = self.ref("commodities", item.get("commodity"))
            link, created = DepositCommodity.objects.get_or_create(
                deposit=deposit,
                commodity=commodity,
                defaults={"role": item.get("role") or "primary"},
            )
            if not created and item.get("role") and link.role != item["role"]:
                link.role = item["role"]
                self.save(link, "deposit_commodities", created=False)

    def load_parties(self, agreement, items):
        wanted = []
        for i, item in enumerate(items):
            where = self._where
            if not isinstance(item, dict) or set(item) - _PARTY_KEYS:
                raise self.fail(f"parties[{i}] has unknown fields")
            self._where = f"{where} parties[{i}]"
            if not item.get("citations"):
                raise self.fail("real data needs at least one citation")
            company = self.ref("companies", item.get("company"))
            role = item.get("role")
            values = {
                "stake": self.decimal("stake", item.get("stake")),
                "held_via": self.ref("companies", item["held_via"])
                if item.get("held_via")
                else None,
            }
            party = AgreementParty.objects.filter(
                agreement=agreement, company=company, role=role
            ).first()
            created = party is None
            if created:
                party = AgreementParty(agreement=agreement, company=company, role=role, **values)
                changed = True
            else:
                changed = party.stake != values["stake"] or party.held_via_id != getattr(
                    values["held_via"], "pk", None
                )
                for f, v in values.items():
                    setattr(party, f, v)
            self.save(party, "agreement_parties", created=created, changed=changed)
            self.load_citations(party, item["citations"])
            wanted.append(party.pk)
            self._where = where
        AgreementParty.objects.filter(agreement=agreement).exclude(pk__in=wanted).delete()

    def load_citations(self, obj, items):
        if not isinstance(items, list):
            raise self.fail("citations must be a list")
        content_type = ContentType.objects.get_for_model(obj)
        wanted = set()
        for i, item in enumerate(items):
            if not isinstance(item, dict) or set(item) - _CITATION_KEYS:
                raise self.fail(f"citations[{i}] must be {{source, quote, field}}")
            quote = " ".join(str(item.get("quote") or "").split())
            if not quote:
                raise self.fail(f"citations[{i}] has no quote")
            source = self.ref("sources", item.get("source"))
            wanted.add((source.pk, quote, item.get("field") or ""))
        existing = Citation.objects.filter(content_type=content_type, object_id=obj.pk)
        have = {(c.source_id, c.quote, c.field): c.pk for c in existing}
        seed_sources = {s.pk for s in self.objects["sources"].values()}
        stale = [pk for k, pk in have.items() if k not in wanted and k[0] in seed_sources]
        Citation.objects.filter(pk__in=stale).delete()
        new = [
            Citation(content_type=content_type, object_id=obj.pk, source_id=s, quote=q, field=f)
            for (s, q, f) in wanted - set(have)
        ]
        Citation.objects.bulk_create(new)
        self.report.citations_added += len(new)


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def read_dataset(path: Path) -> dict[str, Any]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SeedError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SeedError(f"{path} is not valid YAML: {exc}") from None


def load_dataset(data: dict[str, Any]) -> LoadReport:
    """Load parsed dataset ``data`` in one transaction; raise ``SeedError`` on a bad record.

    The changes are recorded in the history with the path "seed"."""
    with history_context(path="seed"), transaction.atomic():
        return _Loader(data).run()
