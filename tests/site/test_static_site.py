"""diegem.lib.static_site: where a URL is written in a static copy and how files link."""

import pytest

from diegem.lib.static_site import archivable, file_for, relative_link, rewrite_css


@pytest.mark.parametrize(
    ("path", "query", "index", "expected"),
    [
        ("/", "", "index.html", "index.html"),
        ("/praktijken/kookploeg/", "", "index.html", "praktijken/kookploeg/index.html"),
        ("/data/praktijken.csv", "", "index.html", "data/praktijken.csv"),
        ("/api/kanttekeningen/", "", "index.json", "api/kanttekeningen/index.json"),
        # A query gets a readable, stable name with a short hash of the whole query.
        ("/praktijken/", "pagina=2", "index.html", "praktijken/index-pagina-2-4e881922.html"),
        (
            "/praktijken/",
            "domein=wonen",
            "index.html",
            "praktijken/index-domein-wonen-0fb6a19e.html",
        ),
        (
            "/praktijken/",
            "q=caf%C3%A9+%26+zo",
            "index.html",
            "praktijken/index-q-cafe-zo-0d7f9a7c.html",
        ),
        ("/data/praktijken.csv", "a=b", "index.html", "data/praktijken-a-b-42144f39.csv"),
    ],
)
def test_file_for(path, query, index, expected):
    assert file_for(path, query, index=index) == expected


def test_file_for_refuses_a_path_that_climbs_out():
    with pytest.raises(ValueError):
        file_for("/praktijken/../../etc/passwd")


@pytest.mark.parametrize(
    ("source", "target", "fragment", "expected"),
    [
        ("praktijken/x/index.html", "static/css/site.css", "", "../../static/css/site.css"),
        ("index.html", "kader/index.html", "inleiding", "kader/index.html#inleiding"),
        ("praktijken/x/index.html", "praktijken/x/index.html", "passage-3", "index.html#passage-3"),
        ("praktijken/x/index.html", "praktijken/index.html", "", "../index.html"),
    ],
)
def test_relative_link(source, target, fragment, expected):
    assert relative_link(source, target, fragment) == expected


def test_rewrite_css_passes_every_reference_and_keeps_the_rest():
    css = (
        'a { background: url("/static/img/a.svg"); }\n'
        "@import 'extra.css';\n"
        "b { background: url(data:image/png;base64,AAAA); }"
    )

    def rewrite(url):
        return None if url.startswith("data:") else f"../{url.lstrip('/')}"

    assert rewrite_css(css, rewrite) == (
        'a { background: url("../static/img/a.svg"); }\n'
        "@import '../extra.css';\n"
        "b { background: url(data:image/png;base64,AAAA); }"
    )


@pytest.mark.parametrize(
    "path",
    [
        "/static/../settings.py",
        "/static/x%2F..%2F..%2F..%2Fescaped.css",
        "/static/x%2f%2e%2e%2fescaped.css",
        "/static/x%5C..%5Cescaped.css",
        "/praktijken/%00/",
    ],
)
def test_a_path_that_would_leave_the_archive_is_refused(path):
    assert archivable(path) is False
    with pytest.raises(ValueError):
        file_for(path)


def test_an_ordinary_path_is_archivable():
    assert archivable("/praktijken/caf%C3%A9-de-hoek/") is True
    assert file_for("/praktijken/caf%C3%A9-de-hoek/") == "praktijken/café-de-hoek/index.html"
