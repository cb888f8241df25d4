"""The page cache serves anonymous readers fast and never serves what is no longer true."""

import re

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csp import ContentSecurityPolicyMiddleware
from django.test import Client, RequestFactory
from django.urls import reverse

from annotations import services as annotation_services
from annotations.models import Membership
from cases import services as case_services
from cases.models import Case
from diegem.lib import caching
from diegem.lib.versioning import current_content_version
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_user

pytestmark = pytest.mark.django_db


def nonces(response) -> tuple[set[str], str]:
    body = response.content.decode()
    in_body = set(re.findall(r'nonce="([^"]+)"', body))
    header = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])
    return in_body, header.group(1) if header else ""


def test_anonymous_pages_are_served_from_the_cache(client, framework):
    case = make_case()
    assert client.get(case.get_absolute_url())["X-Page-Cache"] == "miss"
    assert client.get(case.get_absolute_url())["X-Page-Cache"] == "hit"


def test_a_page_an_older_release_made_is_never_served(client, framework, monkeypatch):
    case = make_case()
    client.get(case.get_absolute_url())
    assert client.get(case.get_absolute_url())["X-Page-Cache"] == "hit"
    # An upgrade: other code or templates, the same content, the same (shared) cache.
    monkeypatch.setattr(caching, "release_fingerprint", lambda: "the-next-release")
    assert client.get(case.get_absolute_url())["X-Page-Cache"] == "miss"


def test_the_release_fingerprint_follows_code_templates_and_static_files(settings, tmp_path):
    # A checkout of its own: a view, a template and a script.
    for name, text in {
        "cases/views.py": "x = 1\n",
        "templates/page.html": "<p>a</p>\n",
        "static/js/page.js": "let a;\n",
        "static/img/ignored.png": "not part of a page's bytes",
    }.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    settings.BASE_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "staticfiles"

    def fingerprint() -> str:
        caching.release_fingerprint.cache_clear()
        return caching.release_fingerprint()

    try:
        seen = {fingerprint()}
        for name in ("cases/views.py", "templates/page.html", "static/js/page.js"):
            (tmp_path / name).write_text((tmp_path / name).read_text() + " ")
            seen.add(fingerprint())
        (tmp_path / "static/img/ignored.png").write_text("changed")
        seen.add(fingerprint())
    finally:
        caching.release_fingerprint.cache_clear()
    assert len(seen) == 4  # each of the three changes, and not the image


