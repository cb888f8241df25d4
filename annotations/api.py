"""Open data: public annotations as W3C Web Annotations (JSON-LD).

- `/api/kanttekeningen/<id>/`: one annotation (a margin note; a reply, motivation
  `replying`; or a reading of a coding: motivation `assessing`, its target the coding's own
  IRI, `/coderingen/<case id>/<key>/`);
- `/api/kanttekeningen/`: an AnnotationCollection of every public annotation,
  paged as AnnotationPages (`?pagina=N`);
- `/api/praktijken/<slug>/kanttekeningen/`, `/api/kader/<key>/kanttekeningen/`:
  the same for one case or one framework section.

Only `Annotation.objects.public()` is ever read here. The target of a note
is the plain text its selectors count in (`.../tekst/`), with the page that
shows it as `scope`; the target of a reply (motivation `replying`) is the IRI
of the annotation it answers (`reply_to`; its thread's note when that one is
no longer public).
"""

from __future__ import annotations

import functools
import hashlib
import json
import textwrap
from urllib.parse import urlencode

from django.core.paginator import EmptyPage, Paginator
from django.db.models import Exists, OuterRef
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseNotModified,
)
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import quote_etag
from django.utils.translation import gettext as _

from annotations.models import Annotation, Kind, Motivation, Voice
from cases.models import Case, text_section
from diegem.lib.conditional import etag_held
from diegem.lib.languages import language_codes, version_text
from diegem.lib.people import shown_name
from diegem.lib.versioning import current_content_version
from diegem.lib.web_address import as_uri
from frameworks.models import Section

ANNO_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
# The model names the motivation "assessing" (a reading of a coding), but the published
# context defines no term for it (it lists "reviewing"): without this, a JSON-LD processor
# would read it as a relative IRI. Used wherever a reading may stand.
CONTEXT_WITH_ASSESSING = [ANNO_CONTEXT, {"assessing": "oa:assessing"}]
CONTENT_TYPE = 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
RIGHTS = "https://creativecommons.org/licenses/by/4.0/"
# The research text the framework pages and the seed notes summarise.
SOURCE_TEXT = "‘Solidariteit in Superdiversiteit’ (DieGem, 2014)"
PAGE_SIZE = 100

# Motivations from the W3C vocabulary that anno.jsonld defines as terms.
MOTIVATIONS = {
    Kind.ASSOCIATION: "commenting",  # an association: a thought the passage calls up
    Kind.REMARK: "questioning",  # a remark: it questions or qualifies the passage
    Kind.EXAMPLE: "describing",  # an example: practice that describes what the passage says
}
# A reply's motivation; its target is the IRI of the annotation it answers.
REPLYING = "replying"


def _iso(moment) -> str:
    return moment.astimezone().isoformat(timespec="seconds")


def text_url(annotation: Annotation) -> str:
    """The plain text resource an annotation's selectors count in: the language version it was
    made on (`?taal=fr` for a translation; the original has no parameter)."""
    if annotation.section_id:
        url = reverse("section-text", args=[annotation.section.key])
        original = annotation.section.original_language
    else:
        url = reverse(
            "case-text", args=[annotation.case.slug, text_section(annotation.case_field).slug]
        )
        original = annotation.case.original_language
    if annotation.text_language != original:
        url += "?" + urlencode({TEXT_LANGUAGE_PARAM: annotation.text_language})
    return url


# The query parameter of a plain text resource naming a language version (`text_url`).
TEXT_LANGUAGE_PARAM = "taal"


