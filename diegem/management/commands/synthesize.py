"""Fill a separate database with clearly labelled synthetic data, for scale and load work.

    manage.py synthesize --database-url postgres://.../diegem_bench --cases 10000 --annotations 100000

The target database is migrated and given the seed (framework, pilots, margin
notes) if it has none, then filled with synthetic cases and annotations in bulk.
Every synthetic case's title starts with "[Synthetisch]", its slug with
"synthetisch-"; synthetic annotations carry the attribution "Synthetisch". The
command refuses the site's own database, never changes a row it did not create
(it only deletes earlier synthetic rows, with --replace) and writes nothing to
the site's database.

For the benchmark, the data hold a word in most cases ("buurt"), a word in a
handful ("waterzuivering"), one case with exactly twenty public annotations
("synthetisch-met-twintig-kanttekeningen"), and one with a conversation: fifty
public notes with their threads and thirty public readings of its codings, beside
replies and readings still waiting for moderation ("synthetisch-met-vijftig-draden").
"""

from __future__ import annotations

import random
import time
from datetime import timedelta

import dj_database_url
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from annotations.models import Annotation, Motivation, Reading, Status
from annotations.rendering import render_markdown
from cases import case_places, vocabulary
from cases.models import TEXT_SECTION_FIELDS, Case, KeywordedCase, SourceCoding, TensionPosition
from diegem.lib.anchoring import make_anchor
from diegem.lib.versioning import bump_content_version
from frameworks.models import Domain, Source, TensionField

ALIAS = "synthetic"
BATCH = 2000
TITLE_PREFIX = "[Synthetisch]"
SLUG_PREFIX = "synthetisch-"
ATTRIBUTION = "Synthetisch"
COMMON_WORD = "buurt"
RARE_WORD = "waterzuivering"
TWENTY_SLUG = "synthetisch-met-twintig-kanttekeningen"
THREADS_SLUG = "synthetisch-met-vijftig-draden"
THREADS, READINGS = 50, 30

WORDS = (
    "buurt bewoners samen solidariteit ontmoeting ontmoetingen school leerlingen ouders leerkrachten werkvloer "
    "collega's vrijwilligers jeugdwerk sportclub wijk stad gemeente huisvesting wonen werken leren vrije tijd "
    "diversiteit superdiversiteit taal talen cultuur culturen religie armoede inkomen delen herverdelen strijd "
    "erkenning rechten plichten netwerk netwerken plaats plein park tuin moestuin stadsakker markt café bibliotheek "
    "buurthuis organisatie opbouwwerk samenlevingsopbouw beleid stadsbestuur subsidie project initiatief "
    "nieuwkomers senioren jongeren kinderen gezinnen families vrouwen mannen vluchtelingen migranten "
    "participatie inspraak eigenaarschap vertrouwen conflict consensus onderhandeling afspraken regels "
    "koken eten maaltijd feest activiteit workshop vorming opleiding stage werkgever werknemers vakbond "
    "afhankelijkheid waarden normen gemeenschap verbondenheid nabijheid afstand integratie transformatie "
    "universeel particularistisch economisch cultureel onderhandelbaar zorg hulp steun burgerschap praktijk"
).split()
KEYWORDS = [
    "moestuin",
    "buurthuis",
    "jeugdwerk",
    "sport",
    "taalcafé",
    "basisschool",
    "werkplaats",
    "kookatelier",
    "complementaire munt",
    "huurdersbond",
    "nieuwkomers",
    "ouderen",
    "buddywerking",
    "fietsherstel",
    "repair café",
    "speelpleinwerking",
    "volkstuin",
    "wijkgezondheidscentrum",
    "deelauto",
    "muziekschool",
]


def _sentence(rng: random.Random, length: int) -> str:
    words = [rng.choice(WORDS) for _ in range(length)]
    return " ".join(words).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(8, 16)) for _ in range(sentences))


