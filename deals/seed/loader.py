"""Load the cited seed dataset (``dataset.yaml``) into the database.

Records are matched on their ``key`` (slug) or natural key. The loader remembers
what it wrote for each record (``SeedRecord``) and never overrides an editorial
decision: a record changed, withdrawn or deleted since it was seeded is left as it
is and reported (``LoadReport.kept``); one still as seeded is brought up to date
with the file; records editors added are never touched. A second run changes
nothing. The whole file loads in one transaction; a malformed or refused record
aborts it with a ``SeedError`` naming the section, index and key.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml
from django.core.exceptions import ValidationError
from django.db import models

from deals.models import Publication, SeedRecord
from deals.services import unit
from minerals_portal.common.loose_dates import LooseDate

from . import writing
from .report import Kept, LoadReport
from .sections import CITATION_KEYS, PARTY_KEYS, SECTIONS, SPECIAL, Section
from .snapshot import fingerprint, same_content, snapshot, why_kept

__all__ = ["LoadReport", "SeedError", "load_dataset", "read_dataset"]


class SeedError(Exception):
    """The dataset file is malformed, or a record is refused; the message names it."""


class _Missing(Exception):
    """A record refers to one that is not in the database (deleted since seeded)."""


class _Loader:
    def __init__(self, data: dict[str, Any]):
        self.data = data
        self.objects: dict[str, dict[str, models.Model | None]] = {n: {} for n in SECTIONS}
        self.report = LoadReport()
        self.seeded = {(r.section, r.key): r for r in SeedRecord.objects.all()}
        self._where = ""

    # -- helpers -----------------------------------------------------------
    def fail(self, message: str) -> SeedError:
        return SeedError(f"{self._where}: {message}")

    def ref(self, section: str, key: Any) -> models.Model:
        try:
            obj = self.objects[section][key]
        except (KeyError, TypeError):
            raise self.fail(f"unknown {section} key {key!r}") from None
        if obj is None:
            raise _Missing(f"refers to {section} {key!r}, which is not in the database")
        return obj

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
        for name, spec in SECTIONS.items():
            records = self.data.get(name) or []
            if not isinstance(records, list):
                raise SeedError(f"{name}: must be a list of records")
            for index, record in self._ordered(name, records):
                key = record.get("key") if isinstance(record, dict) else None
                self._where = f"{name}[{index}] (key={key!r})"
                if not isinstance(record, dict):
                    raise self.fail("each record must be a mapping")
                if key in self.objects[name]:
                    raise self.fail("duplicate key")
                self.objects[name][key] = self.load_record(name, spec, record)
        return self.report

    def _ordered(self, name: str, records: list) -> list[tuple[int, Any]]:
        """The records in file order, except that an amount follows the one it restates."""
        if name != "amounts":
            return list(enumerate(records))
        keys = {r.get("key") for r in records if isinstance(r, dict)}
        done: set[str] = set()
        ordered, waiting = [], list(enumerate(records))
        while waiting:
            ready = [
                (i, r)
                for i, r in waiting
                if not isinstance(r, dict) or r.get("restates") in done or r["restates"] not in keys
            ]
            if not ready:  # a cycle: report the first record caught in it
                ready = waiting[:1]
            ordered += ready
            done |= {r.get("key") for _, r in ready if isinstance(r, dict)}
            waiting = [item for item in waiting if item not in ready]
        return ordered

    def load_record(self, name: str, spec: Section, record: dict[str, Any]):
        key = record.get("key")
        if not isinstance(key, str) or not key:
            raise self.fail("every record needs a non-empty string 'key'")
        self._check_keys(name, spec, record)
        lookup = {}
        try:
            values = self._values(name, spec, record)
            if spec.natural_key:
                lookup = {f: values[f] for f in spec.natural_key}
            links = {
                f: [self.ref(s, k) for k in (record.get(f) or [])] for f, s in spec.m2m.items()
            }
            extra = self._dependents(name, record)
        except _Missing as exc:
            existing = spec.model._default_manager.filter(**lookup or {"slug": key}).first()
            self._keep(name, key, existing, f"not loaded: it {exc}")
            return existing
        existing = spec.model._default_manager.filter(**lookup or {"slug": key}).first()
        seeded = self.seeded.get((name, key))
        if existing is None and seeded is not None and seeded.written is not None:
            self._keep(name, key, None, why_kept(seeded.written, None))
            return None
        before = snapshot(existing) if existing is not None else None
        if seeded is not None and not same_content(seeded.written, before):
            self._keep(name, key, before, why_kept(seeded.written, before))
            return existing
        obj = existing or spec.model(**({} if spec.natural_key else {"slug": key}))
        try:
            with unit(None):
                self._write(obj, values, links, extra)
                after = snapshot(obj)
                if seeded is None and before is not None and after != before:
                    raise _Differs
        except _Differs:
            self._keep(name, key, before, why_kept(None, before))
            return spec.model._default_manager.get(pk=existing.pk)
        except ValidationError as exc:
            raise self.fail(_describe(exc)) from None
        outcome = "created" if before is None else "unchanged" if after == before else "updated"
        self.report.count(name, outcome)
        if seeded is None:
            SeedRecord.objects.create(section=name, key=key, written=after)
        elif outcome == "updated" or seeded.kept or seeded.written is None:
            seeded.written, seeded.kept = after, ""
            seeded.save()
        return obj

    def _check_keys(self, name: str, spec: Section, record: dict[str, Any]) -> None:
        allowed = {"key", "citations", *spec.scalars, *spec.decimals, *spec.loose_dates}
        allowed |= {*spec.fks, *spec.m2m, *SPECIAL.get(name, set())}
        unknown = set(record) - allowed
        if unknown:
            raise self.fail(f"unknown fields {sorted(unknown)}")
        missing = [f for f in spec.required if record.get(f) in (None, "", [])]
        if missing:
            raise self.fail(f"missing required fields {missing}")
        if spec.cited and not record.get("citations"):
            raise self.fail("real data needs at least one citation")

    def _values(self, name: str, spec: Section, record: dict[str, Any]) -> dict[str, Any]:
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
        if hasattr(spec.model, "publication"):
            values["publication"] = Publication.PUBLISHED  # the seed is reviewed real data
        return values

    def _dependents(self, name: str, record: dict[str, Any]) -> dict[str, Any]:
        """Commodities of a deposit, parties of an agreement, citations: checked, not written."""
        extra: dict[str, Any] = {"citations": None}
        if SECTIONS[name].cited:
            extra["citations"] = self._citations(record["citations"])
        if name == "sources":
            extra["relations"] = [
                (item.get("kind"), self.ref("sources", item.get("source")))
                for item in self._items(record, "relations", {"kind", "source"})
            ]
        if name == "deposits":
            extra["commodities"] = {}
            for i, item in enumerate(record.get("commodities") or []):
                if not isinstance(item, dict) or set(item) - {"commodity", "role"}:
                    raise self.fail(f"commodities[{i}] must be {{commodity, role}}")
                commodity = self.ref("commodities", item.get("commodity"))
                extra["commodities"][commodity.pk] = item.get("role") or "primary"
        if name == "agreements":
            extra["parties"] = [
                self._party(i, item) for i, item in enumerate(record.get("parties") or [])
            ]
        return extra

    def _party(self, i: int, item: Any) -> dict[str, Any]:
        if not isinstance(item, dict) or set(item) - PARTY_KEYS:
            raise self.fail(f"parties[{i}] has unknown fields")
        if not item.get("citations"):
            raise self.fail(f"parties[{i}]: real data needs at least one citation")
        return {
            "company": self.ref("companies", item.get("company")),
            "role": item.get("role"),
            "stake": self.decimal("stake", item.get("stake")),
            "held_via": self.ref("companies", item["held_via"]) if item.get("held_via") else None,
            "citations": self._citations(item["citations"]),
        }

    def _citations(self, items: Any) -> set[tuple[int, str, str]]:
        if not isinstance(items, list):
            raise self.fail("citations must be a list")
        wanted = set()
        for i, item in enumerate(items):
            if not isinstance(item, dict) or set(item) - CITATION_KEYS:
                raise self.fail(f"citations[{i}] must be {{source, quote, field}}")
            quote = " ".join(str(item.get("quote") or "").split())
            if not quote:
                raise self.fail(f"citations[{i}] has no quote")
            source = self.ref("sources", item.get("source"))
            wanted.add((source.pk, quote, item.get("field") or ""))
        return wanted

    def _write(self, obj, values, links, extra) -> None:
        changed = obj.pk is None
        for f, value in values.items():
            # Compare with the stored value even after another field changed: a field
            # the file clears (None) must still be written in the same load.
            current = None if obj.pk is None else getattr(obj, f)
            if isinstance(current, models.Model) or isinstance(value, models.Model):
                differs = getattr(current, "pk", None) != getattr(value, "pk", None)
            else:
                differs = current != value
            if differs:
                setattr(obj, f, value)
                changed = True
        writing.save_record(obj, changed, links)
        if "commodities" in extra:
            writing.set_deposit_commodities(obj, extra["commodities"])
        if extra["citations"] is not None:
            writing.set_citations(obj, extra["citations"])
        if "parties" in extra:
            writing.set_parties(obj, extra["parties"])
        if "relations" in extra:
            writing.set_relations(obj, extra["relations"])
        writing.finish()

    def _items(self, record: dict[str, Any], name: str, keys: set[str]) -> list[dict]:
        """``record[name]``: a list of mappings with exactly ``keys``."""
        items = record.get(name) or []
        for i, item in enumerate(items):
            if not isinstance(item, dict) or set(item) != keys:
                raise self.fail(f"{name}[{i}] must be {{{', '.join(sorted(keys))}}}")
        return items

    def _keep(self, section: str, key: str, current: dict | None, reason: str) -> None:
        seeded = self.seeded.get((section, key))
        mark = fingerprint({"state": current, "reason": reason})
        if seeded is None:
            seeded = SeedRecord.objects.create(section=section, key=key, written=None, kept=mark)
            self.seeded[(section, key)] = seeded
            new = True
        elif new := seeded.kept != mark:
            seeded.kept = mark
            seeded.save()
        self.report.kept.append(Kept(section, key, reason, new))


class _Differs(Exception):
    """An untracked record differs from the seed: roll its write back."""


def _describe(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
    return " ".join(exc.messages)


def _read_yaml(path: Path):
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise SeedError(f"cannot read {path}: {exc.strerror}") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SeedError(f"{path} is not valid YAML: {exc}") from None


def read_dataset(path: Path) -> dict[str, Any]:
    """The dataset at ``path``, with the texts of its translation files merged in.

    ``<name>.<lang>.yaml`` beside it (e.g. ``dataset.ru.yaml``) maps a section to
    ``{record key: {field: text}}``: Russian titles and summaries kept apart from
    the records, so that translating never edits the facts.
    """
    path = Path(path)
    data = _read_yaml(path)
    for extra in sorted(path.parent.glob(f"{path.stem}.*.yaml")):
        _merge_texts(data, extra, _read_yaml(extra) or {})
    return data


def _merge_texts(data, where: Path, texts: dict) -> None:
    if not isinstance(data, dict) or not isinstance(texts, dict):
        raise SeedError(f"{where.name}: must map a section to {{record key: {{field: text}}}}")
    for section, by_key in texts.items():
        records = {r.get("key"): r for r in data.get(section) or [] if isinstance(r, dict)}
        for key, fields in (by_key or {}).items():
            if key not in records or not isinstance(fields, dict):
                raise SeedError(f"{where.name}: {section} has no record {key!r} to translate")
            records[key].update(fields)


def load_dataset(data: dict[str, Any]) -> LoadReport:
    """Load parsed dataset ``data`` in one transaction; raise ``SeedError`` on a bad record.

    The changes are recorded in the history with the path "seed"."""
    with unit(None, path="seed"):
        return _Loader(data).run()
