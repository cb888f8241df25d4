"""Loading the seed again never overwrites what researchers edited.

Each seeded object (a framework row, a pilot case with its coding, a margin
note) is compared in a canonical description with what the seed wrote last
time (`SeedRecord`, by fingerprint):

- missing: it is created;
- untouched since the seed wrote it: it follows the seed (a corrected fixture
  reaches every database that still holds the old version);
- changed by someone since: it is left alone and reported;
- in the database from before seed records existed: left alone unless it
  already equals the seed (then it is recorded).

`reset=True` restores the seed's version of everything on purpose.

What the seed holds and how each part is read and written is the site's
business (`diegem.seeding`); this module only keeps the records.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from diegem.lib.models import SeedRecord

NEW, UPDATED, UNCHANGED, KEPT = "nieuw", "bijgewerkt", "ongewijzigd", "behouden (bewerkt)"


def fingerprint(description) -> str:
    """A stable hash of a canonical description (dicts, lists, strings, numbers)."""
    text = json.dumps(description, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class SeedReport:
    """What loading the seed did, per outcome; `kept` names the objects left alone."""

    counts: Counter = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return ", ".join(f"{self.counts[outcome]} {outcome}" for outcome in (NEW, UPDATED, UNCHANGED, KEPT))


@transaction.atomic
def seed_object(
    report: SeedReport,
    *,
    key: str,
    wanted: dict,
    read: Callable[[], dict | None],
    write: Callable[[], object],
    reset: bool = False,
) -> str:
    """Bring one object in line with the seed unless someone else changed it; returns the outcome.

    `read` describes the stored object as the seed would (None: not there);
    `write` creates or overwrites it from the seed.
    """
    record = SeedRecord.objects.select_for_update().filter(key=key).first()
    current = read()
    if current is None:
        outcome = NEW
    elif reset:
        outcome = UNCHANGED if fingerprint(current) == fingerprint(wanted) else UPDATED
    elif record is None:
        # From before the records: only an object equal to the seed is known to be the seed's.
        outcome = UNCHANGED if fingerprint(current) == fingerprint(wanted) else KEPT
    elif fingerprint(current) != record.written:
        outcome = KEPT
    else:
        outcome = UNCHANGED if record.wanted == fingerprint(wanted) else UPDATED
    if outcome in (NEW, UPDATED):
        write()
        current = read()
    report.counts[outcome] += 1
    if outcome == KEPT:
        report.kept.append(key)
        return outcome
    recorded = {"wanted": fingerprint(wanted), "written": fingerprint(current)}
    if record is None or (record.wanted, record.written) != (recorded["wanted"], recorded["written"]):
        SeedRecord.objects.update_or_create(key=key, defaults=recorded)
    return outcome
