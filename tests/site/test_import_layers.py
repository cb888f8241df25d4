"""Imports run one way: diegem.lib < frameworks < cases < annotations < the rest of diegem.

A module may import from its own layer or any layer below it, never from one
above: the site's mechanisms (diegem.lib) know no app, the research framework
knows no case, cases know no annotation, and no app knows the site's pages.
Every import counts, also one inside a function (grimp reads them all).
Settings strings naming apps are not imports.
"""

import grimp

LAYERS = ["diegem.lib", "frameworks", "cases", "annotations", "diegem"]


def layer_of(module: str) -> int:
    """The index in LAYERS of the most specific layer holding the module (diegem.lib.x is in diegem.lib, not diegem)."""
    holding = [layer for layer in LAYERS if module == layer or module.startswith(layer + ".")]
    return LAYERS.index(max(holding, key=len))


def layer_name(module: str) -> str:
    return LAYERS[layer_of(module)]


def upward_imports(graph) -> list[str]:
    found = []
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            if layer_of(imported) > layer_of(importer):
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    found.append(
                        f"{importer}:{detail['line_number']} ({layer_name(importer)}) imports {imported} "
                        f"({layer_name(imported)}): {detail['line_contents']}"
                    )
    return found


def test_imports_run_one_way():
    graph = grimp.build_graph("diegem", "frameworks", "cases", "annotations", cache_dir=None)
    # Imports inside functions count too: the app config imports its receivers in ready().
    assert "diegem.lib.versioning" in graph.find_modules_directly_imported_by("diegem.lib.apps")
    assert upward_imports(graph) == []


def test_the_layers_are_read_as_written():
    modules = [
        "diegem.lib.caching",
        "diegem.lib",
        "frameworks.models",
        "cases.receivers",
        "annotations.organisations",
    ]
    assert [layer_name(module) for module in modules] == [
        "diegem.lib",
        "diegem.lib",
        "frameworks",
        "cases",
        "annotations",
    ]
    # The rest of diegem, a module whose name merely starts like the library's included.
    assert [layer_name(module) for module in ["diegem.accounts", "diegem.library", "diegem"]] == [
        "diegem",
        "diegem",
        "diegem",
    ]


def test_an_import_from_a_layer_above_is_named_with_its_line():
    graph = grimp.ImportGraph()
    imports = [
        (
            "annotations.urls",
            "diegem.accounts",
            7,
            "from diegem import accounts",
        ),  # upward: an app knows a site page
        (
            "diegem.lib.caching",
            "frameworks.models",
            3,
            "from frameworks.models import Section",
        ),  # upward: lib knows an app
        (
            "cases.models",
            "frameworks.models",
            19,
            "from frameworks.models import Domain",
        ),  # downward: fine
        (
            "cases.receivers",
            "cases.models",
            11,
            "from cases.models import Case",
        ),  # within a layer: fine
        (
            "diegem.views",
            "diegem.lib.caching",
            5,
            "from diegem.lib import caching",
        ),  # downward: fine
    ]
    for importer, imported, line_number, line_contents in imports:
        graph.add_import(
            importer=importer,
            imported=imported,
            line_number=line_number,
            line_contents=line_contents,
        )
    assert upward_imports(graph) == [
        "annotations.urls:7 (annotations) imports diegem.accounts (diegem): from diegem import accounts",
        "diegem.lib.caching:3 (diegem.lib) imports frameworks.models (frameworks): from frameworks.models import Section",
    ]
