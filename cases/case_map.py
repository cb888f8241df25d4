"""The map of places: the case list's cases on Flanders and Brussels, and a case's locator map.

Drawn on the server as SVG from the bundled municipalities (`cases.case_places`): Belgium's
provinces for context, Flanders and Brussels with their municipal borders, the municipalities
with cases shaded, and one marker per place. The base drawing (borders) is made once per
process; a request adds only the shading and the markers.

Cases group by municipality: one marker per municipality with the number of its cases (one
case: a marker at its own coordinates, linking to it; several: at the municipality, linking to
the list filtered to that place). A case spread over several places (`more_places`) is counted
once, at its own municipality; its locator map shows all of them. The text alternative lists
the cases by province and municipality; with more than `LISTED_CASES` cases it lists the
municipalities with their counts, each a link to its list.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from html import escape
from math import sqrt

from django.db.models import Count, Min, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext

from cases.case_places import (
    BRUSSELS,
    FLANDERS,
    Municipality,
    municipality,
    province_label,
    provinces,
    topology,
)
from diegem.lib import search as full_text
from diegem.lib.maps import Projection, Topology, mesh_path, shape_path, simplified, svg_number

WIDTH = 1000  # SVG units across Flanders and Brussels
PADDING = 24
LISTED_CASES = 300


@dataclass(frozen=True)
class BaseMap:
    """What every map draws: land, borders, and each municipality's outline for shading."""

    project: Projection
    flanders_box: tuple[float, float, float, float]  # x0, y0, x1, y1 in SVG units
    context: SafeString  # Wallonia's provinces, filled
    land: SafeString  # Flanders' provinces and Brussels, filled
    municipal_borders: SafeString
    province_borders: SafeString
    region_borders: SafeString
    outlines: dict[str, str]  # NIS code -> path data


def _in_north(geometry: dict) -> bool:
    return geometry["properties"]["reg_nis"] in (FLANDERS, BRUSSELS)


LOCATOR_TOLERANCE = 0.01  # degrees: the small locator map needs less detail


@cache
def base_map(*, coarse: bool = False) -> BaseMap:
    """The drawing every map shares; `coarse` for the small locator map (no municipal borders)."""
    top = Topology(simplified(topology(), LOCATOR_TOLERANCE)) if coarse else topology()
    north = [g for g in top.objects["provinces"] if _in_north(g)]
    bounds = top.bounds(north)
    project = Projection.fitting(bounds, WIDTH)
    x0, y0 = project((bounds[0], bounds[3]))
    x1, y1 = project((bounds[2], bounds[1]))

    def shapes(geometries) -> SafeString:
        return mark_safe("".join(shape_path(top, g, project) for g in geometries))

    northern_municipalities = [g for g in top.objects["municipalities"] if _in_north(g)]
    municipal = (
        []
        if coarse
        else top.mesh_arcs(
            "municipalities", lambda a, b: b is not None and (_in_north(a) or _in_north(b))
        )
    )
    province = top.mesh_arcs("provinces", lambda a, b: True)
    region = top.mesh_arcs(
        "provinces",
        lambda a, b: b is None or a["properties"]["reg_nis"] != b["properties"]["reg_nis"],
    )
    return BaseMap(
        project=project,
        flanders_box=(x0, y0, x1, y1),
        context=shapes(g for g in top.objects["provinces"] if not _in_north(g)),
        land=shapes(north),
        municipal_borders=mark_safe(mesh_path(top, municipal, project)),
        province_borders=mark_safe(mesh_path(top, province, project)),
        region_borders=mark_safe(mesh_path(top, region, project)),
        outlines={
            g["properties"]["nis"]: shape_path(top, g, project) for g in northern_municipalities
        }
        | {
            g["properties"]["nis"]: shape_path(top, g, project)
            for g in top.objects["municipalities"]
            if not _in_north(g)
        },
    )


# --- the list's map ------------------------------------------------------------------------


@dataclass
class MapCase:
    title: str
    slug: str


