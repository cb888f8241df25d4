"""Parts of a page that are the same for every reader are kept by the content version
(`{% versioned_fragment %}`): a signed-in reader, whom the page cache never serves, gets them
without making them again, and never what is no longer true or what belongs to one response."""

import pytest
from django.db import connection
from django.http import HttpResponse
from django.template import RequestContext, Template, TemplateSyntaxError
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services as case_services
from diegem.lib.caching import cached_fragment
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


def queries_for(client, url: str):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def main(response) -> str:
    return parse(response).xpath("string(//main)")


def test_a_signed_in_reader_gets_the_home_page_content_without_making_it_again(framework, member_a):
    make_case(title="Gedeelde kookploeg")
    reader = logged_in(member_a)
    made, first = queries_for(reader, reverse("home"))
    kept, second = queries_for(reader, reverse("home"))
    assert "Gedeelde kookploeg" in main(first)
    assert main(second) == main(first)
    # Not read again: the counts per domain, the domains, sources, fields, latest cases and
    # their source codings.
    assert made - kept == 6


def test_a_write_reaches_the_kept_fragment_at_once(framework, member_a, researcher):
    case = make_case(title="Verdwijnende kookploeg")
    reader = logged_in(member_a)
    reader.get(reverse("home"))
    case_services.case_transition(case=case, action="unpublish", actor=researcher)
    assert "Verdwijnende kookploeg" not in main(reader.get(reverse("home")))


def test_each_address_has_its_own_fragment(framework, member_a):
    make_case(title="Bewezen kookploeg")
    reader = logged_in(member_a)
    everything = parse(reader.get(reverse("home")))
    evidence = parse(reader.get(reverse("home") + "?grond=tekstbewijs"))
    current = "//section[@id='nieuwste']//*[@aria-current]"
    assert texts(everything, current) != texts(evidence, current)


def render_twice(output: str) -> int:
    request = RequestFactory().get("/")
    request._csp_nonce = "dit-antwoord-alleen"
    made = []

    def render():
        made.append(1)
        return [output]

    for _ in range(2):
        assert cached_fragment("test", request, render) == [output]
    return len(made)


KEPT = [
    ("<p>Voor iedereen dezelfde tekst.</p>", 1),
    ('<form><input type="hidden" name="csrfmiddlewaretoken" value="abc"></form>', 2),
    ('<script src="/static/js/a.js" nonce="dit-antwoord-alleen"></script>', 2),
]


@pytest.mark.parametrize(("output", "renders"), KEPT)
def test_only_output_that_belongs_to_no_one_response_is_kept(framework, output, renders):
    assert render_twice(output) == renders


def test_every_reader_gets_the_same_home_page_content(framework, member_a, researcher, client):
    make_case(title="Voor iedereen")
    make_case(title="Nog een concept", status="draft")
    readers = [client, logged_in(member_a), logged_in(researcher)]
    contents = {main(reader.get(reverse("home"))) for reader in readers}
    assert len(contents) == 1 and "Voor iedereen" in contents.pop()


FRAGMENT = Template(
    "{% load fragments %}{% versioned_fragment 'test' %}"
    "{% if user.is_authenticated %}Dag {{ user.username }}{% else %}Dag lezer{% endif %}"
    "{% endversioned_fragment %}"
)
WITH_TOKEN = Template(
    "{% load fragments %}{% versioned_fragment 'form' %}<form method='post'>{% csrf_token %}"
    "</form>{% endversioned_fragment %}"
)


def test_inside_a_fragment_every_reader_is_anonymous(framework, member_a):
    request = RequestFactory().get("/")
    request.user = member_a
    context = RequestContext(request, {"user": member_a})
    assert FRAGMENT.render(context) == "Dag lezer"


