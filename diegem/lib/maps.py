"""Maps drawn on the server as SVG from a TopoJSON topology: no tiles, no third-party requests.

A TopoJSON topology stores each border once, as an arc shared by the shapes on either side.
This module reads one (`Topology`), simplifies its arcs (`simplified`, Douglas-Peucker per arc
with the arc's ends kept, so neighbours still meet), projects longitude and latitude onto a
plane (`Projection`, equirectangular with the scale of the map's middle latitude, true enough
for a country the size of Belgium), and writes SVG path data: a shape's outline (`shape_path`)
or the borders between shapes of one kind (`mesh_path`, each arc once). What is drawn where is
the business of the app that draws the map (`cases.case_map`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

Point = tuple[float, float]


class Topology:
    """A TopoJSON topology with its arcs decoded to longitude/latitude."""

    def __init__(self, data: dict):
        self.data = data
        self.objects: dict[str, list[dict]] = {
            name: obj["geometries"] for name, obj in data["objects"].items()
        }
        self.arcs: list[list[Point]] = [self._decode(arc) for arc in data["arcs"]]

    @classmethod
    def load(cls, path: Path) -> Topology:
        with open(path, encoding="utf-8") as f:
            return cls(json.load(f))

    def _decode(self, arc: list[list[float]]) -> list[Point]:
        transform = self.data.get("transform")
        if not transform:
            return [(x, y) for x, y, *_rest in arc]
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
        x = y = 0
        points = []
        for dx, dy, *_rest in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        return points

    def arc_points(self, index: int) -> list[Point]:
        """An arc's points in its direction; a negative index (~i) is arc i reversed."""
        return self.arcs[index] if index >= 0 else self.arcs[~index][::-1]

    def rings(self, geometry: dict) -> list[list[Point]]:
        """Every ring of a Polygon or MultiPolygon, as a closed list of points."""
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry.get("arcs", [])
        if geometry["type"] not in ("Polygon", "MultiPolygon"):
            return []
        rings = []
        for polygon in polygons:
            for ring in polygon:
                points: list[Point] = []
                for index in ring:
                    arc = self.arc_points(index)
                    points.extend(arc if not points else arc[1:])
                rings.append(points)
        return rings

    def bounds(self, geometries: Iterable[dict]) -> tuple[float, float, float, float]:
        """(west, south, east, north) of these shapes."""
        xs, ys = [], []
        for geometry in geometries:
            for ring in self.rings(geometry):
                xs += [x for x, _y in ring]
                ys += [y for _x, y in ring]
        return min(xs), min(ys), max(xs), max(ys)

    def label_point(self, geometry: dict) -> Point:
        """The centroid of a shape's largest ring (by area): where its marker goes."""
        best, best_area = None, -1.0
        for ring in self.rings(geometry):
            area, cx, cy = _ring_centroid(ring)
            if abs(area) > best_area:
                best, best_area = (cx, cy), abs(area)
        return best

    def contains(self, geometry: dict, point: Point) -> bool:
        """Whether the point lies inside the shape (even-odd over all its rings)."""
        inside = False
        x, y = point
        for ring in self.rings(geometry):
            for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
                if (y1 > y) != (y2 > y) and x < (x2 - x1) * (y - y1) / (y2 - y1) + x1:
                    inside = not inside
        return inside

    def mesh_arcs(self, object_name: str, keep: Callable[[dict, dict | None], bool]) -> list[int]:
        """The arcs between two shapes of the object (or on its edge: the second is None) that `keep` keeps."""
        sides: dict[int, list[dict]] = {}
        for geometry in self.objects[object_name]:
            polygons = (
                [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry.get("arcs", [])
            )
            for polygon in polygons:
                for ring in polygon:
                    for index in ring:
                        sides.setdefault(index if index >= 0 else ~index, []).append(geometry)
        return sorted(
            arc
            for arc, shapes in sides.items()
            if keep(shapes[0], shapes[1] if len(shapes) > 1 else None)
        )


def _ring_centroid(ring: list[Point]) -> tuple[float, float, float]:
    area = cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False):
        cross = x1 * y2 - x2 * y1
        area += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if not area:
        xs, ys = [x for x, _ in ring], [y for _, y in ring]
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return area / 2, cx / (3 * area), cy / (3 * area)