@dataclass
class Marker:
    """One place on the map: a municipality (or coordinates outside the register) and its cases."""

    key: str
    name: str
    province: str
    x: float
    y: float
    count: int
    cases: list[MapCase] = field(default_factory=list)  # listed cases (all, or none when many)
    slug: str = ""  # the one case's slug and title, when count is 1
    title: str = ""
    url: str = ""  # where the marker links (set by the view)

    @property
    def radius(self) -> float:
        return round(9 + 4 * sqrt(self.count - 1), 1)

    @property
    def label(self) -> str:
        """Its accessible name: the case and its place, or the place and how many cases."""
        if self.slug:
            return f"{self.title} ({self.name})"
        return ngettext(
            "%(name)s: %(count)d praktijk", "%(name)s: %(count)d praktijken", self.count
        ) % {
            "name": self.name,
            "count": self.count,
        }


@dataclass
class PlaceMap:
    view_box: str
    shaded: SafeString
    markers: list[Marker]
    total: int
    listed: bool  # whether the text alternative lists every case
    unplaced: int  # cases with neither municipality nor coordinates
    base: BaseMap

    def markers_svg(self) -> SafeString:
        """Every marker as an SVG link, written in one pass: at hundreds of markers a template
        loop or format_html costs tens of milliseconds. Every text is escaped (`html.escape`)."""
        parts = []
        for m in self.markers:
            x, y, label = svg_number(m.x), svg_number(m.y), escape(m.label)
            group = m.count > 1
            count = (
                f'<text x="{x}" y="{y}" class="map__count" aria-hidden="true">{m.count}</text>'
                if group
                else ""
            )
            parts.append(
                f'<a class="map__marker{" map__marker--group" if group else ""}" href="{escape(m.url)}" '
                f'aria-label="{label}" data-count="{m.count}"><title>{label}</title>'
                f'<circle cx="{x}" cy="{y}" r="{svg_number(m.radius)}"/>{count}</a>'
            )
        return mark_safe("\n".join(parts))

    def place_list_html(self) -> SafeString:
        """The text alternative's lists: per province, its municipalities (and their cases)."""
        case_url = escape(reverse("case-detail", args=["-"])[:-2])
        parts = []
        for province, markers in self.by_province():
            items = []
            for m in markers:
                url, name = escape(m.url), escape(m.name)
                if m.slug:
                    items.append(f'<li>{name} (1): <a href="{url}">{escape(m.title)}</a></li>')
                    continue
                cases = " ".join(
                    f'<li><a href="{case_url}{escape(c.slug)}/">{escape(c.title)}</a></li>'
                    for c in m.cases
                )
                nested = f" <ul>{cases}</ul>" if m.cases else ""
                items.append(f'<li><a href="{url}">{name}</a> ({m.count}){nested}</li>')
            parts.append(
                f'<h4 class="place-list__province">{escape(province_label(province))}</h4>'
                f'<ul class="place-list__places">{"".join(items)}</ul>'
            )
        return mark_safe("\n".join(parts))

    def by_province(self) -> list[tuple[str, list[Marker]]]:
        """The markers grouped by province (Brussels first, then by name in the page's
        language), each by name."""
        grouped: dict[str, list[Marker]] = defaultdict(list)
        for marker in self.markers:
            grouped[marker.province].append(marker)
        return [
            (name, sorted(grouped[name], key=lambda m: m.name))
            for name in sorted(
                grouped, key=lambda n: (n != provinces()[BRUSSELS].name, province_label(n))
            )
        ]


def _point(found: Municipality | None, latitude, longitude, project: Projection):
    if latitude is not None and longitude is not None:
        return project((float(longitude), float(latitude)))
    if found is not None:
        return project(found.point)
    return None


