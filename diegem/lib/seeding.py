"""Loading the seed again never overwrites what researchers edited.

Each seeded object (a framework row, a pilot case with its coding, a margin
note) is compared in a canonical description with what the seed wrote last
time (`SeedRecord`, by fingerprint):

- missing: it is created;
- untouched since the seed wrote it: it follows the seed (a corrected fixture
  reaches every database that still holds the old version);
- still as an earlier version of the seed left it, described after today's
  migrations (`fixtures/seed-history.yaml` lists their fingerprints): it
  follows the seed too, with or without a record (a migration that adds a
  field changes the description of every row, so its record no longer knows it);
- changed by someone since: it is left alone and reported;
- in the database from before seed records existed: it follows the seed when
  it equals the seed or an earlier version of it, else it is left alone and
  reported;
- a seeded object whose key the seed retired (listed in the same file) is
  removed when nobody changed it, else left alone and reported;
- a margin note whose passage is no longer in its (edited) text is skipped and
  reported; the rest of the seed loads.

`reset=True` restores the seed's version of everything on purpose, contents
only: publication and moderation stay with the workflows.

What the seed holds and how each part is read and written is the site's
business (`diegem.seeding`); this module only keeps the records.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.db import transaction

from diegem.lib.languages import translation_languages
from diegem.lib.models import SeedRecord

NEW, UPDATED, UNCHANGED, KEPT = "nieuw", "bijgewerkt", "ongewijzigd", "behouden (bewerkt)"
# Reported only when they happen.
REMOVED, SKIPPED = "verwijderd (uit de seed gehaald)", "overgeslagen"


def translation_files(path: Path) -> dict[str, Path]:
    """The translations of a seed file that exist beside it, by language:
    `translations/<name>.<language>.yaml` for `<name>.yaml`."""
    found = {}
    for language in translation_languages():
        translated = path.parent / "translations" / f"{path.stem}.{language}.yaml"
        if translated.exists():
            found[language] = translated
    return found


@dataclass(frozen=True)
class SeedHistory:
    """What earlier versions of the seed wrote: fingerprints per key, and keys the seed dropped."""

    earlier: dict[str, frozenset[str]] = field(default_factory=dict)
    retired: tuple[str, ...] = ()
    # The fingerprint of each seed object before this load wrote anything: a margin note the
    # load itself moves (its case text changed) still counts as untouched.
    at_start: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> SeedHistory:
        if not path.exists():
            return cls()
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        earlier = {
            key: frozenset(values) for key, values in (document.get("earlier") or {}).items()
        }
        return cls(earlier=earlier, retired=tuple(document.get("retired") or ()))

    def observed(self, at_start: dict[str, str]) -> SeedHistory:
        """This history, knowing the state of every seed object before the load starts."""
        return SeedHistory(earlier=self.earlier, retired=self.retired, at_start=at_start)

    def before(self, key: str, description: dict) -> str:
        """The object's fingerprint before this load (or now, when the load did not look)."""
        return self.at_start.get(key) or fingerprint(description)

    def wrote(self, key: str, description: dict) -> bool:
        """Whether an earlier seed left the object in this state (before this load)."""
        return self.before(key, description) in self.earlier.get(key, ())


# Loading without a history file: no earlier versions, nothing retired.
NO_HISTORY = SeedHistory()


def fingerprint(description) -> str:
    """A stable hash of a canonical description (dicts, lists, strings, numbers)."""
    text = json.dumps(description, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class SeedReport:
    """What loading the seed did, per outcome; `kept` names the objects left alone."""

    counts: Counter = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        outcomes = [
            NEW,
            UPDATED,
            UNCHANGED,
            KEPT,
            *(outcome for outcome in (REMOVED, SKIPPED) if self.counts[outcome]),
        ]
        return ", ".join(f"{self.counts[outcome]} {outcome}" for outcome in outcomes)


@transaction.atomic
def seed_object(
    report: SeedReport,
    *,
    key: str,
    wanted: dict,
    read: Callable[[], dict | None],
    write: Callable[[], object],
    reset: bool = False,
    history: SeedHistory = SeedHistory(),
    skip_on: tuple[type[Exception], ...] = (),
) -> str:
    """Bring one object in line with the seed unless someone else changed it; returns the outcome.

    `read` describes the stored object as the seed would (None: not there);
    `write` creates or overwrites it from the seed. An error in `skip_on`
    raised by `write` skips this object (reported) instead of ending the load.
    """
    record = SeedRecord.objects.select_for_update().filter(key=key).first()
    current = read()
    if current is None:
        outcome = NEW
    elif reset:
        outcome = UNCHANGED if fingerprint(current) == fingerprint(wanted) else UPDATED
    elif record is None:
        # From before the records: only an object equal to this seed or to an earlier one
        # is known to be the seed's.
        if fingerprint(current) == fingerprint(wanted):
            outcome = UNCHANGED
        else:
            outcome = UPDATED if history.wrote(key, current) else KEPT
    elif history.before(key, current) != record.written and not history.wrote(key, current):
        outcome = KEPT
    else:
        outcome = UNCHANGED if record.wanted == fingerprint(wanted) else UPDATED
    if outcome in (NEW, UPDATED):
        try:
            with transaction.atomic():
                write()
        except skip_on as error:
            report.counts[SKIPPED] += 1
            report.skipped.append(f"{key}: {error}")
            return SKIPPED
        current = read()
    report.counts[outcome] += 1
    if outcome == KEPT:
        report.kept.append(key)
        return outcome
    recorded = {"wanted": fingerprint(wanted), "written": fingerprint(current)}
    if record is None or (record.wanted, record.written) != (
        recorded["wanted"],
        recorded["written"],
    ):
        SeedRecord.objects.update_or_create(key=key, defaults=recorded)
    return outcome


@transaction.atomic
def retire_object(
    report: SeedReport,
    *,
    key: str,
    read: Callable[[], dict | None],
    remove: Callable[[], object],
    reset: bool = False,
    history: SeedHistory = SeedHistory(),
) -> str | None:
    """Remove an object the seed no longer has, unless someone changed it since a seed wrote it.
    `remove` returns False when it left the object after all (counted as kept)."""
    record = SeedRecord.objects.select_for_update().filter(key=key).first()
    current = read()
    if current is None:
        if record is not None:
            record.delete()
        return None
    untouched = (
        record is not None and record.written == history.before(key, current)
    ) or history.wrote(key, current)
    if not (untouched or reset):
        report.counts[KEPT] += 1
        report.kept.append(key)
        return KEPT
    if remove() is False:  # the remover left it (a reviewer's decision stands)
        report.counts[KEPT] += 1
        report.kept.append(key)
        return KEPT
    SeedRecord.objects.filter(key=key).delete()
    report.counts[REMOVED] += 1
    return REMOVED


# --- the three parts of the seed -------------------------------------------------------------
