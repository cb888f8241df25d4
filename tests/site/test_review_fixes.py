"""Defects found in review, each pinned by a test."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from annotations import services as annotation_services
from annotations.models import Annotation, Flag, ModerationEvent, Status
from cases import exchange
from cases.history import snapshot, versions_of
from cases.models import Case, CodingEvidence
from frameworks.anchoring import find_again, make_anchor
from frameworks.models import Section, Source
from tests.factories import make_annotation, make_case
from tests.html import form_values

pytestmark = pytest.mark.django_db


# 1. One anonymous visitor cannot hide an annotation by clearing cookies.
def test_three_sessions_from_one_address_do_not_hide_an_annotation(framework):
    annotation = make_annotation()
    for _ in range(3):
        Client(REMOTE_ADDR="198.51.100.7").post(reverse("annotation-flag", args=[annotation.pk]), {"reason": "spam"})
    assert Flag.objects.filter(annotation=annotation).count() == 3
    assert Annotation.objects.get(pk=annotation.pk).status == Status.APPROVED


# 2. A short quote does not wander to the same words elsewhere.
def test_a_one_word_note_in_a_deleted_sentence_becomes_an_orphan():
    text = "In de buurt groeit vertrouwen tussen bewoners. Later vertelt de buurtwerker over zijn vertrouwen in het stadsbestuur."
    start = text.index("vertrouwen")
    anchor = make_anchor(text, start, start + len("vertrouwen"))

    class Held:
        quote_exact, quote_prefix, quote_suffix, position_start = anchor.exact, anchor.prefix, anchor.suffix, anchor.start

    edited = "Later vertelt de buurtwerker over zijn vertrouwen in het stadsbestuur."
    assert find_again(edited, Held) is None


def test_a_long_quote_is_found_even_when_both_neighbours_were_rewritten():
    quote = "De tuiniers delen samen een stuk grond aan de rand van de wijk."
    text = f"Eerste zin over iets. {quote} Laatste zin over iets."
    start = text.index(quote)
    anchor = make_anchor(text, start, start + len(quote))

    class Held:
        quote_exact, quote_prefix, quote_suffix, position_start = anchor.exact, anchor.prefix, anchor.suffix, anchor.start

    edited = f"Helemaal nieuw begin van de paragraaf hier. {quote} En een ander slot, ook nieuw."
    match = find_again(edited, Held)
    assert match is not None and edited[match.anchor.start : match.anchor.end] == quote


# 3. Evidence is checked against the text as edited in the same save, also on a new case.
def test_evidence_on_the_add_form_and_on_text_edited_in_the_same_save(framework, researcher_client):
    encounter = Source.objects.get(key="ontmoeting").pk
    add = form_values(researcher_client.get(reverse("admin:cases_case_add")), "case_form")
    add.update({
        "title": "Nieuwe praktijk", "slug": "nieuwe-praktijk", "domain": "1", "initiative": "vzw", "municipality": "Gent",
        "summary": "Kort.", "practice": "Buren koken samen op vrijdag.",
        "evidence-TOTAL_FORMS": "1", "evidence-0-coding": f"source:{encounter}", "evidence-0-case_field": "practice",
        "evidence-0-passage": "koken samen",
    })
    from frameworks.models import Domain

    add["domain"] = str(Domain.objects.get(key="wonen").pk)
    response = researcher_client.post(reverse("admin:cases_case_add"), add)
    assert response.status_code == 302
    case = Case.objects.get(slug="nieuwe-praktijk")
    assert CodingEvidence.objects.get(case=case).quote_exact == "koken samen"

    url = reverse("admin:cases_case_change", args=[case.pk])
    data = form_values(researcher_client.get(url), "case_form")
    data.update({"practice": "Buren eten samen op zaterdag.", "evidence-TOTAL_FORMS": "2",
                 "evidence-1-coding": f"source:{encounter}", "evidence-1-case_field": "practice", "evidence-1-passage": "eten samen"})
    response = researcher_client.post(url, data)
    assert response.status_code == 302, [(f.formset.prefix, f.formset.errors) for f in response.context["inline_admin_formsets"]]
    assert CodingEvidence.objects.filter(case=case, quote_exact="eten samen", anchor_state="anchored").exists()

    data = form_values(researcher_client.get(url), "case_form")
    data.update({"practice": "Iets heel anders.", "evidence-TOTAL_FORMS": str(int(data["evidence-TOTAL_FORMS"]) + 1)})
    index = int(data["evidence-TOTAL_FORMS"]) - 1
    data.update({f"evidence-{index}-coding": f"source:{encounter}", f"evidence-{index}-case_field": "practice",
                 f"evidence-{index}-passage": "eten samen op zaterdag"})
    response = researcher_client.post(url, data)
    assert response.status_code == 200 and "staat niet in de gekozen tekstsectie" in response.content.decode()


# 4. A version holds the coding and keywords written in the same change.
def test_versions_hold_what_the_change_wrote(framework, researcher, researcher_client):
    content = exchange_row_csv()
    report = exchange.import_cases(content, filename="p.csv", actor=researcher, dry_run=False)
    assert report.saved, report.errors
    case = Case.objects.get(slug="uit-import")
    shot = snapshot(versions_of(case).first())
    assert len(shot.strengths) == 4 and len(shot.positions) == 6
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = form_values(researcher_client.get(url), "case_form")
    data["keywords"] = "markt, taal"
    assert researcher_client.post(url, data).status_code == 302
    from taggit.models import Tag

    latest = snapshot(versions_of(case).first())
    assert {Tag.objects.get(pk=pk).name for pk in latest.keyword_ids} == {"markt", "taal"}


def exchange_row_csv(**overrides) -> bytes:
    from tests.cases.test_exchange import good_row, wide_csv

    return wide_csv([good_row(**{"slug": "uit-import", "titel": "Uit import", "status": "draft", **overrides})])


# 6. A spreadsheet of a few megabytes survives the step from dry run to import.
def test_a_three_megabyte_import_goes_through_the_confirm_step(framework, researcher_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = exchange_row_csv(praktijk="Lange tekst. " * 250_000)
    assert len(content) > 3_000_000
    dry = researcher_client.post(reverse("admin:cases_case_import"), {"file": SimpleUploadedFile("p.csv", content)})
    confirm = dry.context["confirm_form"]
    response = researcher_client.post(
        reverse("admin:cases_case_import"),
        {"content": confirm.initial["content"], "filename": "p.csv", "confirm": "True"},
    )
    assert response.status_code == 302
    assert Case.objects.filter(slug="uit-import").exists()


# 7. Values the database would refuse are named in the dry run, and so are workflow refusals.
@pytest.mark.parametrize(
    "overrides, column",
    [({"website": "https://example.org/" + "x" * 200}, "website"), ({"trefwoorden": "k" * 101}, "trefwoorden")],
)
def test_too_long_values_are_errors_by_row_and_column(framework, researcher, overrides, column):
    report = exchange.import_cases(exchange_row_csv(**overrides), filename="p.csv", actor=researcher, dry_run=True)
    assert any(error.startswith(f"Rij 2, kolom ‘{column}’") for error in report.errors), report.errors


def test_the_dry_run_reports_what_the_workflow_would_refuse(framework, researcher):
    content = exchange_row_csv(status="published", **{"bron_strijd": "", "bron_strijd_onderbouwing": ""})  # strijd not coded
    report = exchange.import_cases(content, filename="p.csv", actor=researcher, dry_run=True)
    assert any(error.startswith("Rij 2, kolom ‘status’: kan niet gepubliceerd worden") for error in report.errors)
    assert not Case.objects.exists()


# 8. A reviewer can settle flags on a public annotation, or reject it at once.
def test_a_reviewer_keeps_a_flagged_annotation_and_settles_its_flags(framework, reviewer, member_a):
    annotation = make_annotation(author=member_a)
    annotation_services.annotation_flag(annotation_id=annotation.pk, reader_key="r1", client_hash="h1", user=None, reason="spam")
    annotation_services.annotation_moderate(annotation_id=annotation.pk, action="keep", actor=reviewer, expected_version=1)
    annotation.refresh_from_db()
    assert annotation.status == Status.APPROVED
    assert not Flag.objects.filter(annotation=annotation, resolved_at__isnull=True).exists()
    assert ModerationEvent.objects.get(annotation=annotation).action == "keep"
    annotation_services.annotation_moderate(
        annotation_id=annotation.pk, action="reject", actor=reviewer, expected_version=annotation.version, public_reason="Toch niet."
    )
    assert Annotation.objects.get(pk=annotation.pk).status == Status.REJECTED


# 9. A cached download is still a download.
def test_cached_exports_keep_their_headers(client, framework):
    make_case()
    first = client.get(reverse("export-cases-csv"))
    second = client.get(reverse("export-cases-csv"))
    assert second["X-Page-Cache"] == "hit"
    assert second["Content-Disposition"] == first["Content-Disposition"] == 'attachment; filename="praktijken.csv"'


# 10. An API client's ETag does not survive a change of what is public.
def test_api_etags_change_with_the_content(client, framework, researcher):
    make_annotation(target=make_case(title="A"))
    other = make_case(title="B", status=Case.Status.IN_REVIEW)
    etag = client.get(reverse("api-annotations"))["ETag"]
    from cases import services as case_services

    case_services.case_transition(case=other, action="publish", actor=researcher)
    assert client.get(reverse("api-annotations"), HTTP_IF_NONE_MATCH=etag).status_code == 200


# 12. Changing a name reaches the bylines on cached pages.
def test_a_new_name_reaches_cached_bylines(client, framework, member_a):
    section = Section.objects.get(key="ontmoeting")
    make_annotation(target=section, author=member_a)
    assert "Amal Auteur" in client.get(section.get_absolute_url()).content.decode()
    member_a.last_name = "Anders"
    member_a.save()
    assert "Amal Anders" in client.get(section.get_absolute_url()).content.decode()


# 11. Two vocabulary rebuilds at once do not collide.
@pytest.mark.django_db(transaction=True)
def test_concurrent_vocabulary_rebuilds(framework):
    from django.db import transaction

    from cases.search import rebuild_vocabulary

    make_case(title="Woordenschat")
    barrier = threading.Barrier(2)
    errors = []

    def rebuild():
        try:
            with transaction.atomic():
                barrier.wait(timeout=10)
                rebuild_vocabulary()
        except Exception as error:  # noqa: BLE001 - any failure is what we look for
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=rebuild) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