def place_map(cases: QuerySet) -> PlaceMap:
    """The map of these cases (already filtered and visible): one to three queries.

    Up to `LISTED_CASES` cases are read one by one (the text alternative names them);
    beyond, they are counted per municipality. Both ways group by NIS code and place a
    group alike: one case at its own coordinates (or its municipality), several at their
    municipality; a case without a municipality from the register is counted as unplaced.
    """
    base = base_map()
    project = base.project
    rows = list(
        cases.order_by("title", "pk")
        .annotate(shown_title=_shown_title())
        .values_list("nis_code", "shown_title", "slug", "latitude", "longitude")[: LISTED_CASES + 1]
    )
    listed = len(rows) <= LISTED_CASES
    if listed:
        members: dict[str, list[tuple]] = defaultdict(list)
        for row in rows:
            members[row[0]].append(row)
        groups = [(nis, len(group), group) for nis, group in members.items()]
    else:
        # Counted per municipality from the index of the case rows; the rows of the
        # municipalities with a single case are read by their key.
        counted = list(
            cases.order_by()
            .values("nis_code")
            .annotate(n=Count("pk"), one=Min("pk"))
            .values_list("nis_code", "n", "one")
        )
        singles = {
            row[0]: row
            for row in cases.filter(pk__in=[one for _nis, n, one in counted if n == 1])
            .order_by()
            .annotate(shown_title=_shown_title())
            .values_list("pk", "nis_code", "shown_title", "slug", "latitude", "longitude")
        }
        # A single case taken offline between the two queries is left off the map.
        groups = [
            (nis, n, [singles[one][1:]] if n == 1 else [])
            for nis, n, one in counted
            if n > 1 or one in singles
        ]
    markers: dict[str, Marker] = {}
    unplaced = 0
    for nis, n, group in groups:
        found = municipality(nis)
        if found is None:
            unplaced += n
            continue
        if n == 1:
            _nis, title, slug, latitude, longitude = group[0]
            x, y = _point(found, latitude, longitude, project)
        else:
            title = slug = ""
            x, y = project(found.point)
        markers[nis] = Marker(
            key=nis,
            name=found.name,
            province=found.province.name,
            x=round(x, 1),
            y=round(y, 1),
            count=n,
            cases=[MapCase(title=row[1], slug=row[2]) for row in group] if listed else [],
            slug=slug,
            title=title,
        )
    shaded = mark_safe("".join(base.outlines[key] for key in markers if key in base.outlines))
    return PlaceMap(
        view_box=_view_box(base, markers.values()),
        shaded=shaded,
        markers=sorted(markers.values(), key=lambda m: (-m.count, m.name)),
        total=sum(m.count for m in markers.values()) + unplaced,
        listed=listed,
        unplaced=unplaced,
        base=base,
    )


def _shown_title():
    """A case's title as the page's language shows it (`Case.shown_text`), in the query."""
    from cases.models import Case

    return full_text.shown_expression(Case, "title", get_language())


def _view_box(base: BaseMap, markers) -> str:
    """Flanders and Brussels, widened to every marker."""
    x0, y0, x1, y1 = base.flanders_box
    for marker in markers:
        x0, x1 = min(x0, marker.x - marker.radius), max(x1, marker.x + marker.radius)
        y0, y1 = min(y0, marker.y - marker.radius), max(y1, marker.y + marker.radius)
    x0, y0 = x0 - PADDING, y0 - PADDING
    return f"{round(x0)} {round(y0)} {round(x1 - x0 + PADDING)} {round(y1 - y0 + PADDING)}"


# --- a case's locator map ------------------------------------------------------------------


@dataclass
class LocatorPlace:
    name: str
    province: str  # as the register names it, in Dutch
    x: float
    y: float

    @property
    def province_label(self) -> str:
        return province_label(self.province) if self.province else ""


@dataclass
class LocatorMap:
    view_box: str
    shaded: SafeString
    places: list[LocatorPlace]
    base: BaseMap


def locator_map(case) -> LocatorMap | None:
    """Where the case is: its municipality (and any others it is spread over), or None if unknown."""
    base = base_map(coarse=True)
    places = []
    shaded = []
    found = municipality(case.nis_code)
    point = _point(found, case.latitude, case.longitude, base.project)
    if point is not None:
        places.append(
            LocatorPlace(
                name=case.place_label,
                province=found.province.name if found else "",
                x=round(point[0], 1),
                y=round(point[1], 1),
            )
        )
        if found:
            shaded.append(base.outlines[found.nis])
    for nis in case.more_places:
        other = municipality(nis)
        if other is None or other == found:
            continue
        x, y = base.project(other.point)
        places.append(LocatorPlace(other.name, other.province.name, round(x, 1), round(y, 1)))
        shaded.append(base.outlines[other.nis])
    if not places:
        return None
    return LocatorMap(
        view_box=_view_box(base, [Marker("", "", "", p.x, p.y, 1) for p in places]),
        shaded=mark_safe("".join(shaded)),
        places=places,
        base=base,
    )
