"""Open data: W3C Web Annotations as JSON-LD, checked offline against the standards.

The JSON-LD context and the W3C annotation-model test suite's MUST assertions
are copied into tests/standards/ (see its README), so no network is needed.
"""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft4Validator
from pyld import jsonld
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from annotations.api import CONTENT_TYPE, MOTIVATIONS
from annotations.models import Annotation, Reading
from cases import services as case_services
from cases.models import Case
from frameworks.models import Section
from tests.factories import make_annotation, make_case, make_member, make_reading, make_reply
from tests.html import parse

pytestmark = pytest.mark.django_db

STANDARDS = Path(__file__).resolve().parent.parent / "standards"
ANNO = "http://www.w3.org/ns/anno.jsonld"
OA = "http://www.w3.org/ns/oa#"


def local_loader(url, options=None):
    """A JSON-LD document loader that knows only the W3C annotation context."""
    if url.rstrip("/") != ANNO:
        raise AssertionError(f"unexpected remote document {url}")
    return {
        "contentType": "application/ld+json",
        "contextUrl": None,
        "documentUrl": url,
        "document": json.loads((STANDARDS / "anno.jsonld").read_text()),
    }


def must_assertions() -> list[dict]:
    suite = STANDARDS / "w3c-annotation-model"
    listing = json.loads((suite / "annotations" / "annotationMusts.test").read_text())
    return [json.loads((suite / path).read_text()) for path in listing["assertions"]]


