"""Plain factory functions for tests: `make_case(**overrides)` and friends."""

from __future__ import annotations

import csv
import io
import itertools
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone
from openpyxl import load_workbook

from annotations.models import Annotation, Membership, Organisation, Reading
from annotations.rendering import render_markdown
from annotations.targets import case_target, section_target
from cases import case_places, exchange
from cases.models import Case, CodingEvidence, Grounds, SourceCoding, TensionPosition
from diegem.lib.anchoring import locate_passage, make_anchor
from diegem.seeding import framework_translation_columns
from frameworks.models import Domain, Section, Source, TensionField

_counter = itertools.count(1)

# A case's practice text in three paragraphs, for tests that edit it and follow the annotations on it.
KOOKPLOEG_PRACTICE = (
    "Elke zaterdag koken buren samen in het buurthuis. Wie wil, schuift mee aan tafel.\n\n"
    "De kookploeg bestaat uit nieuwkomers en mensen die al dertig jaar in de wijk wonen. "
    "Ze leren elkaars recepten en spreken een mengeling van talen.\n\n"
    "Het stadsbestuur betaalt de huur van de keuken."
)


FRAMEWORK_FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "framework.yaml"


def ensure_framework() -> None:
    """Load the framework seed unless it is there (transactional tests flush it)."""
    if not Source.objects.exists():
        call_command("loaddata", "framework", verbosity=0)
        # With its French and English translations, as the seed loads them.
        for (label, key), columns in framework_translation_columns(FRAMEWORK_FIXTURE).items():
            apps.get_model(label).objects.filter(key=key).update(**columns)


def make_user(username: str | None = None, *, groups: tuple[str, ...] = (), **fields):
    n = next(_counter)
    user = get_user_model().objects.create_user(
        username=username or f"user{n}",
        email=fields.pop("email", f"user{n}@example.org"),
        password=fields.pop("password", "a-long-test-password-1"),
        **fields,
    )
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    return user


def make_case(*, coded: bool = True, keywords: tuple[str, ...] = (), **overrides) -> Case:
    """A case, published and fully coded unless told otherwise.

    `strengths` (source key -> 0..3) and `positions` (field key -> -2..2 or
    "both") override the default coding.
    """
    ensure_framework()
    n = next(_counter)
    strengths = overrides.pop("strengths", {})
    positions = overrides.pop("positions", {})
    grounds = overrides.pop("grounds", {})
    status = overrides.pop("status", Case.Status.PUBLISHED)
    fields = {
        "title": f"Praktijk {n}",
        "slug": f"praktijk-{n}",
        "kind": Case.Kind.CASE_STUDY,
        "domain": Domain.objects.get(key="wonen"),
        "municipality": "Gent",
        "initiative": f"Initiatief {n}",
        "summary": f"Samenvatting van praktijk {n}.",
        "practice": f"Wat er gebeurt in praktijk {n}.\n\nEen tweede alinea.",
        "status": status,
        "published_at": timezone.now() if status == Case.Status.PUBLISHED else None,
        **overrides,
    }
    if isinstance(fields["domain"], str):
        fields["domain"] = Domain.objects.get(key=fields["domain"])
    if "nis_code" not in fields and (
        found := case_places.find_municipality(fields["municipality"])
    ):
        fields["nis_code"] = found.nis
    case = Case.objects.create(**fields)
    if coded:
        code_case(case, strengths=strengths, positions=positions, grounds=grounds)
    if keywords:
        case.keywords.add(*keywords)
    return case


def code_case(case: Case, *, strengths=None, positions=None, grounds=None) -> None:
    """Give the case a coding on every source and tension field.

    `grounds` (framework key -> Grounds value) defaults to interpretation; a
    key whose grounds are "niet te bepalen" gets no value.
    """
    strengths = strengths or {}
    positions = positions or {}
    grounds = grounds or {}

    def undetermined(key: str) -> bool:
        return grounds.get(key) == Grounds.UNDETERMINED

    SourceCoding.objects.bulk_create(
        SourceCoding(
            case=case,
            source=source,
            strength=None if undetermined(source.key) else strengths.get(source.key, 1),
            grounds=grounds.get(source.key, Grounds.INTERPRETATION),
            rationale=f"Onderbouwing voor {source.name}.",
        )
        for source in Source.objects.all()
    )
    rows = []
    for field in TensionField.objects.all():
        value = None if undetermined(field.key) else positions.get(field.key, 0)
        rows.append(
            TensionPosition(
                case=case,
                tension_field=field,
                grounds=grounds.get(field.key, Grounds.INTERPRETATION),
                position=None if value == "both" else value,
                holds_both=value == "both",
                rationale=f"Onderbouwing voor {field.name}.",
            )
        )
    TensionPosition.objects.bulk_create(rows)


