"""What an annotation can be attached to: a framework section or a case text section.

A target is named by one string in URLs and forms: `section:<key>` or
`case:<slug>:<text section>` (the section's Dutch slug, e.g. `praktijk`). Resolving it checks that the text exists and that the
public may read it, so nobody annotates a draft.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import get_language

from cases.models import Case, text_section
from diegem.lib.annotatable import text_revision
from frameworks.models import Section


@dataclass(frozen=True)
class Target:
    key: str
    title: str
    heading: str
    text: str
    url: str
    section: Section | None = None
    case: Case | None = None
    case_field: str = ""
    anchor: str = "tekst"  # the id of the text on its page
    # The language version of the text: the page's translation, or the original where there is
    # none (`WrittenIn.shown_text`). Notes are made on, and shown beside, one language version.
    language: str = settings.LANGUAGE_CODE

    @property
    def revision(self) -> str:
        return text_revision(self.text)

    @property
    def original_language(self) -> str:
        return (self.section or self.case).original_language

    @property
    def is_translation(self) -> bool:
        return self.language != self.original_language

    def language_of(self, field: str = "") -> str:
        """The language of the text (`diegem.lib.languages.WrittenIn`), or of the heading: a
        section's title, or the name of a case's text, which is the interface's."""
        if field == "heading":
            return get_language() if self.case is not None else self.section.language_of("title")
        return self.language

    def annotation_fields(self) -> dict:
        """The target as Annotation model fields."""
        return {
            "section": self.section,
            "case": self.case,
            "case_field": self.case_field,
            "text_language": self.language,
        }


def section_target(section: Section) -> Target:
    text, language = section.shown_text("body")
    return Target(
        key=f"section:{section.key}",
        title=str(section),
        heading=section.shown.title,
        text=text,
        url=section.get_absolute_url(),
        section=section,
        language=language,
    )


def case_target(case: Case, field: str) -> Target:
    section = text_section(field)
    text, language = case.shown_text(section.field)
    return Target(
        key=f"case:{case.slug}:{section.slug}",
        title=f"{case.shown.title} · {section.title}",
        heading=str(section.title),
        text=text,
        language=language,
        url=f"{case.get_absolute_url()}#{section.slug}",
        case=case,
        case_field=section.field,
        anchor=section.slug,
    )


def resolve_target(key: str) -> Target:
    """The public text a target key names, or 404 (unknown, unpublished or empty)."""
    kind, _, rest = (key or "").partition(":")
    if kind == "section":
        return section_target(get_object_or_404(Section, key=rest))
    if kind == "case":
        slug, _, name = rest.partition(":")
        section = text_section(name)
        if section is None:
            raise Http404("Onbekende tekstsectie")
        case = get_object_or_404(Case.objects.published(), slug=slug)
        target = case_target(case, section.field)
        if not target.text:
            raise Http404("Lege tekstsectie")
        return target
    raise Http404("Onbekend doel")


def case_targets(case: Case) -> list[Target]:
    """Every non-empty text section of a case as a target."""
    return [case_target(case, section.field) for section, _text in case.text_sections()]
