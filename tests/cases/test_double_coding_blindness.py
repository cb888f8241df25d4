"""Blindness: while a round is being coded, its second coder reaches the first coding through nothing.

Logged in as the second coder, every URL pattern of the site is requested with the case's
slug, pk, versions and framework keys filled in (and every pattern without parameters:
exports, the dashboard, JSON), and the first coder's rationale (a unique marker) never
appears. The same crawl as the requester does find it: the crawl can see a leak.
"""

import io
import re
import zipfile

import pytest
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from annotations.roles import REVIEWERS_GROUP
from cases.history import versions_of
from cases.models import TEXT_SECTIONS, Case, SourceCoding, TensionPosition
from cases.services import case_snapshot
from frameworks.models import Section, Source, TensionField
from tests.cases.double_coding import FIRST_MARKER, code_and_submit, make_colleague, open_round
from tests.factories import cite, good_row, make_case, make_reading, run_import, wide_csv

pytestmark = pytest.mark.django_db

# Parameters no case fills: tokens, workshop codes, the admin's catch-all, data releases (published data only).
NOT_ABOUT_A_CASE = {"token", "code", "uidb64", "url", "number", "file_number"}
# Leaving would end the session the crawl runs in.
SKIPPED = {"logout"}


def patterns(resolver=None, namespace=""):
    """(full URL name, parameter names) of every named URL pattern of the site."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from patterns(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            regex = entry.pattern.regex
            # Groups without names (django-reversion's "([^/]+)/history/(\d+)/") go by position.
            unnamed = [f"<{n}>" for n in range(regex.groups - len(regex.groupindex))]
            yield f"{namespace}{entry.name}", [*regex.groupindex, *unnamed]


def urls_about(case, round_) -> list[str]:
    """Every URL of the site filled in with this case (and its round, versions, framework keys)."""
    values = {
        "slug": [case.slug],
        "case_id": [case.pk],
        "pk": [case.pk, round_.pk],
        "object_id": [case.pk, round_.pk],
        "id": [case.pk],
        "version_id": list(versions_of(case).values_list("pk", flat=True)),
        "key": [s.key for s in Source.objects.all()]
        + [f.key for f in TensionField.objects.all()]
        + [s.key for s in Section.objects.all()[:2]],
        "field": [section.slug for section in TEXT_SECTIONS],
        "fmt": ["csv", "xlsx", "bib", "ris", "json"],
        "language": ["fr", "en"],
        "app_label": ["cases"],
        "<0>": [case.pk, round_.pk, *versions_of(case).values_list("pk", flat=True)],
        "<1>": [case.pk, round_.pk, *versions_of(case).values_list("pk", flat=True)],
        "content_type_id": [ContentType.objects.get_for_model(Case).pk],
    }
    found = []
    for name, params in patterns():
        if name in SKIPPED or NOT_ABOUT_A_CASE & set(params):
            continue
        combos = [{}]
        for param in params:
            combos = [{**c, param: v} for c in combos for v in values[param]]
        reversed_ = []
        for kwargs in combos:
            try:
                if "<0>" in kwargs:
                    reversed_.append(reverse(name, args=list(kwargs.values())))
                else:
                    reversed_.append(reverse(name, kwargs=kwargs))
            except NoReverseMatch:
                continue  # a value another pattern of the same parameter takes (a format)
        # Every pattern about a case is crawled with at least one filling.
        assert reversed_, f"no filling reverses {name} {params}"
        found += reversed_
    return sorted(set(found))


def shown(response) -> str:
    """Everything a response carries, as text (workbooks unzipped)."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(member) for member in archive.namelist())
    return content.decode("utf-8", errors="replace")


def crawl(client, urls) -> dict[str, str]:
    return {url: shown(client.get(url)) for url in urls}


@pytest.fixture
def round_setup(framework, researcher):
    case = make_case(status=Case.Status.DRAFT, strengths={"strijd": 3})
    SourceCoding.objects.filter(case=case).update(rationale=f"Eerste lezing {FIRST_MARKER}.")
    TensionPosition.objects.filter(case=case).update(rationale=f"Positie {FIRST_MARKER}.")
    evidence = cite(case, "strijd", "Een tweede alinea.")
    evidence.note = f"Bewijs {FIRST_MARKER}"
    evidence.save()
    case_snapshot(case=case, actor=researcher, comment="Eerste codering.")
    colleague = make_colleague()
    round_, first, second = open_round(case, researcher, colleague)
    return case, round_, first, second, colleague


