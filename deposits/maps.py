"""An offline map of Kazakhstan: the country outline and deposit markers as inline SVG.

No tile server or CDN: the outline ships with the project
(``static/maps/kazakhstan.geo.json``, from world-atlas / Natural Earth) and is
projected here with an equirectangular projection scaled by the cosine of the
middle latitude, which is faithful enough at this size.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings

OUTLINE = Path(settings.BASE_DIR) / "static" / "maps" / "kazakhstan.geo.json"
WIDTH = 960
PADDING = 20
BOUNDS = (46.0, 40.0, 88.0, 56.0)  # lon_min, lat_min, lon_max, lat_max
_MID_LAT = math.radians((BOUNDS[1] + BOUNDS[3]) / 2)
_SCALE = (WIDTH - 2 * PADDING) / ((BOUNDS[2] - BOUNDS[0]) * math.cos(_MID_LAT))
HEIGHT = round((BOUNDS[3] - BOUNDS[1]) * _SCALE + 2 * PADDING)


def project(lon: float, lat: float) -> tuple[float, float]:
    x = PADDING + (lon - BOUNDS[0]) * math.cos(_MID_LAT) * _SCALE
    y = PADDING + (BOUNDS[3] - lat) * _SCALE
    return round(x, 1), round(y, 1)


@lru_cache(maxsize=1)
def outline_path() -> str:
    """The SVG path data of the country outline."""
    geometry = json.loads(OUTLINE.read_text())["geometry"]
    parts = []
    for polygon in geometry["coordinates"]:
        for ring in polygon:
            points = [project(lon, lat) for lon, lat in ring]
            parts.append("M" + "L".join(f"{x},{y}" for x, y in points) + "Z")
    return "".join(parts)


@dataclass
class Marker:
    deposit: object
    x: float
    y: float
    accuracy: str  # exact | approximate | region

    @property
    def label_x(self) -> float:
        return round(self.x + 12, 1)

    @property
    def label_y(self) -> float:
        return round(self.y + 5, 1)


def markers(deposits) -> list[Marker]:
    """Place each deposit at its own point, else near its first region's centre.

    Deposits sharing a region centre are spread on a small circle so each stays
    clickable; such markers say they show the region, not the deposit.
    """
    placed: list[Marker] = []
    by_centre: dict[tuple[float, float], int] = {}
    for deposit in deposits:
        if deposit.latitude is not None and deposit.longitude is not None:
            x, y = project(float(deposit.longitude), float(deposit.latitude))
            placed.append(Marker(deposit, x, y, deposit.location_accuracy))
            continue
        region = next((r for r in deposit.regions.all() if r.centroid_lat is not None), None)
        if region is None:
            continue
        centre = project(float(region.centroid_lon), float(region.centroid_lat))
        n = by_centre.get(centre, 0)
        by_centre[centre] = n + 1
        angle = n * 2.4  # golden-angle spiral keeps neighbours apart
        radius = 0 if n == 0 else 26 + 6 * n
        placed.append(
            Marker(deposit, round(centre[0] + radius * math.cos(angle), 1),
                   round(centre[1] + radius * math.sin(angle), 1), "region")
        )  # fmt: skip
    return placed
