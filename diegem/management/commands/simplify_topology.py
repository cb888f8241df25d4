"""Write a simplified copy of a TopoJSON topology (how `cases/data/` got its map of Belgium)."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand

from diegem.lib.maps import Topology, simplified


class Command(BaseCommand):
    help = "Simplify a TopoJSON topology's arcs (Douglas-Peucker, arc ends kept) and write it."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument("target", type=Path)
        parser.add_argument(
            "--tolerance", type=float, default=0.002, help="In degrees (default 0.002, ~150 m)."
        )
        parser.add_argument(
            "--drop-property",
            action="append",
            default=[],
            help="A property of the shapes to leave out (repeatable).",
        )

    def handle(self, *args, source, target, tolerance, drop_property, **options):
        topology = Topology.load(source)
        result = simplified(topology, tolerance)
        for geometries in result["objects"].values():
            for geometry in geometries["geometries"]:
                for name in drop_property:
                    geometry.get("properties", {}).pop(name, None)
        target.write_text(
            json.dumps(result, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
        before = sum(len(arc) for arc in topology.arcs)
        after = sum(len(arc) for arc in result["arcs"])
        self.stdout.write(f"{before} punten -> {after} punten; {target.stat().st_size} bytes")