def test_the_second_coder_reaches_the_first_coding_nowhere(round_setup, researcher):
    case, round_, _first, second, colleague = round_setup
    urls = urls_about(case, round_)
    # The crawl covers what the issue names: the case form, history, compare, restore, the
    # preview, the dashboard, the exports and the JSON.
    for expected in (
        reverse("admin:cases_case_change", args=[case.pk]),
        reverse("admin:cases_case_history", args=[case.pk]),
        reverse("admin:cases_case_compare", args=[case.pk]),
        reverse("admin:cases_case_dashboard"),
        reverse("case-detail", args=[case.slug]),
        reverse("export-cases-json"),
        reverse("export-codings-xlsx"),
        reverse("api-case-annotations", args=[case.slug]),
        reverse("admin:cases_doublecodinground_disagreement", args=[round_.pk]),
    ):
        assert expected in urls
    assert len(urls) > 150

    as_requester = Client()
    as_requester.force_login(researcher)
    seen_by_requester = crawl(as_requester, urls)
    assert any(FIRST_MARKER in text for text in seen_by_requester.values())

    blind = Client()
    blind.force_login(colleague)
    seen = crawl(blind, urls)
    leaks = [url for url, text in seen.items() if FIRST_MARKER in text]
    assert leaks == []


def test_the_blind_form_shows_the_text_and_framework_and_no_value(round_setup):
    case, round_, _first, _second, colleague = round_setup
    blind = Client()
    blind.force_login(colleague)
    page = blind.get(reverse("admin:cases_doublecodinground_coding", args=[round_.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Wat er gebeurt in praktijk" in html  # the case text
    strijd = Source.objects.get(key="strijd")
    assert strijd.summary in html  # the framework's own words
    assert FIRST_MARKER not in html
    assert re.findall(r"<option value=\"[^\"]+\" selected>", html) == []
    # Only the "—" of each grounds (nothing chosen yet) is checked.
    checked = re.findall(r'<input[^>]*value="([^"]*)"[^>]*checked', html)
    assert checked == [""] * 10


def test_the_case_pages_are_closed_to_the_blind_coder(round_setup):
    case, round_, _first, _second, colleague = round_setup
    blind = Client()
    blind.force_login(colleague)
    assert blind.get(reverse("case-detail", args=[case.slug])).status_code == 404
    assert blind.get(reverse("admin:cases_case_history", args=[case.pk])).status_code == 404
    assert blind.get(reverse("admin:cases_case_compare", args=[case.pk])).status_code == 404
    version = versions_of(case).first()
    restore = reverse("admin:cases_case_restore", args=[case.pk, version.pk])
    assert blind.get(restore).status_code == 404
    assert blind.post(restore).status_code == 404
    # The change form sends them away with the admin's "does not exist" (no form, no coding).
    change = blind.get(reverse("admin:cases_case_change", args=[case.pk]), follow=True)
    assert FIRST_MARKER not in change.content.decode()
    # The dashboard names the case, and that it is coded blind; no grounds, no gaps.
    dashboard = blind.get(reverse("admin:cases_case_dashboard")).content.decode()
    assert "U codeert deze praktijk blind" in dashboard
    # The disagreement view waits for both codings.
    waiting = blind.get(reverse("admin:cases_doublecodinground_disagreement", args=[round_.pk]))
    assert (
        "pas getoond als beide onafhankelijke coderingen ingediend zijn" in waiting.content.decode()
    )


def test_the_import_report_does_not_show_the_blind_coder_the_coding(round_setup):
    case, round_, _first, _second, colleague = round_setup
    report = run_import(
        wide_csv([good_row(slug=case.slug, status="draft")]), colleague, dry_run=True
    )
    assert not report.ok
    text = " ".join(f"{r.errors} {r.changes}" for r in report.rows)
    assert "U codeert" in text and "blind" in text
    assert FIRST_MARKER not in text


def test_the_requester_does_not_see_the_second_coding_before_both_are_submitted(
    round_setup, researcher
):
    case, round_, first, second, colleague = round_setup
    code_and_submit(second, colleague, rationale="TWEEDE-CODEERDER-GEHEIM")
    requester = Client()
    requester.force_login(researcher)
    urls = urls_about(case, round_)
    seen = crawl(requester, urls)
    assert [url for url, text in seen.items() if "TWEEDE-CODEERDER-GEHEIM" in text] == []


def test_once_both_are_submitted_the_second_coder_sees_the_case_again(round_setup, researcher):
    case, round_, first, second, colleague = round_setup
    code_and_submit(second, colleague)
    code_and_submit(first, researcher)
    blind_no_more = Client()
    blind_no_more.force_login(colleague)
    page = blind_no_more.get(
        reverse("admin:cases_doublecodinground_disagreement", args=[round_.pk])
    )
    assert FIRST_MARKER not in page.content.decode()  # the first coder re-coded with "Waarom."
    assert blind_no_more.get(reverse("case-detail", args=[case.slug])).status_code == 200
    assert (
        FIRST_MARKER
        in blind_no_more.get(reverse("admin:cases_case_change", args=[case.pk])).content.decode()
    )


def _reading_on_the_blind_case(framework, researcher, status):
    """A case that was public once (a member proposed a reading), back to draft and double coded."""
    case = make_case(status=Case.Status.DRAFT, strengths={"strijd": 3})
    SourceCoding.objects.filter(case=case).update(rationale=f"Eerste lezing {FIRST_MARKER}.")
    reading = make_reading(case, source="strijd", value={"strength": 0}, status=status)
    colleague = make_colleague()
    open_round(case, researcher, colleague)
    blind = Client()
    blind.force_login(colleague)
    return case, reading, colleague, blind


def test_the_answer_page_of_a_reading_is_closed_to_the_blind_coder(framework, researcher):
    case, reading, _colleague, blind = _reading_on_the_blind_case(framework, researcher, "approved")
    url = reverse("reading-respond", args=[reading.pk])
    assert blind.get(url).status_code == 404
    # Nor can they change the coding through it in the middle of the round.
    response = blind.post(url, {"stap": "verwerken", "verwerk-grounds": "interpretatie"})
    assert response.status_code == 404
    assert SourceCoding.objects.get(case=case, source__key="strijd").strength == 3
    as_requester = Client()
    as_requester.force_login(researcher)
    assert FIRST_MARKER in as_requester.get(url).content.decode()


def test_the_moderation_queue_hides_the_coding_from_a_blind_coder_who_moderates(
    framework, researcher
):
    _case, _reading, colleague, blind = _reading_on_the_blind_case(framework, researcher, "pending")
    colleague.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    html = blind.get(reverse("moderation-queue")).content.decode()
    assert "Andere lezing van <strong>Strijd</strong>: voorgesteld <strong>afwezig</strong>" in html
    assert "de huidige codering ziet u niet: u codeert deze praktijk blind" in html
    assert "nu <strong>sterk</strong>" not in html
    researcher.groups.add(Group.objects.get(name=REVIEWERS_GROUP))
    as_requester = Client()
    as_requester.force_login(researcher)
    queue = as_requester.get(reverse("moderation-queue")).content.decode()
    assert "nu <strong>sterk</strong> → voorgesteld <strong>afwezig</strong>" in queue


def test_the_citation_downloads_are_closed_to_the_blind_coder(round_setup):
    case, _round, _first, _second, colleague = round_setup
    blind = Client()
    blind.force_login(colleague)
    for fmt in ("bib", "ris", "json"):
        assert blind.get(reverse("case-cite", args=[case.slug, fmt])).status_code == 404


def test_the_drafts_answer_is_given_only_for_a_stand_in_reader(member):
    """`visible_to(user, drafts=…)` would skip the permission check: it is refused for a real
    user (only the prepared case page's stand-in reader, with a negative id, may be told)."""
    from django.contrib.auth import get_user_model

    with pytest.raises(ValueError):
        Case.objects.visible_to(member, drafts=True)
    stand_in = get_user_model()(pk=-2_047_300_001)
    assert " WHERE " not in str(Case.objects.visible_to(stand_in, drafts=True).query)
    assert " WHERE " in str(Case.objects.visible_to(stand_in, drafts=False).query)