class Command(BaseCommand):
    help = "Fill a separate database with labelled synthetic cases and annotations (bulk, fast)."

    def add_arguments(self, parser):
        parser.add_argument("--database-url", required=True, help="The scratch database to fill.")
        parser.add_argument("--cases", type=int, default=10_000)
        parser.add_argument("--annotations", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=2014)
        parser.add_argument(
            "--replace", action="store_true", help="Delete earlier synthetic rows first."
        )

    def handle(self, *args, database_url, cases, annotations, seed, replace, **options):
        if cases < 1 or annotations < 0:
            raise CommandError("--cases must be at least 1 and --annotations at least 0.")
        self._connect(database_url)
        started = time.monotonic()
        call_command("migrate", database=ALIAS, verbosity=0)
        if not Source.objects.using(ALIAS).exists():
            call_command("loaddata", "framework", database=ALIAS, verbosity=0)
        if Case.objects.using(ALIAS).filter(slug__startswith=SLUG_PREFIX).exists():
            if not replace:
                raise CommandError(
                    "This database already holds synthetic data: pass --replace to make it anew."
                )
            self._delete_synthetic()
        rng = random.Random(seed)
        with transaction.atomic(using=ALIAS):
            case_rows = self._cases(rng, cases)
            self._codings(rng, case_rows)
            self._keywords(rng, case_rows)
            count = self._annotations(rng, case_rows, annotations)
            count += self._conversation(rng, case_rows[1]) if len(case_rows) > 1 else 0
        self.stdout.write("Search vectors and vocabulary …")
        with transaction.atomic(using=ALIAS):
            Case.objects.using(ALIAS).refresh_search_vectors()  # annotations' are generated columns
            vocabulary.rebuild(using=ALIAS)
            bump_content_version(using=ALIAS)
        # VACUUM too: a table just filled has no visibility map yet, so the index-only scans
        # (the practice ranking's, cases 0010) would still visit every heap page until
        # autovacuum passes, as it does in production.
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        self.stdout.write(
            f"Synthetic data: {len(case_rows)} cases, {count} annotations in {time.monotonic() - started:.0f} s."
        )

    def _connect(self, url: str) -> None:
        config = dj_database_url.parse(url)
        default = connections.settings[DEFAULT_DB_ALIAS]
        same = all(
            str(config.get(k, "")) == str(default.get(k, ""))
            for k in ("ENGINE", "NAME", "HOST", "PORT")
        )
        if same:
            raise CommandError(
                "Refusing to fill the site's own database: give a separate, scratch database."
            )
        if config["ENGINE"] != "django.db.backends.postgresql":
            raise CommandError(
                "Synthetic data are for PostgreSQL (the database the benchmark measures)."
            )
        configured = connections.configure_settings({DEFAULT_DB_ALIAS: default, ALIAS: config})
        connections.settings[ALIAS] = configured[ALIAS]

    def _delete_synthetic(self) -> None:
        with transaction.atomic(using=ALIAS):
            Annotation.objects.using(ALIAS).filter(attribution=ATTRIBUTION).delete()
            Case.objects.using(ALIAS).filter(slug__startswith=SLUG_PREFIX).delete()

    def _cases(self, rng: random.Random, count: int) -> list[Case]:
        self.stdout.write(f"{count} cases …")
        domains = list(Domain.objects.using(ALIAS).all())
        # Places spread over every municipality of Flanders and Brussels, as a map of a full bank is.
        northern = [
            m for m in case_places.municipalities().values() if m.province.in_flanders_or_brussels
        ]
        now = timezone.now()
        rows = []
        for i in range(count):
            texts = {
                field: "\n\n".join(_paragraph(rng, rng.randint(2, 4)) for _ in range(2))
                for field in TEXT_SECTION_FIELDS
            }
            if rng.random() < 0.9:
                texts["practice"] += f" Samen met de {COMMON_WORD} maken we het verschil."
            if i % 1000 == 7:
                texts["context"] += f" Het project begon rond {RARE_WORD} in de wijk."
            place = rng.choice(northern)
            slug = {0: TWENTY_SLUG, 1: THREADS_SLUG}.get(i, f"{SLUG_PREFIX}{i:06d}")
            published = rng.random() < 0.95 or i == 1
            rows.append(
                Case(
                    title=f"{TITLE_PREFIX} {_sentence(rng, rng.randint(3, 6))[:-1]} {i}",
                    slug=slug,
                    kind=Case.Kind.CASE_STUDY,
                    domain=domains[i % len(domains)],
                    municipality=place.name,
                    nis_code=place.nis,
                    initiative=f"Synthetisch initiatief {i}",
                    summary=_paragraph(rng, 2),
                    status=Case.Status.PUBLISHED if published or i == 0 else Case.Status.DRAFT,
                    published_at=now - timedelta(days=rng.randint(0, 900))
                    if published or i == 0
                    else None,
                    **texts,
                )
            )
        return Case.objects.using(ALIAS).bulk_create(rows, batch_size=BATCH)

    def _codings(self, rng: random.Random, cases: list[Case]) -> None:
        sources = list(Source.objects.using(ALIAS).all())
        fields = list(TensionField.objects.using(ALIAS).all())
        SourceCoding.objects.using(ALIAS).bulk_create(
            (
                SourceCoding(
                    case=case,
                    source=source,
                    strength=rng.choice([0, 1, 1, 2, 2, 3]),
                    rationale="Synthetisch.",
                )
                for case in cases
                for source in sources
            ),
            batch_size=BATCH * 4,
        )
        rows = []
        for case in cases:
            for field in fields:
                both = rng.random() < 0.08
                rows.append(
                    TensionPosition(
                        case=case,
                        tension_field=field,
                        position=None if both else rng.randint(-2, 2),
                        holds_both=both,
                        rationale="Synthetisch.",
                    )
                )
        TensionPosition.objects.using(ALIAS).bulk_create(rows, batch_size=BATCH * 4)

    def _keywords(self, rng: random.Random, cases: list[Case]) -> None:
        existing = {tag.name: tag for tag in Tag.objects.using(ALIAS).filter(name__in=KEYWORDS)}
        missing = [Tag(name=name, slug=slugify(name)) for name in KEYWORDS if name not in existing]
        Tag.objects.using(ALIAS).bulk_create(missing)
        tags = list(Tag.objects.using(ALIAS).filter(name__in=KEYWORDS))
        KeywordedCase.objects.using(ALIAS).bulk_create(
            (
                KeywordedCase(content_object=case, tag=tag)
                for case in cases
                for tag in rng.sample(tags, rng.randint(1, 4))
            ),
            batch_size=BATCH * 4,
        )

    def _annotations(self, rng: random.Random, cases: list[Case], count: int) -> int:
        self.stdout.write(f"{count} annotations …")
        now = timezone.now()
        public_cases = [case for case in cases if case.status == Case.Status.PUBLISHED]
        plan: list[tuple[Case, str]] = [(cases[0], "practice")] * min(20, count)
        # The rest on other cases: the two measured cases hold exactly what they promise.
        others = [case for case in public_cases if case.slug not in (TWENTY_SLUG, THREADS_SLUG)]
        while len(plan) < count:
            case = rng.choice(others or public_cases)
            plan.append((case, rng.choice(TEXT_SECTION_FIELDS)))
        made = 0
        batch: list[Annotation] = []
        for n, (case, field) in enumerate(plan):
            text = getattr(case, field)
            start = rng.randrange(0, max(1, len(text) - 60))
            end = min(len(text), start + rng.randint(15, 60))
            anchor = make_anchor(text, start, end)
            body = _paragraph(rng, rng.randint(1, 3))
            status = (
                Status.APPROVED
                if n < 20
                else rng.choices(
                    [Status.APPROVED, Status.PENDING, Status.REJECTED, Status.HIDDEN],
                    weights=[80, 12, 5, 3],
                )[0]
            )
            batch.append(
                Annotation(
                    case=case,
                    case_field=field,
                    **Annotation.anchor_fields(anchor, text),
                    voice=rng.choice(["denker", "planner", "doener"]),
                    kind=rng.choice(["associatie", "aanmerking", "voorbeeld"]),
                    body=body,
                    body_html=render_markdown(body),
                    attribution=ATTRIBUTION,
                    status=status,
                    submitted_at=now - timedelta(minutes=n),
                )
            )
            if len(batch) >= BATCH:
                Annotation.objects.using(ALIAS).bulk_create(batch)
                made += len(batch)
                batch = []
        if batch:
            Annotation.objects.using(ALIAS).bulk_create(batch)
            made += len(batch)
        return made

    def _conversation(self, rng: random.Random, case: Case) -> int:
        """Fifty public threads and thirty public readings on one case, and some still waiting."""
        now = timezone.now()

        def contribution(**fields) -> Annotation:
            body = _paragraph(rng, rng.randint(1, 2))
            return Annotation(
                case=case,
                voice=rng.choice(["denker", "planner", "doener"]),
                body=body,
                body_html=render_markdown(body),
                attribution=ATTRIBUTION,
                submitted_at=now - timedelta(minutes=rng.randint(0, 10_000)),
                **fields,
            )

        notes = []
        for _ in range(THREADS):
            field = rng.choice(TEXT_SECTION_FIELDS)
            text = getattr(case, field)
            start = rng.randrange(0, max(1, len(text) - 60))
            anchor = make_anchor(text, start, min(len(text), start + rng.randint(15, 60)))
            notes.append(
                contribution(
                    case_field=field,
                    **Annotation.anchor_fields(anchor, text),
                    kind=rng.choice(["associatie", "aanmerking", "voorbeeld"]),
                    status=Status.APPROVED,
                )
            )
        notes = Annotation.objects.using(ALIAS).bulk_create(notes)
        no_passage = {"quote_exact": "", "position_start": 0, "position_end": 0}
        replies = [
            contribution(
                motivation=Motivation.REPLYING,
                parent=note,
                reply_to=note,
                case_field=note.case_field,
                **no_passage,
                status=rng.choices([Status.APPROVED, Status.PENDING], weights=[85, 15])[0],
            )
            for note in notes
            for _ in range(rng.randint(0, 4))
        ]
        Annotation.objects.using(ALIAS).bulk_create(replies, batch_size=BATCH)
        sources = list(Source.objects.using(ALIAS).all())
        fields = list(TensionField.objects.using(ALIAS).all())
        statuses = [Status.APPROVED] * READINGS + [Status.PENDING] * (READINGS // 5)
        readings = Annotation.objects.using(ALIAS).bulk_create(
            contribution(motivation=Motivation.ASSESSING, **no_passage, status=status)
            for status in statuses
        )
        Reading.objects.using(ALIAS).bulk_create(
            Reading(annotation=reading, source=rng.choice(sources), strength=rng.randint(0, 3))
            if n % 3
            else Reading(
                annotation=reading, tension_field=rng.choice(fields), position=rng.randint(-2, 2)
            )
            for n, reading in enumerate(readings)
        )
        return len(notes) + len(replies) + len(readings)