def test_a_fragment_with_the_readers_csrf_token_is_made_for_them_and_never_kept(
    framework, member_a
):
    outputs = []
    for _ in range(2):
        request = RequestFactory().get("/")
        request.user = member_a
        outputs.append(WITH_TOKEN.render(RequestContext(request, {})))
    tokens = [o.split('value="')[1].split('"')[0] for o in outputs]
    assert all(len(token) == 64 for token in tokens)  # each reader's own, masked anew
    assert tokens[0] != tokens[1]


def test_nothing_is_kept_with_the_page_cache_off(framework, settings):
    settings.PAGE_CACHE_SECONDS = 0
    assert render_twice("<p>Voor iedereen dezelfde tekst.</p>") == 2


def test_a_kept_form_gets_each_readers_own_token(framework, member_a, member_b):
    made = []
    kept = Template(
        "{% load fragments %}{% shared_fragment 'form' 1 %}{{ make }}<form method='post'>"
        "{% csrf_token %}</form>{% endshared_fragment %}"
    )
    tokens = []
    for reader in (member_a, member_b):
        request = RequestFactory().get("/")
        request.user = reader
        output = kept.render(RequestContext(request, {"make": lambda: made.append(1) or ""}))
        tokens.append(output.split('value="')[1].split('"')[0])
    assert len(made) == 1  # made once, kept for the second reader
    assert all(len(token) == 64 for token in tokens) and tokens[0] != tokens[1]


@pytest.mark.parametrize(
    "tag", ["{% shared_fragment 'x' 1 if not y %}", "{% shared_fragment 'x' if y %}"]
)
def test_a_condition_is_one_variable_after_the_keys(tag):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load fragments %}" + tag + "{% endshared_fragment %}")


# `make bench` asking for a page as the first reader after a change makes it (diegem.benchmark).
WHOLE = [
    # (X-Bench-Cold, is every kept part bypassed while the page is made?)
    ("whole", True),
    ("1", False),
    (None, False),
]


@pytest.mark.parametrize(("header", "whole"), WHOLE)
def test_the_bench_can_ask_for_a_page_made_whole(framework, header, whole):
    from diegem.benchmark import ServerTimingMiddleware
    from diegem.lib.caching import making_whole

    seen = []

    def view(request):
        seen.append(making_whole.get())
        return HttpResponse(str(render_twice("<p>Gedeeld.</p>")))

    headers = {"HTTP_X_BENCH_COLD": header} if header else {}
    response = ServerTimingMiddleware(view)(RequestFactory().get("/", **headers))
    assert seen == [whole]
    assert response.content.decode() == ("2" if whole else "1")
    assert making_whole.get() is False


def test_a_cache_that_fails_is_left_alone_for_a_while(framework, member_a, monkeypatch):
    from diegem.lib import caching

    monkeypatch.setattr(caching, "_cache_back_off_until", 0.0)
    calls = []

    def broken(*args, **kwargs):
        calls.append(args[0] if args else "")
        raise ConnectionError("Redis antwoordt niet")

    monkeypatch.setattr(caching.page_cache, "get", broken)
    monkeypatch.setattr(caching.page_cache, "set", broken)
    case = make_case(title="Zonder cache gemaakt")
    for i in range(20):
        make_annotation(target=case, author=member_a, body=f"Kanttekening {i}.")
    reader = logged_in(member_a)
    for _ in range(2):
        assert "Zonder cache gemaakt" in main(reader.get(case.get_absolute_url()))
    assert len(calls) == 1  # asked once; then made without it for CACHE_BACK_OFF_SECONDS
    monkeypatch.setattr(caching, "_cache_back_off_until", 0.0)  # the time has passed
    reader.get(case.get_absolute_url())
    assert len(calls) == 2


def test_kept_parts_are_kept_per_scheme(framework, member_a):
    case = make_case(title="Met citaat")
    Client().get(case.get_absolute_url())  # made over http by an anonymous reader
    page = parse(logged_in(member_a).get(case.get_absolute_url(), secure=True))
    cited = " ".join(page.xpath("//*[contains(@class,'cite')]//text()"))
    assert f"https://testserver{case.get_absolute_url()}" in cited
    assert "http://testserver" not in cited
