"""Where cases are: Belgium's municipalities by NIS code, and a case's place checked against them.

The register is read once from the bundled map (`cases/data/`, see its README): each of the 581
municipalities with its NIS code, Dutch and French name, province (Brussels counts as its own
region) and the point where its marker goes. `resolve_place` is the one check every entry point
of a case's place uses (the workbench form, the import): a municipality from the register, by
NIS code or by name, and coordinates that lie in or beside it, or none. Without coordinates
the case is stored without them, and the map places it at its municipality's point.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from diegem.lib.maps import Point, Topology

MAP_FILE = Path(__file__).resolve().parent / "data" / "belgium-municipalities.topojson"
# How far (in degrees, about 2 km) coordinates may lie outside their municipality's outline box.
COORDINATE_MARGIN = 0.03
BRUSSELS = "04000"
FLANDERS = "02000"


@dataclass(frozen=True)
class Province:
    nis: str
    name: str
    region: str  # the region's NIS code

    @property
    def in_flanders_or_brussels(self) -> bool:
        return self.region in (FLANDERS, BRUSSELS)


@dataclass(frozen=True)
class Municipality:
    nis: str
    name: str
    name_fr: str
    province: Province
    point: Point  # (longitude, latitude) of its marker
    bounds: tuple[float, float, float, float]  # west, south, east, north

    @property
    def label(self) -> str:
        """'Gent (Oost-Vlaanderen)': the name with its province, as the picker lists it."""
        return f"{self.name} ({self.province.name})"


@cache
def topology() -> Topology:
    return Topology.load(MAP_FILE)


def _province_nis(arrondissement: str) -> str:
    """The province of an arrondissement (Brussels: its region), by the REFNIS numbering."""
    if arrondissement.startswith("21"):
        return BRUSSELS
    if arrondissement.startswith(("23", "24")):
        return "20001"
    if arrondissement.startswith("25"):
        return "20002"
    return f"{arrondissement[0]}0000"


# The register names the provinces and Brussels in Dutch: each in the page's language where it
# is shown (`province_label`); `Province.name`, the key the map groups and sorts by, stays Dutch.
PROVINCE_NAMES = {
    "Brussels Hoofdstedelijk Gewest": pgettext_lazy("provincie", "Brussels Hoofdstedelijk Gewest"),
    "Antwerpen": pgettext_lazy("provincie", "Antwerpen"),
    "Limburg": pgettext_lazy("provincie", "Limburg"),
    "Oost-Vlaanderen": pgettext_lazy("provincie", "Oost-Vlaanderen"),
    "Vlaams-Brabant": pgettext_lazy("provincie", "Vlaams-Brabant"),
    "West-Vlaanderen": pgettext_lazy("provincie", "West-Vlaanderen"),
    "Waals-Brabant": pgettext_lazy("provincie", "Waals-Brabant"),
    "Henegouwen": pgettext_lazy("provincie", "Henegouwen"),
    "Luik": pgettext_lazy("provincie", "Luik"),
    "Luxemburg": pgettext_lazy("provincie", "Luxemburg"),
    "Namen": pgettext_lazy("provincie", "Namen"),
}


def province_label(name: str) -> str:
    """A province's (or Brussels') name from the register in the page's language."""
    return str(PROVINCE_NAMES.get(name, name))


@cache
def provinces() -> dict[str, Province]:
    result = {}
    for geometry in topology().objects["provinces"]:
        properties = geometry["properties"]
        nis = properties.get("nis", properties["reg_nis"])
        name = properties.get("name_nl", properties["reg_nl"]).removeprefix("Provincie ")
        if nis == BRUSSELS:
            name = "Brussels Hoofdstedelijk Gewest"
        result[nis] = Province(nis=nis, name=name, region=properties["reg_nis"])
    return result