def cite(case: Case, key: str, passage: str, *, field: str = "practice") -> CodingEvidence:
    """An anchored passage of the case's text (`field`) as evidence for its coding on the source or tension field `key`."""
    source = Source.objects.filter(key=key).first()
    coding = {"source": source} if source else {"tension_field": TensionField.objects.get(key=key)}
    text = getattr(case, field)
    evidence = CodingEvidence(case=case, case_field=field, **coding)
    evidence.anchor_to(locate_passage(text, passage), text)
    evidence.save()
    return evidence


def make_many_cases(count: int, **overrides) -> list[Case]:
    """Many published, coded cases in a handful of bulk queries."""
    ensure_framework()
    domains = list(Domain.objects.all())
    start = next(_counter)
    now = timezone.now()
    cases = Case.objects.bulk_create(
        Case(
            title=f"Bulkpraktijk {start}-{i}",
            slug=f"bulk-{start}-{i}",
            kind=Case.Kind.CASE_STUDY,
            domain=domains[i % len(domains)],
            municipality="Antwerpen",
            initiative="Bulk",
            summary="Een praktijk om de schaal te testen.",
            practice="Tekst.",
            status=Case.Status.PUBLISHED,
            published_at=now,
            **overrides,
        )
        for i in range(count)
    )
    sources = list(Source.objects.all())
    fields = list(TensionField.objects.all())
    SourceCoding.objects.bulk_create(
        SourceCoding(case=case, source=source, strength=(i + j) % 4, rationale="r")
        for i, case in enumerate(cases)
        for j, source in enumerate(sources)
    )
    TensionPosition.objects.bulk_create(
        TensionPosition(case=case, tension_field=field, position=((i + j) % 5) - 2, rationale="r")
        for i, case in enumerate(cases)
        for j, field in enumerate(fields)
    )
    return cases


def make_organisation(name: str | None = None):

    n = next(_counter)
    name = name or f"Organisatie {n}"
    return Organisation.objects.create(name=name, slug=f"organisatie-{n}")


def make_member(organisation=None, **fields):
    """A user who belongs to a stakeholder organisation (and so may annotate)."""

    user = make_user(**fields)
    Membership.objects.create(user=user, organisation=organisation or make_organisation())
    return user


def _create_annotation(fields: dict, overrides: dict):
    """Write the row; an author's organisation comes with them unless the test names one."""
    if fields.get("author") is not None and "organisation" not in overrides:
        membership = getattr(fields["author"], "membership", None)
        fields["organisation"] = membership.organisation if membership else None
    return Annotation.objects.create(**fields)


def make_annotation(*, target=None, passage: str | None = None, **overrides):
    """An annotation row in any state, anchored on `passage` (default: the first words).

    Writes the row directly, so tests can set up any status; behaviour under
    test goes through the services.
    """

    if target is None:
        ensure_framework()
        target = section_target(Section.objects.get(key="ontmoeting"))
    elif isinstance(target, Case):
        target = case_target(target, "practice")
    elif isinstance(target, Section):
        target = section_target(target)
    text = target.text
    if passage is None:
        start, end = 0, min(len(text), 20)
    else:
        start = text.index(passage)
        end = start + len(passage)
    body = overrides.pop("body", "Een kanttekening.")
    fields = {
        **target.annotation_fields(),
        **Annotation.anchor_fields(make_anchor(text, start, end), text),
        "voice": "denker",
        "kind": "associatie",
        "body": body,
        "body_html": render_markdown(body),
        "status": "approved",
        "submitted_at": timezone.now(),
        **overrides,
    }
    return _create_annotation(fields, overrides)


