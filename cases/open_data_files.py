"""The bank's data files on `/data/` (the cases and their coding as CSV, Excel and JSON), built once
per content version and served from disk (`diegem.lib.built_files`), as the QDPX project is.

Made per request, each download read every published case with its coding into memory and the
whole file into a response: at 10,000 cases 6 to 20 seconds and 100 to 300 MB of a worker per
download (`make bench`, the archive's peak). Built here, the cases are read a chunk at a time, as
for a release (`exchange.published_cases_in_chunks`), and written straight into the file; a
download then costs a worker a file handle.
`manage.py build_files` builds them ahead of the first download after a change.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from django.conf import settings

from cases import coding_reliability, exchange
from cases.models import Case
from diegem.lib import agreement, languages
from diegem.lib.built_files import as_text, built_file, code_fingerprint
from frameworks.models import Source

# The code that decides the files' bytes: what they hold and what counts as published.
FINGERPRINTED_MODULES = (
    sys.modules[__name__],
    exchange,
    coding_reliability,
    agreement,  # the figures of the JSON's "betrouwbaarheid"
    languages,  # the language columns and the names in them
    sys.modules[Case.__module__],
    sys.modules[Source.__module__],
)
CODE_FINGERPRINT = code_fingerprint(FINGERPRINTED_MODULES)
_cases = exchange.published_cases_in_chunks


@dataclass(frozen=True)
class DataFile:
    name: str
    content_type: str
    build: Callable[[BinaryIO], None]


DATA_FILES = {
    data_file.name: data_file
    for data_file in (
        DataFile(
            "praktijken.csv",
            "text/csv; charset=utf-8",
            as_text(lambda out: exchange.export_wide_csv(_cases(), out)),
        ),
        DataFile(
            "praktijken-lang.csv",
            "text/csv; charset=utf-8",
            as_text(lambda out: exchange.export_long_csv(_cases(), out)),
        ),
        DataFile(
            "praktijken.xlsx",
            exchange.XLSX,
            lambda out: exchange.save_xlsx(exchange.wide_table(_cases()), "praktijken", out),
        ),
        DataFile(
            "praktijken-lang.xlsx",
            exchange.XLSX,
            lambda out: exchange.save_xlsx(exchange.long_table(_cases()), "praktijken-lang", out),
        ),
        # The cases' addresses under the site's lasting one (SITE_URL), as in a release.
        DataFile(
            "praktijken.json",
            "application/json",
            as_text(lambda out: exchange.write_json(_cases(), settings.SITE_URL, out)),
        ),
    )
}


def data_file(name: str, *, max_age: float | None = None) -> BinaryIO:
    """The data file `name` for the current content version, open (built now if it is not yet;
    again when older than `max_age` seconds, which `build_files` asks). The JSON names the
    cases under `SITE_URL`: the web and `build_files` run with the same environment (README)."""
    return built_file(name, DATA_FILES[name].build, fingerprint=CODE_FINGERPRINT, max_age=max_age)