# --- simplifying -------------------------------------------------------------------------------


def _douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, distance = 0, -1.0
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / length
            else:
                d = math.hypot(px - x1, py - y1)
            if d > distance:
                farthest, distance = i, d
        if distance > tolerance:
            keep[farthest] = True
            stack += [(first, farthest), (farthest, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def simplified(topology: Topology, tolerance: float, quantization: int = 10_000) -> dict:
    """The topology as TopoJSON again, its arcs simplified to `tolerance` (in degrees).

    Each arc keeps its two ends, so shapes that share an arc still share it. A closed arc
    (an island, an enclave) keeps at least four points, so it stays a ring.
    """
    west = min(x for arc in topology.arcs for x, _y in arc)
    south = min(y for arc in topology.arcs for _x, y in arc)
    east = max(x for arc in topology.arcs for x, _y in arc)
    north = max(y for arc in topology.arcs for _x, y in arc)
    sx, sy = (east - west) / (quantization - 1), (north - south) / (quantization - 1)
    arcs = []
    for arc in topology.arcs:
        points = _douglas_peucker(arc, tolerance)
        if points[0] == points[-1] and len(points) < 4:
            points = _douglas_peucker(arc, tolerance / 8)
            if len(points) < 4:
                points = arc
        encoded, px, py = [], 0, 0
        for x, y in points:
            qx, qy = round((x - west) / sx), round((y - south) / sy)
            if encoded and (qx, qy) == (px, py):
                continue
            encoded.append([qx - px, qy - py])
            px, py = qx, qy
        if len(encoded) < 2:
            encoded.append([0, 0])
        arcs.append(encoded)
    return {
        "type": "Topology",
        "bbox": [west, south, east, north],
        "transform": {"scale": [sx, sy], "translate": [west, south]},
        "objects": topology.data["objects"],
        "arcs": arcs,
    }


# --- projecting and drawing ------------------------------------------------------------------


@dataclass(frozen=True)
class Projection:
    """Longitude/latitude onto SVG units: `width` units across from `west`, north up.

    One degree of longitude is cos(middle latitude) of a degree of latitude.
    """

    west: float
    north: float
    scale: float  # SVG units per degree of latitude
    aspect: float  # cos(middle latitude)

    @classmethod
    def fitting(cls, bounds: tuple[float, float, float, float], width: float) -> Projection:
        west, south, east, north = bounds
        aspect = math.cos(math.radians((south + north) / 2))
        return cls(west=west, north=north, scale=width / ((east - west) * aspect), aspect=aspect)

    def __call__(self, point: Point) -> Point:
        lon, lat = point
        return (lon - self.west) * self.aspect * self.scale, (self.north - lat) * self.scale


def svg_number(value: float) -> str:
    """A coordinate as SVG writes it: one decimal, none when whole, never localised."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def line_path(points: Iterable[Point], project: Projection, *, closed: bool = False) -> str:
    """SVG path data through the points: absolute start, then relative steps (shorter)."""
    parts = []
    previous = None
    for point in points:
        x, y = project(point)
        x, y = round(x, 1), round(y, 1)
        if previous is None:
            parts.append(f"M{svg_number(x)} {svg_number(y)}")
        elif (x, y) != previous:
            parts.append(f"l{svg_number(x - previous[0])} {svg_number(y - previous[1])}")
        previous = (x, y)
    if closed and parts:
        parts.append("z")
    return "".join(parts)


def shape_path(topology: Topology, geometry: dict, project: Projection) -> str:
    """A shape's outline: every ring, closed (fill with the even-odd rule for holes)."""
    return "".join(line_path(ring, project, closed=True) for ring in topology.rings(geometry))


def mesh_path(topology: Topology, arcs: Iterable[int], project: Projection) -> str:
    """The given arcs as open lines (borders), each drawn once."""
    return "".join(line_path(topology.arcs[arc], project) for arc in arcs)