def annotation_jsonld(
    annotation: Annotation, request: HttpRequest, *, with_context: bool = True
) -> dict:
    """One public annotation as a W3C Web Annotation."""
    if annotation.motivation == Motivation.ASSESSING:
        return reading_jsonld(annotation, request, with_context=with_context)
    absolute = request.build_absolute_uri
    html = annotation.body_html
    if annotation.is_paraphrase:
        # Our summary of a margin note of the research text: never presented as its author's words.
        html += format_html(
            '<p class="attribution">{}</p>',
            _("Naar %(attribution)s. Samengevat in eigen woorden uit %(source)s.")
            % {"attribution": annotation.attribution, "source": SOURCE_TEXT},
        )
    elif annotation.attribution:
        html += format_html('<p class="attribution">— {}</p>', annotation.attribution)
    replying = annotation.motivation == Motivation.REPLYING
    motivation = REPLYING if replying else MOTIVATIONS[annotation.kind]
    body: list[dict] = [
        {
            "type": "TextualBody",
            "value": html,
            "format": "text/html",
            "language": annotation.original_language,  # as its author wrote it
            "purpose": motivation,
        },
        {
            "type": "TextualBody",
            "value": str(Voice(annotation.voice).label),
            "purpose": "tagging",
            "language": "nl",
        },
    ]
    if annotation.kind:  # a margin note's kind; a reply has none
        body.append(
            {
                "type": "TextualBody",
                "value": str(Kind(annotation.kind).label),
                "purpose": "tagging",
                "language": "nl",
            }
        )
    if annotation.link:
        # An IRI: a character a member typed that an IRI may not hold (", <, a space) escaped.
        body.append(
            {
                "type": "SpecificResource",
                "source": as_uri(annotation.link),
                "purpose": "linking",
            }
        )
    creator = (
        # As the author chose to be shown: by name, or by their organisation alone (the byline).
        {"type": "Organization", "name": annotation.byline}
        if annotation.shown_as_organisation
        else {
            "type": "Person",
            "name": shown_name(annotation.author),
        }
        if annotation.author_id
        # Who wrote the words: the practice bank's editors, summarising the research text.
        else {
            "type": "Organization",
            "name": str(_("Redactie van de praktijkenbank DieGem")),
            "homepage": absolute(reverse("home")),
        }
    )
    data = {
        "id": absolute(reverse("api-annotation", args=[annotation.pk])),
        "type": "Annotation",
        "motivation": motivation,
        "created": _iso(annotation.created_at),
        "modified": _iso(annotation.updated_at),
        "creator": creator,
        "generator": {"id": absolute(reverse("home")), **_GENERATOR},
        "rights": RIGHTS,
        "body": body,
        "target": absolute(reverse("api-annotation", args=[_answered_id(annotation)]))
        if replying
        else _passage_target(annotation, request),
    }
    return {"@context": ANNO_CONTEXT, **data} if with_context else data


def _answered_id(reply: Annotation) -> int:
    """The annotation a reply targets: the one it answers while that is public, else its thread's note.

    `reply_to_public` comes with the query (`with_reply_targets`); a reply's root is
    public whenever the reply is, so the fallback never points at a 404.
    """
    if reply.reply_to_id and getattr(reply, "reply_to_public", False):
        return reply.reply_to_id
    return reply.parent_id


def with_reply_targets(annotations):
    """Each annotation with `reply_to_public`: is the annotation it answers public? (One subquery.)"""
    answered = Annotation.objects.public().filter(pk=OuterRef("reply_to_id"))
    return annotations.annotate(reply_to_public=Exists(answered))


def reading_jsonld(
    annotation: Annotation, request: HttpRequest, *, with_context: bool = True
) -> dict:
    """A public reading of a coding: motivation `assessing`, its target the coding's own IRI.

    The argument and the proposed value (in words and as a machine value) are
    its bodies; the researchers' answer, when there is one, a third. Its
    creator is the member's organisation, never a person's name (as in the
    readings' data files). With a passage, that passage is a second target.
    """
    absolute = request.build_absolute_uri
    reading = annotation.reading
    coding_iri = absolute(reverse("coding", args=[annotation.case_id, reading.item.key]))
    body: list[dict] = [
        {
            "type": "TextualBody",
            "value": annotation.body_html,
            "format": "text/html",
            "language": annotation.original_language,
            "purpose": "assessing",
        },
        {
            "type": "TextualBody",
            "value": reading.label,
            "language": "nl",
            "purpose": "classifying",
        },
        {"type": "TextualBody", "value": reading.code, "purpose": "tagging"},
    ]
    if reading.answered_at:
        body.append(
            {
                "type": "TextualBody",
                "value": reading.answer_html,
                "format": "text/html",
                "language": "nl",
                "purpose": "replying",
                "created": _iso(reading.answered_at),
            }
        )
    target: str | list = coding_iri
    if annotation.has_passage:
        target = [coding_iri, _passage_target(annotation, request)]
    data = {
        "id": absolute(reverse("api-annotation", args=[annotation.pk])),
        "type": "Annotation",
        "motivation": "assessing",
        "created": _iso(annotation.created_at),
        "modified": _iso(annotation.updated_at),
        "creator": {
            "type": "Organization",
            "name": str(annotation.organisation or _("Een lid van een partnerorganisatie")),
        },
        "generator": _GENERATOR | {"id": absolute(reverse("home"))},
        "rights": RIGHTS,
        "body": body,
        "target": target,
    }
    return {"@context": CONTEXT_WITH_ASSESSING, **data} if with_context else data