def registry() -> Registry:
    definitions = STANDARDS / "w3c-annotation-model" / "definitions"
    resources = []
    for path in definitions.glob("*.json"):
        schema = json.loads(path.read_text())
        resources.append(
            (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        )
    return Registry().with_resources(resources)


@pytest.fixture
def annotations(framework, member_a):
    call_command("seed", verbosity=0)
    case = Case.objects.get(slug="torekes")
    member_note = make_annotation(
        target=case,
        passage=case.practice[:25],
        author=member_a,
        body="Zie ook [onze werking](https://example.org/werking).",
        link="https://example.org/werking",
        attribution="Eigen observatie",
        kind="aanmerking",
    )
    return list(Annotation.objects.public()), member_note


def get_json(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    assert response["Content-Type"] == CONTENT_TYPE
    return response, json.loads(response.content)


def test_every_public_annotation_meets_the_w3c_must_assertions(client, annotations):
    public, _member_note = annotations
    assert len(public) == 49  # the 48 margin notes of the research text and a member's
    assertions = must_assertions()
    assert len(assertions) == 54
    reg = registry()
    for annotation in public:
        _response, data = get_json(client, reverse("api-annotation", args=[annotation.pk]))
        for assertion in assertions:
            validator = Draft4Validator(
                assertion, registry=reg, format_checker=Draft4Validator.FORMAT_CHECKER
            )
            valid = validator.is_valid(data)
            assert valid == (assertion["expectedResult"] == "valid"), (
                annotation.pk,
                assertion["id"],
                assertion["errorMessage"],
            )


def test_the_w3c_assertions_can_fail(client, annotations):
    """The checks above are real: a broken annotation fails them."""
    public, _ = annotations
    _response, data = get_json(client, reverse("api-annotation", args=[public[0].pk]))
    broken = {key: value for key, value in data.items() if key not in ("@context", "target")}
    reg = registry()
    failures = [
        a["id"] for a in must_assertions() if not Draft4Validator(a, registry=reg).is_valid(broken)
    ]
    assert "3.1-annotationContextValidated.json" in failures
    assert "3.1-targetKeyFound.json" in failures


def test_every_motivation_is_a_term_of_the_context(client, annotations):

    context = json.loads((STANDARDS / "anno.jsonld").read_text())["@context"]
    for motivation in MOTIVATIONS.values():
        assert context[motivation] == f"oa:{motivation}"


def test_annotation_expands_as_json_ld_with_the_required_properties(client, annotations):
    _public, member_note = annotations
    _response, data = get_json(client, reverse("api-annotation", args=[member_note.pk]))
    expanded = jsonld.expand(data, {"documentLoader": local_loader})
    assert len(expanded) == 1
    node = expanded[0]
    assert node["@id"].endswith(reverse("api-annotation", args=[member_note.pk]))
    assert node["@type"] == [OA + "Annotation"]
    assert node[OA + "motivatedBy"] == [{"@id": OA + "questioning"}]
    target = node[OA + "hasTarget"][0]
    assert target[OA + "hasSource"][0]["@id"].endswith(
        reverse("case-text", args=["torekes", "praktijk"])
    )
    assert target[OA + "hasScope"][0]["@id"].endswith("/praktijken/torekes/#praktijk")
    selectors = {s["@type"][0]: s for s in target[OA + "hasSelector"]}
    quote = selectors[OA + "TextQuoteSelector"]
    position = selectors[OA + "TextPositionSelector"]
    case = Case.objects.get(slug="torekes")
    assert quote[OA + "exact"][0]["@value"] == case.practice[:25]
    start = position[OA + "start"][0]["@value"]
    end = position[OA + "end"][0]["@value"]
    assert case.practice[start:end] == case.practice[:25]
    bodies = node[OA + "hasBody"]
    textual = [b for b in bodies if b.get("@type") == [OA + "TextualBody"]]
    assert any(
        "onze werking" in b["http://www.w3.org/1999/02/22-rdf-syntax-ns#value"][0]["@value"]
        for b in textual
    )
    assert any(b.get(OA + "hasPurpose") == [{"@id": OA + "tagging"}] for b in textual)
    assert "http://purl.org/dc/terms/created" in node and "http://purl.org/dc/terms/rights" in node


def test_the_target_source_serves_the_text_the_selectors_count_in(client, annotations):
    public, _ = annotations
    for annotation in public[:10]:
        _response, data = get_json(client, reverse("api-annotation", args=[annotation.pk]))
        text_response = client.get(data["target"]["source"].replace("http://testserver", ""))
        assert text_response["Content-Type"] == "text/plain; charset=utf-8"
        text = text_response.content.decode()
        position = next(
            s for s in data["target"]["selector"] if s["type"] == "TextPositionSelector"
        )
        quote = next(s for s in data["target"]["selector"] if s["type"] == "TextQuoteSelector")
        assert text[position["start"] : position["end"]] == quote["exact"]


def test_annotation_has_an_etag_and_answers_304(client, annotations):
    public, _ = annotations
    url = reverse("api-annotation", args=[public[0].pk])
    response, _data = get_json(client, url)
    etag = response["ETag"]
    assert etag.startswith('"')
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert response["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("sent", "answered"),
    [
        ("{etag}", 304),
        ("W/{etag}", 304),  # weakened by a proxy that compresses: still the same resource
        ('"ander", {etag}', 304),
        ("*", 304),
        ('"ander"', 200),
    ],
)
def test_a_conditional_request_compares_etags_as_http_asks(client, annotations, sent, answered):
    public, _ = annotations
    url = reverse("api-annotation", args=[public[0].pk])
    etag = client.get(url)["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=sent.format(etag=etag)).status_code == answered


def test_a_resource_without_a_modification_date_ignores_if_unmodified_since(client, annotations):
    public, _ = annotations
    url = reverse("api-annotation", args=[public[0].pk])
    asked = client.get(url, HTTP_IF_UNMODIFIED_SINCE="Sat, 01 Jan 2000 00:00:00 GMT")
    assert asked.status_code == 200


def test_a_script_on_another_site_may_ask_for_the_profile_and_a_conditional_answer(
    client, annotations
):
    """The protocol's Accept header and If-None-Match make a browser ask first (OPTIONS)."""
    public, _ = annotations
    for url in (
        reverse("api-annotation", args=[public[0].pk]),
        reverse("api-annotations"),
        reverse("api-case-annotations", args=["torekes"]),
        reverse("case-text", args=["torekes", "praktijk"]),
        reverse("coding", args=[Case.objects.get(slug="torekes").pk, "strijd"]),
    ):
        asked = client.options(
            url,
            HTTP_ORIGIN="https://elders.example",
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="accept, if-none-match",
        )
        assert asked.status_code == 204, url
        assert asked["Access-Control-Allow-Origin"] == "*"
        assert asked["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
        assert asked["Access-Control-Allow-Headers"] == "Accept, If-None-Match"
        assert asked["Allow"] == "GET, HEAD, OPTIONS"
        assert client.get(url)["Allow"] == "GET, HEAD, OPTIONS", url


def test_a_link_is_given_as_an_iri_whatever_was_typed(client, framework, member_a):
    case = make_case()
    note = make_annotation(target=case, author=member_a, link='https://example.org/"x y')
    _response, data = get_json(client, reverse("api-annotation", args=[note.pk]))
    assert data["body"][-1] == {
        "type": "SpecificResource",
        "source": "https://example.org/%22x%20y",
        "purpose": "linking",
    }


def test_collection_and_pages(client, annotations, settings):
    public, _ = annotations
    _response, collection = get_json(client, reverse("api-annotations"))
    assert collection["type"] == "AnnotationCollection"
    assert collection["total"] == len(public)
    assert collection["first"].endswith("?pagina=1")
    _response, page = get_json(client, collection["first"].replace("http://testserver", ""))
    assert page["type"] == "AnnotationPage"
    assert page["partOf"]["id"] == collection["id"]
    assert page["startIndex"] == 0
    assert len(page["items"]) == len(public)
    assert all(item["type"] == "Annotation" for item in page["items"])
    expanded = jsonld.expand(page, {"documentLoader": local_loader})
    assert expanded[0]["@type"] == ["http://www.w3.org/ns/activitystreams#OrderedCollectionPage"]
    assert client.get(reverse("api-annotations"), {"pagina": 99}).status_code == 404


def test_collections_per_case_and_section(client, annotations):
    _response, torekes = get_json(client, reverse("api-case-annotations", args=["torekes"]))
    assert torekes["total"] == Annotation.objects.public().filter(case__slug="torekes").count() > 0
    _response, section = get_json(
        client, reverse("api-section-annotations", args=["wederzijdse-afhankelijkheid"])
    )
    assert (
        section["total"]
        == Annotation.objects.public().filter(section__key="wederzijdse-afhankelijkheid").count()
    )
    draft = make_case(status=Case.Status.DRAFT)
    assert client.get(reverse("api-case-annotations", args=[draft.slug])).status_code == 404


def test_pages_with_annotations_link_their_collection(client, annotations):
    for url, collection in [
        ("/praktijken/torekes/", reverse("api-case-annotations", args=["torekes"])),
        (
            Section.objects.get(key="ontmoeting").get_absolute_url(),
            reverse("api-section-annotations", args=["ontmoeting"]),
        ),
    ]:
        response = client.get(url)
        html = response.content.decode()
        assert (
            'type="application/ld+json; profile=&quot;http://www.w3.org/ns/anno.jsonld&quot;"'
            in html
        )
        links = parse(response).xpath(
            "//head/link[@rel='alternate' and starts-with(@type, 'application/ld+json')]"
        )
        assert [link.get("href") for link in links] == [collection]
        assert (
            links[0].get("type")
            == 'application/ld+json; profile="http://www.w3.org/ns/anno.jsonld"'
        )


def test_api_is_read_only(client, annotations):
    public, _ = annotations
    assert client.post(reverse("api-annotations"), {}).status_code == 405
    refused = client.delete(reverse("api-annotation", args=[public[0].pk]))
    assert refused.status_code == 405
    assert refused["Allow"] == "GET, HEAD, OPTIONS"


def test_member_name_is_the_creator_and_seed_notes_are_the_editors_paraphrase(client, framework):
    member = make_member(first_name="Fatima", last_name="El Idrissi")
    own = make_annotation(author=member, attribution="Eigen observatie")
    seed = make_annotation(
        attribution="Simmel (1950)", body="Kleine ontmoetingen binden.", seed_key="simmel-test"
    )
    _r, own_data = get_json(client, reverse("api-annotation", args=[own.pk]))
    _r, seed_data = get_json(client, reverse("api-annotation", args=[seed.pk]))
    assert own_data["creator"] == {"type": "Person", "name": "Fatima El Idrissi"}
    assert own_data["body"][0]["value"].endswith('<p class="attribution">— Eigen observatie</p>')
    # The words are the editors' summary of the research text, not Simmel's.
    assert seed_data["creator"] == {
        "type": "Organization",
        "name": "Redactie van de praktijkenbank DieGem",
        "homepage": "http://testserver/",
    }
    assert seed_data["body"][0]["value"] == (
        "<p>Kleine ontmoetingen binden.</p>"
        '<p class="attribution">Naar Simmel (1950). Samengevat in eigen woorden uit '
        "‘Solidariteit in Superdiversiteit’ (DieGem, 2014).</p>"
    )


def test_api_etags_change_with_the_content(client, framework, researcher):
    """An API client's ETag does not survive a change of what is public."""
    make_annotation(target=make_case(title="A"))
    other = make_case(title="B", status=Case.Status.IN_REVIEW)
    etag = client.get(reverse("api-annotations"))["ETag"]
    case_services.case_transition(case=other, action="publish", actor=researcher)
    assert client.get(reverse("api-annotations"), HTTP_IF_NONE_MATCH=etag).status_code == 200


# --- readings of a coding: motivation `assessing`, on the coding's own IRI ----------------------


@pytest.fixture
def readings(framework, member_a):
    case = make_case(title="Buurtkeuken", slug="buurtkeuken", strengths={"ontmoeting": 2})
    plain = make_reading(
        case,
        source="ontmoeting",
        author=member_a,
        organisation=member_a.membership.organisation,
        body="Veel *ontmoeting*.",
    )
    on_passage = make_reading(
        case,
        tension_field="consensus-conflict",
        value={"holds_both": True},
        passage="Wat er gebeurt",
        author=member_a,
    )
    Reading.objects.filter(annotation=on_passage).update(
        answer="Dank u.", answer_html="<p>Dank u.</p>", answered_at=timezone.now()
    )
    return case, plain, on_passage


def test_every_public_reading_meets_the_w3c_must_assertions(client, readings):
    _case, plain, on_passage = readings
    reg = registry()
    for annotation in (plain, on_passage):
        _response, data = get_json(client, reverse("api-annotation", args=[annotation.pk]))
        for assertion in must_assertions():
            validator = Draft4Validator(
                assertion, registry=reg, format_checker=Draft4Validator.FORMAT_CHECKER
            )
            assert validator.is_valid(data) == (assertion["expectedResult"] == "valid"), (
                annotation.pk,
                assertion["id"],
            )


def test_a_reading_assesses_the_codings_own_iri(client, readings):
    case, plain, on_passage = readings
    _response, data = get_json(client, reverse("api-annotation", args=[plain.pk]))
    node = jsonld.expand(data, {"documentLoader": local_loader})[0]

    assert node[OA + "motivatedBy"] == [{"@id": OA + "assessing"}]
    assert node[OA + "hasTarget"] == [
        {"@id": f"http://testserver/coderingen/{case.pk}/ontmoeting/"}
    ]
    values = [
        b["http://www.w3.org/1999/02/22-rdf-syntax-ns#value"][0]["@value"]
        for b in node[OA + "hasBody"]
    ]
    assert values == ["<p>Veel <em>ontmoeting</em>.</p>", "sterk", "3"]
    assert data["creator"] == {"type": "Organization", "name": "Samenlevingsopbouw Testwijk"}

    _response, data = get_json(client, reverse("api-annotation", args=[on_passage.pk]))
    coding_iri, passage = data["target"]
    assert coding_iri == f"http://testserver/coderingen/{case.pk}/consensus-conflict/"
    assert passage["selector"][0]["exact"] == "Wat er gebeurt"
    assert [body.get("purpose") for body in data["body"]] == [
        "assessing",
        "classifying",
        "tagging",
        "replying",
    ]
    assert client.get(coding_iri.replace("http://testserver", "")).status_code == 302
    # Asked for JSON-LD, the coding is described in schema.org's terms: not in the
    # annotation model's, so not said to be in its profile.
    described = client.get(
        coding_iri.replace("http://testserver", ""), HTTP_ACCEPT="application/ld+json"
    )
    assert described["Content-Type"] == "application/ld+json"
    assert json.loads(described.content)["@context"]["@vocab"] == "https://schema.org/"


def test_readings_are_in_the_collections(client, readings):
    case, plain, on_passage = readings
    for url in (reverse("api-annotations"), reverse("api-case-annotations", args=[case.slug])):
        _response, page = get_json(client, url + "?pagina=1")
        ids = {item["id"] for item in page["items"] if item["motivation"] == "assessing"}
        assert ids == {
            f"http://testserver/api/kanttekeningen/{plain.pk}/",
            f"http://testserver/api/kanttekeningen/{on_passage.pk}/",
        }


# --- replies ---------------------------------------------------------------------------------------


@pytest.fixture
def thread(annotations, member_a, researcher):
    _public, member_note = annotations
    first = make_reply(member_note, author=researcher, body="Een antwoord van de onderzoeker.")
    second = make_reply(member_note, reply_to=first, author=member_a, body="Een antwoord daarop.")
    pending = make_reply(member_note, author=member_a, status="pending", body="WACHTEND")
    return member_note, first, second, pending


def test_a_reply_meets_the_w3c_must_assertions_and_targets_what_it_answers(client, thread):
    note, first, second, _pending = thread
    reg = registry()
    for reply, answered in [(first, note), (second, first)]:
        _response, data = get_json(client, reverse("api-annotation", args=[reply.pk]))
        for assertion in must_assertions():
            validator = Draft4Validator(
                assertion, registry=reg, format_checker=Draft4Validator.FORMAT_CHECKER
            )
            assert validator.is_valid(data) == (assertion["expectedResult"] == "valid"), (
                reply.pk,
                assertion["id"],
            )
        assert data["motivation"] == "replying"
        assert data["target"] == f"http://testserver/api/kanttekeningen/{answered.pk}/"
        assert [body.get("purpose") for body in data["body"]] == ["replying", "tagging"]
        expanded = jsonld.expand(data, {"documentLoader": local_loader})[0]
        assert expanded[OA + "motivatedBy"] == [{"@id": OA + "replying"}]
        assert expanded[OA + "hasTarget"] == [
            {"@id": f"http://testserver/api/kanttekeningen/{answered.pk}/"}
        ]


def test_a_reply_to_a_reply_no_longer_public_targets_the_thread_note(client, thread):
    note, first, second, _pending = thread
    Annotation.objects.filter(pk=first.pk).update(status="hidden")
    _response, data = get_json(client, reverse("api-annotation", args=[second.pk]))
    assert data["target"] == f"http://testserver/api/kanttekeningen/{note.pk}/"


def test_public_replies_are_in_the_collections_and_pending_ones_are_not(client, thread):
    note, first, second, pending = thread
    expected = {
        f"http://testserver/api/kanttekeningen/{pk}/" for pk in (note.pk, first.pk, second.pk)
    }
    for url in [
        reverse("api-annotations") + "?pagina=1",
        reverse("api-case-annotations", args=["torekes"]) + "?pagina=1",
    ]:
        _response, page = get_json(client, url)
        ids = {item["id"] for item in page["items"]}
        assert expected <= ids, url
        assert f"http://testserver/api/kanttekeningen/{pending.pk}/" not in ids
    assert client.get(reverse("api-annotation", args=[pending.pk])).status_code == 404
