"""User text never becomes markup: XSS payloads in body, attribution and link."""

import json

import lxml.html
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from annotations.models import Annotation
from annotations.rendering import render_markdown
from annotations.targets import section_target
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import make_annotation, make_reply
from tests.html import parse

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "[klik](javascript:alert(1))",
    "[klik](JaVaScRiPt:alert(1))",
    "[klik](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[klik](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://evil.example></iframe>",
    '"><script>alert(1)</script>',
    "<style>body{display:none}</style>",
    "<details open ontoggle=alert(1)>",
    "![x](https://evil.example/pixel.png)",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "`<script>alert(1)</script>`",
    "<a href='https://ok.example' onclick='alert(1)'>x</a>",
]


def assert_inert(tree, where: str):
    # The header's own account menu and a note's thread (opened in place) are <details>;
    # only those are the site's markup.
    account_menu = set(
        tree.xpath(
            "//header[@class='site-header']//nav[@class='account']/details[@class='account__details']"
            " | //article[starts-with(@id, 'kanttekening-')]/details[@class='thread']"
        )
    )
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if element not in account_menu:
            assert element.tag not in {"iframe", "style", "svg", "img", "math", "details"}, (
                where,
                element.tag,
            )
        if element.tag == "script":
            assert element.get("src") and element.get("nonce"), where
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (where, name)
            if name in {"href", "src"}:
                assert (
                    not value.strip().lower().startswith(("javascript:", "data:", "vbscript:"))
                ), (where, value)


ALLOWED_TAGS = {
    "div",
    "p",
    "br",
    "em",
    "strong",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_rendered_markdown_is_inert(payload):
    html = render_markdown(payload)
    tree = lxml.html.fragment_fromstring(html, create_parent="div")
    for element in tree.iter():
        assert element.tag in ALLOWED_TAGS, (payload, html)
        for name, value in element.attrib.items():
            assert name in {"href", "rel", "title"}, (payload, html)
            if name == "href":
                assert value.startswith(("http://", "https://", "mailto:")), (payload, html)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_inert_on_every_page_that_shows_annotations(
    framework, client, member_a, reviewer, payload
):
    section = Section.objects.get(key="ontmoeting")
    approved = make_annotation(
        target=section,
        author=member_a,
        body=payload,
        attribution=payload,
        link="https://ok.example/?q=%22%3E%3Cscript%3E",
    )
    pending = make_annotation(
        target=section, author=member_a, status="pending", body=payload, attribution=payload
    )
    # A reply carries the payload into the thread, the note's page and the queue too.
    make_reply(approved, author=member_a, body=payload, attribution=payload)
    make_reply(approved, author=member_a, body=payload, attribution=payload, status="pending")
    pages = {
        "note page (anonymous)": client.get(reverse("annotation-detail", args=[approved.pk])),
        "note page (author)": logged_in(member_a).get(
            reverse("annotation-detail", args=[approved.pk])
        ),
        "section page (anonymous)": client.get(section.get_absolute_url()),
        "section page (author)": logged_in(member_a).get(section.get_absolute_url()),
        "my annotations": logged_in(member_a).get(reverse("annotations-mine")),
        "moderation queue": logged_in(reviewer).get(reverse("moderation-queue")),
        "flag page": client.get(reverse("annotation-flag", args=[approved.pk])),
        "edit page": logged_in(member_a).get(reverse("annotation-edit", args=[pending.pk])),
    }
    for where, response in pages.items():
        assert response.status_code == 200, where
        assert_inert(parse(response), where)


def test_form_refuses_links_that_are_not_http(framework, member_a):
    target = section_target(Section.objects.get(key="ontmoeting"))
    for link in ["javascript:alert(1)", "data:text/html,x", "vbscript:x", "ftp://x.example/"]:
        response = logged_in(member_a).post(
            reverse("annotation-new"),
            {
                "doel": target.key,
                "passage": target.text[:30],
                "voice": "denker",
                "kind": "associatie",
                "body": "x",
                "link": link,
            },
        )
        assert response.status_code == 200, link
    assert not Annotation.objects.exists()


def test_database_refuses_links_that_are_not_http(framework):

    with pytest.raises(IntegrityError), transaction.atomic():
        make_annotation(link="javascript:alert(1)")


def test_api_carries_payloads_as_data_only(framework, client):
    annotation = make_annotation(
        body="<script>alert(1)</script>", attribution="<img src=x onerror=alert(1)>"
    )
    data = json.loads(client.get(reverse("api-annotation", args=[annotation.pk])).content)
    html = data["body"][0]["value"]
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&lt;img" in html