def make_reply(parent, /, *, reply_to=None, **overrides):
    """A reply row in the thread of `parent` (a note), in any state; written directly like `make_annotation`."""
    body = overrides.pop("body", "Een antwoord.")
    fields = {
        "motivation": "replying",
        "parent": parent,
        "reply_to": reply_to or parent,
        "section": parent.section,
        "case": parent.case,
        "case_field": parent.case_field,
        "voice": "doener",
        "kind": "",
        "body": body,
        "body_html": render_markdown(body),
        "quote_exact": "",
        "position_start": 0,
        "position_end": 0,
        "status": "approved",
        "submitted_at": timezone.now(),
        **overrides,
    }
    return _create_annotation(fields, overrides)


def make_reading(case, *, source=None, tension_field=None, passage=None, value=None, **overrides):
    """A reading of one coding of `case`, in any state; written directly like `make_annotation`.

    `source` or `tension_field` is a key; `value` the Reading's fields (default: strength 3
    on a source, position 2 on a field).
    """
    body = overrides.pop("body", "Ik lees dit anders.")
    fields = {"voice": "doener", "kind": "", "status": "approved", **overrides}
    fields["motivation"] = "assessing"
    if passage is not None:
        annotation = make_annotation(target=case, passage=passage, body=body, **fields)
    else:
        annotation = Annotation.objects.create(
            case=case,
            body=body,
            body_html=render_markdown(body),
            quote_exact="",
            position_start=0,
            position_end=0,
            submitted_at=timezone.now(),
            **fields,
        )
    if source is not None:
        proposed = {"source": Source.objects.get(key=source), **(value or {"strength": 3})}
    else:
        proposed = {
            "tension_field": TensionField.objects.get(key=tension_field),
            **(value or {"position": 2}),
        }
    Reading.objects.create(annotation=annotation, **proposed)
    return annotation


# --- exchange files ---------------------------------------------------------------------------------


def good_row(**overrides) -> dict:
    """A row of the exchange format that imports cleanly: a published, fully coded case."""
    row = {
        "slug": "buurtkeuken-gent",
        "titel": "Buurtkeuken Gent",
        "soort": "case_study",
        "domein": "wonen",
        "gemeente": "Gent",
        "initiatief": "vzw De Keuken",
        "samenvatting": "Buren koken samen.",
        "praktijk": "Elke vrijdag koken buren.\n\nIedereen is welkom.",
        "trefwoorden": "koken; buurt",
        "status": "published",
    }
    for key in ("wederzijdse-afhankelijkheid", "normen-en-waarden", "strijd", "ontmoeting"):
        row[f"bron_{key}"] = "2"
        row[f"bron_{key}_onderbouwing"] = "Omdat."
    for key in (
        "universeel-particularistisch",
        "consensus-conflict",
        "economisch-cultureel",
        "integratie-transformatie",
        "afstand-nabijheid",
        "onderhandelbaar-niet-onderhandelbaar",
    ):
        row[f"veld_{key}"] = "-1"
        row[f"veld_{key}_onderbouwing"] = "Omdat."
    row["veld_consensus-conflict"] = "beide"
    row.update(overrides)
    return row


def wide_csv(rows: list[dict], *, delimiter=",") -> bytes:
    """The rows as a CSV file in the wide exchange format (every column, empty where a row gives none)."""
    columns = exchange.all_columns(list(Source.objects.all()), list(TensionField.objects.all()))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=delimiter)
    writer.writeheader()
    for row in rows:
        writer.writerow({column: row.get(column, "") for column in columns})
    return out.getvalue().encode("utf-8")


def run_import(content: bytes, researcher, *, filename="praktijken.csv", dry_run=False):
    """Import a file in the researcher's name (for real unless `dry_run`)."""
    return exchange.import_cases(content, filename=filename, actor=researcher, dry_run=dry_run)


def xlsx_text_rows(content: bytes) -> list[list[str]]:
    """The rows of a workbook's first sheet as the text a CSV holds (numbers written out, six decimals for fractions)."""
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]

    def text(value):
        if value is None:
            return ""
        if isinstance(value, float):
            return f"{value:f}"
        return str(value)

    return [[text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
