"""What one run of the seed loader did, record by record where editors are concerned."""

from __future__ import annotations

from dataclasses import dataclass, field

from .sections import SECTIONS


@dataclass
class Kept:
    """A seeded record left as editors left it, and why."""

    section: str
    key: str
    reason: str
    new: bool  # False: the same state was already reported by an earlier run

    def __str__(self) -> str:
        return f"{self.section} {self.key!r}: {self.reason}"


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    kept: list[Kept] = field(default_factory=list)

    def count(self, section: str, outcome: str) -> None:
        bucket = getattr(self, outcome)
        bucket[section] = bucket.get(section, 0) + 1

    @property
    def newly_kept(self) -> list[Kept]:
        return [k for k in self.kept if k.new]

    def kept_lines(self, *, all_of_them: bool = False) -> list[str]:
        return [str(k) for k in self.kept if k.new or all_of_them]

    def summary(self) -> str:
        lines = []
        for section in SECTIONS:
            c, u, n = (
                getattr(self, o).get(section, 0) for o in ("created", "updated", "unchanged")
            )
            k = sum(1 for item in self.kept if item.section == section)
            lines.append(
                f"{section:20s} {c:4d} created {u:4d} updated {n:4d} unchanged {k:4d} kept"
            )
        again = len(self.kept) - len(self.newly_kept)
        lines.append(
            f"kept as editors left them: {len(self.newly_kept)} newly reported, "
            f"{again} reported before"
        )
        return "\n".join(lines)