@cache
def municipalities() -> dict[str, Municipality]:
    """Every municipality by NIS code, ordered by name."""
    top, by_province = topology(), provinces()
    found = []
    for geometry in top.objects["municipalities"]:
        properties = geometry["properties"]
        found.append(
            Municipality(
                nis=properties["nis"],
                name=properties["name_nl"],
                name_fr=properties["name_fr"],
                province=by_province[_province_nis(properties["arr_nis"])],
                point=top.label_point(geometry),
                bounds=top.bounds([geometry]),
            )
        )
    return {m.nis: m for m in sorted(found, key=lambda m: (_folded(m.name), m.nis))}


def _folded(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("’", "'")


@cache
def _by_name() -> dict[str, Municipality]:
    names = {}
    for municipality in municipalities().values():
        names.setdefault(_folded(municipality.name_fr), municipality)
    for municipality in municipalities().values():
        names[_folded(municipality.name)] = municipality  # the Dutch name wins
    return names


def municipality(nis: str) -> Municipality | None:
    return municipalities().get((nis or "").strip())


def find_municipality(name: str) -> Municipality | None:
    """The municipality with this Dutch or French name (case and accents ignored)."""
    return _by_name().get(_folded(name.strip()))


def other_places(codes, main: str) -> list[str]:
    """The other municipalities of a case (`Case.more_places`) as stored: known NIS codes, each
    once, in the register's order (by name, as the workbench's list offers them), without the
    case's own municipality `main`. The same codes in another order are the same places."""
    order = _register_order()
    kept = {code for code in codes if code in order and code != main}
    return sorted(kept, key=order.__getitem__)


@cache
def _register_order() -> dict[str, int]:
    """Each NIS code's place in the register (by name): read once, not on every write."""
    return {nis: index for index, nis in enumerate(municipalities())}


def municipality_choices() -> list[tuple[str, str]]:
    """(NIS code, 'Name (Province)') for every municipality, by name: the picker's options."""
    return [(m.nis, m.label) for m in municipalities().values()]


@dataclass(frozen=True)
class ResolvedPlace:
    municipality: Municipality
    latitude: Decimal
    longitude: Decimal


def _degrees(value: float) -> Decimal:
    return Decimal(f"{value:.6f}")


def resolve_place(
    *, nis: str = "", name: str = "", latitude=None, longitude=None, fields: dict[str, str]
) -> ResolvedPlace:
    """The case's municipality and coordinates, or a ValidationError naming the field.

    `fields` names the form fields to report on: keys "nis", "name", "latitude".
    The municipality comes from its NIS code when given, else from its name. Without
    coordinates the result holds the municipality's point (where the map puts the case; the
    entry points store none); given ones must lie in or beside the municipality.
    """
    if nis:
        found = municipality(nis)
        if found is None:
            raise ValidationError(
                {
                    fields["nis"]: _(
                        "Onbekende NIS-code ‘%(code)s’: kies een Belgische gemeente uit de lijst."
                    )
                    % {"code": nis}
                }
            )
    else:
        found = find_municipality(name)
        if found is None:
            raise ValidationError(
                {
                    fields["name"]: _(
                        "Onbekende gemeente ‘%(name)s’: geef de naam van een Belgische gemeente zoals in de lijst "
                        "(bv. Gent, Sint-Jans-Molenbeek) of haar NIS-code."
                    )
                    % {"name": name}
                }
            )
    if latitude is None or longitude is None:
        lon, lat = found.point
        return ResolvedPlace(found, _degrees(lat), _degrees(lon))
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        # Not degrees at all: the fields' own validation says so.
        return ResolvedPlace(found, Decimal(latitude), Decimal(longitude))
    west, south, east, north = found.bounds
    margin = COORDINATE_MARGIN
    if not (
        south - margin <= float(latitude) <= north + margin
        and west - margin <= float(longitude) <= east + margin
    ):
        raise ValidationError(
            {
                fields["latitude"]: _(
                    "De coördinaten %(lat)s, %(lon)s liggen niet in %(name)s: verbeter ze, of laat breedte- en "
                    "lengtegraad leeg om het midden van de gemeente te nemen."
                )
                % {"lat": latitude, "lon": longitude, "name": found.name}
            }
        )
    return ResolvedPlace(found, Decimal(latitude), Decimal(longitude))