def test_each_cached_response_gets_its_own_nonce(client, framework):
    section = Section.objects.get(key="ontmoeting")
    first = client.get(section.get_absolute_url())
    second = client.get(section.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    body_1, header_1 = nonces(first)
    body_2, header_2 = nonces(second)
    assert body_1 == {header_1} and body_2 == {header_2}
    assert header_1 != header_2


def page_with_a_nonce(charset: str):
    @caching.public_page_cache
    def view(request):
        script = f'<script nonce="{request._csp_nonce}">é</script>'
        return HttpResponse(script.encode(charset), charset=charset)

    return view


@pytest.mark.parametrize(("charset", "kept"), [("utf-8", True), ("UTF8", True), ("utf-16", False)])
def test_a_page_is_kept_cut_at_its_nonce_only_in_utf_8(charset, kept):
    """Pages here are UTF-8; one in another encoding could not be cut at the nonce's bytes."""
    view = page_with_a_nonce(charset)
    middleware = ContentSecurityPolicyMiddleware(view)
    first = middleware(RequestFactory().get("/bladzijde/"))
    second = middleware(RequestFactory().get("/bladzijde/"))
    assert (second["X-Page-Cache"] == "hit") is kept
    for response in (first, second):
        body = response.content.decode(charset)
        [nonce] = re.findall(r'nonce="([^"]+)"', body)
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        assert body.endswith(">é</script>")


def test_unpublishing_removes_a_case_from_cached_pages_at_once(client, framework, researcher):
    case = make_case(title="Verdwijnende praktijk")
    urls = [
        reverse("home"),
        reverse("case-list"),
        reverse("search") + "?q=verdwijnende",
        case.get_absolute_url(),
    ]
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"
    case_services.case_transition(case=case, action="unpublish", actor=researcher)
    for url in urls[:3]:
        assert "Verdwijnende praktijk" not in client.get(url).content.decode(), url
    assert client.get(case.get_absolute_url()).status_code == 404


def test_publishing_shows_a_case_on_cached_pages_at_once(client, framework, researcher):
    client.get(reverse("case-list"))
    case = make_case(title="Verse buurtpraktijk", status=Case.Status.IN_REVIEW)
    assert "Verse buurtpraktijk" not in client.get(reverse("case-list")).content.decode()
    case_services.case_transition(case=case, action="publish", actor=researcher)
    assert "Verse buurtpraktijk" in client.get(reverse("case-list")).content.decode()


def test_moderation_reaches_cached_margins_at_once(client, framework, member_a, reviewer):
    section = Section.objects.get(key="ontmoeting")
    annotation = make_annotation(
        target=section, author=member_a, status="pending", body="Net goedgekeurd"
    )
    assert "Net goedgekeurd" not in client.get(section.get_absolute_url()).content.decode()
    annotation_services.annotation_moderate(
        annotation_id=annotation.pk, action="approve", actor=reviewer, expected_version=1
    )
    assert "Net goedgekeurd" in client.get(section.get_absolute_url()).content.decode()
    annotation.refresh_from_db()
    annotation_services.annotation_moderate(
        annotation_id=annotation.pk,
        action="hide",
        actor=reviewer,
        expected_version=annotation.version,
        public_reason="Even weg",
    )
    assert "Net goedgekeurd" not in client.get(section.get_absolute_url()).content.decode()


def test_logged_in_readers_and_visitors_with_messages_bypass_the_cache(framework, member_a):
    case = make_case()
    anonymous = Client()
    anonymous.get(case.get_absolute_url())
    member = logged_in(member_a)
    assert "X-Page-Cache" not in member.get(case.get_absolute_url())
    with_messages = Client()
    with_messages.cookies["messages"] = "x"
    assert "X-Page-Cache" not in with_messages.get(case.get_absolute_url())


def test_errors_and_pages_with_forms_for_one_visitor_are_not_cached(client, framework):
    assert "X-Page-Cache" not in client.get("/praktijken/bestaat-niet/")
    annotation = make_annotation()
    flag_page = client.get(reverse("annotation-flag", args=[annotation.pk]))
    assert "X-Page-Cache" not in flag_page  # carries a CSRF token


def test_the_version_changes_with_every_write_and_a_rollback_never_takes_it_back(framework):
    before = current_content_version()
    make_case()
    after = current_content_version()
    assert after != before
    with pytest.raises(RuntimeError), transaction.atomic():
        make_case()
        raise RuntimeError
    # Moved on by the write that rolled back (a page is made once more), never back to a
    # version a page may have been kept under.
    assert current_content_version() not in (before, after)


def test_a_cached_page_never_changes_what_a_user_wrote(client, framework):
    # The page cache once stored pages with this placeholder where the nonce was and
    # turned every occurrence back into the live nonce, user text included.
    case = make_case(summary="Wie CspNoncePlaceholderXq7 typt, leest CspNoncePlaceholderXq7 terug.")
    first = client.get(case.get_absolute_url())
    second = client.get(case.get_absolute_url())
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    for response in (first, second):
        assert (
            "Wie CspNoncePlaceholderXq7 typt, leest CspNoncePlaceholderXq7 terug."
            in response.content.decode()
        )
    # The page's scripts still carry the nonce of the response that serves them.
    body_nonces, header_nonce = nonces(second)
    assert header_nonce and body_nonces == {header_nonce}


def test_cached_exports_keep_their_headers(client, framework):
    """A cached download is still a download."""
    make_case()
    first = client.get(reverse("export-reliability-csv"))
    second = client.get(reverse("export-reliability-csv"))
    assert second["X-Page-Cache"] == "hit"
    assert (
        second["Content-Disposition"]
        == first["Content-Disposition"]
        == 'attachment; filename="betrouwbaarheid.csv"'
    )


def test_a_new_name_reaches_cached_bylines(client, framework, member_a):
    section = Section.objects.get(key="ontmoeting")
    make_annotation(target=section, author=member_a)
    assert "Amal Auteur" in client.get(section.get_absolute_url()).content.decode()
    member_a.last_name = "Anders"
    member_a.save()
    assert "Amal Anders" in client.get(section.get_absolute_url()).content.decode()


def test_a_deleted_account_leaves_cached_pages_at_once(framework, member_a, member_b):
    # A former member (no membership left, no preferences: no watched row goes with them) who
    # wrote a public note, and a researcher named on a case: deleting either account sends no
    # signal for the notes (their author set to none) or for the case's researchers.
    case = make_case(title="Buurtkeuken")
    make_annotation(target=case, author=member_a, body="Een openbare kanttekening.")
    Membership.objects.filter(user=member_a).delete()
    researcher = make_user("weg", first_name="Rik", last_name="Onderzoeker")
    case.researchers.add(researcher)
    anonymous, reader = Client(), logged_in(member_b)
    for client in (anonymous, reader):
        page = client.get(case.get_absolute_url()).content.decode()
        assert "Amal Auteur" in page and "Rik Onderzoeker" in page
    member_a.delete()
    researcher.delete()
    served = anonymous.get(case.get_absolute_url())
    assert served["X-Page-Cache"] == "miss"
    for client in (anonymous, reader):
        page = client.get(case.get_absolute_url()).content.decode()
        assert "Amal Auteur" not in page and "Rik Onderzoeker" not in page


# Pages the page cache keeps, each served the second time: with the headers it was made with.
KEPT_PAGES = [
    "/",
    "/praktijken/buurtkeuken/",
    "/fr/praktijken/buurtkeuken/",
    "/en/kader/",
    "/praktijken/?domein=wonen",
    "/praktijken/feed/",
    "/data/betrouwbaarheid.csv",
]


def _headers(response) -> dict[str, str]:
    """A response's headers but whether it was served, with the nonce (new each time) blanked."""
    return {
        name: re.sub(r"'nonce-[^']+'", "'nonce-…'", value)
        for name, value in response.items()
        if name != "X-Page-Cache"
    }


@pytest.mark.parametrize("address", KEPT_PAGES)
def test_a_page_served_has_the_headers_of_the_page_made(client, framework, address):
    make_case(slug="buurtkeuken", title="Buurtkeuken")
    made = client.get(address)
    served = client.get(address)
    assert (made["X-Page-Cache"], served["X-Page-Cache"]) == ("miss", "hit")
    assert _headers(served) == _headers(made)
    assert served["X-Frame-Options"] == "DENY"


def test_a_kept_page_is_served_before_the_reader_and_the_view_are_reached(client, framework):
    case = make_case()
    client.get(case.get_absolute_url())
    served = client.get(case.get_absolute_url())
    assert served["X-Page-Cache"] == "hit"
    # Neither Django's authentication middleware (which gives every request its user) nor its
    # URL resolving before the view (which gives it its resolver_match) ran.
    assert not hasattr(served.wsgi_request, "user")
    assert served.wsgi_request.resolver_match is None


def test_a_page_made_is_looked_up_once(client, framework, monkeypatch):
    case = make_case()
    looked_up = []
    cache_get = caching._cache_get
    monkeypatch.setattr(caching, "_cache_get", lambda key: looked_up.append(key) or cache_get(key))
    assert client.get(case.get_absolute_url())["X-Page-Cache"] == "miss"
    assert len([key for key in looked_up if key.startswith("page:")]) == 1


@pytest.mark.parametrize("address", ["/robots.txt", "/account/aanmelden/", "/bestaat-niet/"])
def test_addresses_the_cache_does_not_keep_read_no_version_for_it(
    client, framework, monkeypatch, address
):
    reads = []
    monkeypatch.setattr(caching, "current_content_version", lambda: reads.append(address) or 1)
    client.get(address)
    assert reads == []