_GENERATOR = {"type": "Software", "name": "Praktijkenbank DieGem"}


def _passage_target(annotation: Annotation, request: HttpRequest) -> dict:
    """The passage an annotation is on: its text, the page that shows it, and the selectors."""
    absolute = request.build_absolute_uri
    return {
        "type": "SpecificResource",
        "source": absolute(text_url(annotation)),
        "scope": absolute(annotation.target_url),
        "selector": [
            {
                "type": "TextQuoteSelector",
                "exact": annotation.quote_exact,
                "prefix": annotation.quote_prefix,
                "suffix": annotation.quote_suffix,
            },
            {
                "type": "TextPositionSelector",
                "start": annotation.position_start,
                "end": annotation.position_end,
            },
        ],
    }


def published_annotations():
    """What the API shows: public notes, replies and readings (replies with their targets)."""
    return with_reply_targets(Annotation.objects.public().filter(motivation__in=SHOWN_MOTIVATIONS))


SHOWN_MOTIVATIONS = [Motivation.COMMENTING, Motivation.REPLYING, Motivation.ASSESSING]


ALLOWED = ("GET", "HEAD", "OPTIONS")


def open_to_every_origin(view):
    """A resource of the API, read from any site's scripts (CORS): GET and HEAD, and OPTIONS,
    which the Web Annotation Protocol asks of an annotation's IRI and a browser sends first
    when a script asks with the protocol's own Accept header or with If-None-Match (neither is
    a "simple" request). Any other method: 405, naming those three."""

    @functools.wraps(view)
    def answer(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = ", ".join(ALLOWED)
            response["Access-Control-Allow-Headers"] = "Accept, If-None-Match"
            response["Access-Control-Max-Age"] = "86400"
        elif request.method in ("GET", "HEAD"):
            response = view(request, *args, **kwargs)
        else:
            return HttpResponseNotAllowed(ALLOWED)
        response["Allow"] = ", ".join(ALLOWED)
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return answer


def _jsonld_response(
    request: HttpRequest, data: dict, etag: str, content_type: str = CONTENT_TYPE
) -> HttpResponse:
    """`data` as JSON-LD, or 304 when the client holds it (`etag_held`)."""
    etag = quote_etag(etag)
    if etag_held(request, etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(
            json.dumps(data, ensure_ascii=False, indent=2), content_type=content_type
        )
    response["ETag"] = etag
    response["Vary"] = "Accept"
    response["Access-Control-Expose-Headers"] = "ETag, Link"  # for any origin: the decorator
    response["Link"] = '<http://www.w3.org/ns/ldp#Resource>; rel="type"'
    return response


@open_to_every_origin
def annotation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    annotation = get_object_or_404(_with_reading(published_annotations().with_target()), pk=pk)
    etag = f"a{annotation.pk}-v{annotation.version}-{current_content_version()}"
    return _jsonld_response(request, annotation_jsonld(annotation, request), etag)


def _with_reading(annotations):
    """A reading's coding comes along in the same query."""
    return annotations.select_related("reading__source", "reading__tension_field")


def collection_items(annotations):
    """The members of a collection in the order every page and document lists them, with what they show."""
    return _with_reading(annotations.with_target()).order_by("pk")


def items_jsonld(annotations, request) -> list[dict]:
    """Annotations as the `items` of an AnnotationPage (the page's context stands for theirs)."""
    return [annotation_jsonld(a, request, with_context=False) for a in annotations]


def write_collection_document(request, annotations, collection_url: str, label: str, out) -> int:
    """A whole AnnotationCollection as one JSON-LD document, its one page embedded as `first`.

    What a data release keeps: the same items, in the same order, as the paged
    collection at `collection_url` (`_collection`), written one annotation at a
    time into the text stream `out` (memory stays that of one annotation). The
    `total` comes last: it counts what was written. `request` only needs
    `build_absolute_uri` (a release cut by a command passes the site's address).
    Returns the total.
    """
    head = {
        "@context": CONTEXT_WITH_ASSESSING,
        "id": request.build_absolute_uri(collection_url),
        "type": "AnnotationCollection",
        "label": label,
    }
    text = json.dumps(head, ensure_ascii=False, indent=2)
    out.write(text[: -len("\n}")])
    page = {
        # The one page of this document: named within it, part of the collection it holds.
        "id": f"{head['id']}#alles",
        "type": "AnnotationPage",
        "partOf": head["id"],
        "startIndex": 0,
    }
    out.write(',\n  "first": {\n')
    for key, value in page.items():
        out.write(f"    {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)},\n")
    out.write('    "items": [')
    total = 0
    for annotation in collection_items(annotations).iterator(chunk_size=500):
        item = json.dumps(
            annotation_jsonld(annotation, request, with_context=False), ensure_ascii=False, indent=2
        )
        out.write(("," if total else "") + "\n" + textwrap.indent(item, "      "))
        total += 1
    out.write("\n    ]\n  }," if total else "]\n  },")
    out.write(f'\n  "total": {total}\n}}')
    return total


ALL_LABEL = "Kanttekeningen in de praktijkenbank DieGem"


def _collection(request: HttpRequest, annotations, collection_url: str, label: str) -> HttpResponse:
    """An AnnotationCollection (no `pagina`) or one of its AnnotationPages."""
    paginator = Paginator(collection_items(annotations), PAGE_SIZE, allow_empty_first_page=True)
    total = paginator.count  # one count, shared with the paging
    absolute_collection = request.build_absolute_uri(collection_url)

    def page_url(number: int) -> str:
        return f"{absolute_collection}?{urlencode({'pagina': number})}"

    page_param = request.GET.get("pagina")
    if page_param is None:
        data = {
            "@context": ANNO_CONTEXT,
            "id": absolute_collection,
            "type": "AnnotationCollection",
            "label": label,
            "total": total,
        }
        if total:
            data["first"] = page_url(1)
            data["last"] = page_url(paginator.num_pages)
        return _jsonld_response(request, data, f"c-{total}-{current_content_version()}")
    try:
        page = paginator.page(int(page_param))
    except (ValueError, EmptyPage):
        raise Http404("Die pagina bestaat niet") from None
    data = {
        "@context": CONTEXT_WITH_ASSESSING,
        "id": page_url(page.number),
        "type": "AnnotationPage",
        "partOf": {"id": absolute_collection, "label": label, "total": total},
        "startIndex": page.start_index() - 1 if total else 0,
        "items": items_jsonld(page.object_list, request),
    }
    if page.has_next():
        data["next"] = page_url(page.next_page_number())
    if page.has_previous():
        data["prev"] = page_url(page.previous_page_number())
    return _jsonld_response(request, data, f"p{page.number}-{total}-{current_content_version()}")


@open_to_every_origin
def collection_all(request: HttpRequest) -> HttpResponse:
    return _collection(
        request,
        published_annotations(),
        reverse("api-annotations"),
        ALL_LABEL,
    )


@open_to_every_origin
def collection_case(request: HttpRequest, slug: str) -> HttpResponse:
    case = get_object_or_404(Case.objects.published(), slug=slug)
    return _collection(
        request,
        published_annotations().filter(case=case),
        reverse("api-case-annotations", args=[slug]),
        f"Kanttekeningen bij {case.title}",
    )


@open_to_every_origin
def collection_section(request: HttpRequest, key: str) -> HttpResponse:
    section = get_object_or_404(Section, key=key)
    return _collection(
        request,
        published_annotations().filter(section=section),
        reverse("api-section-annotations", args=[key]),
        f"Kanttekeningen bij {section}",
    )


def _version_text(request: HttpRequest, obj, field: str) -> HttpResponse:
    """One language version of a text (`?taal=fr`; the original without), 404 for a language
    the site does not have or a translation there is none of."""
    language = request.GET.get(TEXT_LANGUAGE_PARAM) or obj.original_language
    if language not in language_codes():
        raise Http404("Onbekende taal")
    text = version_text(obj, field, language)
    if not text:
        raise Http404("Geen vertaling")
    response = _plain_text(text)
    response["Content-Language"] = language
    return response


def _plain_text(text: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["ETag"] = quote_etag(hashlib.sha256(text.encode()).hexdigest()[:32])
    return response


@open_to_every_origin
def section_text(request: HttpRequest, key: str) -> HttpResponse:
    """The plain text of a framework section: what selectors on it count in."""
    return _version_text(request, get_object_or_404(Section, key=key), "body")


@open_to_every_origin
def case_text(request: HttpRequest, slug: str, field: str) -> HttpResponse:
    """The plain text of a published case's section: what selectors on it count in."""
    section = text_section(field)
    if section is None:
        raise Http404("Onbekende tekstsectie")
    case = get_object_or_404(Case.objects.published(), slug=slug)
    if field != section.slug:  # a field name from the first release's IRIs
        return redirect("case-text", slug, section.slug, permanent=True)
    return _version_text(request, case, section.field)
