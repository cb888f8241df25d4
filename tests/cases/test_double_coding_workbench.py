"""Double coding in the workbench: ask a colleague, code blind, bad input, the disagreement view, the consensus."""

import pytest
from django.test import Client
from django.urls import reverse

from cases.double_coding_rounds import round_cancel
from cases.models import Case, DoubleCodingRound
from frameworks.models import Source, TensionField
from tests.cases.double_coding import code_and_submit, make_colleague, open_round
from tests.factories import make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db

UP = "universeel-particularistisch"


@pytest.fixture
def colleague(db):
    return make_colleague()


@pytest.fixture
def colleague_client(colleague):
    client = Client()
    client.force_login(colleague)
    return client


@pytest.fixture
def draft(framework):
    return make_case(status=Case.Status.DRAFT)


def complete_post(**overrides) -> dict:
    """A complete coding as the blind form posts it: every source 1, every field 0, all interpretations."""
    data = {}
    for source in Source.objects.all():
        data |= {
            f"bron-{source.key}-grond": "interpretatie",
            f"bron-{source.key}-waarde": "1",
            f"bron-{source.key}-onderbouwing": f"Gelezen: {source.name}.",
        }
    for field in TensionField.objects.all():
        data |= {
            f"veld-{field.key}-grond": "interpretatie",
            f"veld-{field.key}-waarde": "0",
            f"veld-{field.key}-onderbouwing": f"Gelezen: {field.name}.",
        }
    return data | overrides


def test_a_researcher_asks_a_colleague_from_the_case_page(draft, researcher_client, colleague):
    change = researcher_client.get(reverse("admin:cases_case_change", args=[draft.pk]))
    url = reverse("admin:cases_case_double_coding", args=[draft.pk])
    assert url in change.content.decode()
    page = researcher_client.get(url)
    assert "Cas Collega" in page.content.decode()
    response = researcher_client.post(url, {"second_coder": colleague.pk})
    round_ = DoubleCodingRound.objects.get(case=draft)
    assert response.url == reverse("admin:cases_doublecodinground_coding", args=[round_.pk])
    # The case page now says a round is open.
    change = researcher_client.get(reverse("admin:cases_case_change", args=[draft.pk]))
    assert "Er loopt een dubbele codering voor deze praktijk" in change.content.decode()


def test_asking_without_a_colleague_says_so_in_dutch(draft, researcher_client):
    url = reverse("admin:cases_case_double_coding", args=[draft.pk])
    page = researcher_client.post(url, {"second_coder": ""})
    assert page.status_code == 200
    assert "Kies een collega als tweede codeerder." in page.content.decode()
    page = researcher_client.post(url, {"second_coder": "abc"})
    assert (
        "Kies een actieve onderzoeker uit de lijst als tweede codeerder." in page.content.decode()
    )
    assert not DoubleCodingRound.objects.exists()


def test_a_published_case_offers_no_request_and_refuses_one(
    framework, researcher_client, colleague
):
    case = make_case()
    change = researcher_client.get(reverse("admin:cases_case_change", args=[case.pk]))
    url = reverse("admin:cases_case_double_coding", args=[case.pk])
    assert url not in change.content.decode()
    page = researcher_client.post(url, {"second_coder": colleague.pk})
    assert "Een gepubliceerde praktijk wordt niet dubbel gecodeerd" in page.content.decode()


def test_bad_input_names_the_field_keeps_what_was_typed_and_saves_nothing(
    draft, researcher, colleague, colleague_client
):
    round_, _first, second = open_round(draft, researcher, colleague)
    url = reverse("admin:cases_doublecodinground_coding", args=[round_.pk])
    data = complete_post(
        **{
            "bron-strijd-grond": "niet_te_bepalen",
            "bron-strijd-waarde": "2",
            "bron-strijd-onderbouwing": "Mijn getypte tekst blijft.",
            f"veld-{UP}-waarde": "7",
        }
    )
    page = colleague_client.post(url, data | {"_bewaren": "Bewaren"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "Strijd: bij ‘niet te bepalen’ hoort geen waarde; maak ze leeg." in html
    assert (
        "Positie op ‘universeel – particularistisch’" in html
    )  # the field with the bad value, named
    assert "Mijn getypte tekst blijft." in html
    assert second.sources.count() == 0 and second.positions.count() == 0


def test_save_then_submit_incomplete_names_what_lacks(
    draft, researcher, colleague, colleague_client
):
    round_, _first, second = open_round(draft, researcher, colleague)
    url = reverse("admin:cases_doublecodinground_coding", args=[round_.pk])
    data = complete_post(**{"bron-strijd-grond": "", "bron-strijd-waarde": ""})
    response = colleague_client.post(url, data | {"_bewaren": "Bewaren"})
    assert response.status_code == 302
    assert second.sources.count() == 3 and second.positions.count() == 6
    page = colleague_client.post(url, data | {"_indienen": "Indienen"})
    assert "Strijd: kies een grond (en een waarde), of ‘niet te bepalen’." in page.content.decode()
    second.refresh_from_db()
    assert second.submitted_at is None
    response = colleague_client.post(url, complete_post() | {"_indienen": "Indienen"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.submitted_at is not None


def test_disagreement_view_marks_agreement_in_words_and_prefills_the_consensus(
    draft, researcher, colleague, researcher_client
):
    round_, first, second = open_round(draft, researcher, colleague)
    code_and_submit(first, researcher, strijd=3, rationale="Lezing een.")
    code_and_submit(second, colleague, strijd=1, rationale="Lezing twee.")
    url = reverse("admin:cases_doublecodinground_disagreement", args=[round_.pk])
    page = researcher_client.get(url)
    tree = parse(page)
    headings = texts(tree, "//section[contains(@class,'judgement')]/h2")
    assert "Strijd: verschil" in headings
    assert "Ontmoeting: overeenstemming" in headings
    html = page.content.decode()
    assert "De twee coderingen komen op 9 van de 10 punten overeen." in html
    assert "Lezing een." in html and "Lezing twee." in html
    # Prefilled where they agree, empty where they differ.
    assert tree.xpath("//select[@name='bron-ontmoeting-waarde']/option[@selected]/@value") == ["1"]
    assert tree.xpath("//select[@name='bron-strijd-waarde']/option[@selected]/@value") in ([], [""])


def test_the_consensus_form_settles_and_the_case_takes_it(
    draft, researcher, colleague, researcher_client
):
    round_, first, second = open_round(draft, researcher, colleague)
    code_and_submit(first, researcher, strijd=3)
    code_and_submit(second, colleague, strijd=1)
    url = reverse("admin:cases_doublecodinground_disagreement", args=[round_.pk])
    missing = researcher_client.post(url, complete_post(**{"bron-strijd-grond": ""}))
    assert (
        "Strijd: kies een grond (en een waarde), of ‘niet te bepalen’." in missing.content.decode()
    )
    response = researcher_client.post(url, complete_post(**{"bron-strijd-waarde": "2"}))
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.settled_at is not None
    assert draft.source_codings.get(source__key="strijd").strength == 2
    assert draft.source_codings.get(source__key="strijd").rationale == "Gelezen: Strijd."


def test_a_stranger_reaches_no_coding_of_the_round(draft, researcher, colleague, member_client):
    round_, _first, _second = open_round(draft, researcher, colleague)
    for name in ("coding", "disagreement"):
        response = member_client.get(
            reverse(f"admin:cases_doublecodinground_{name}", args=[round_.pk])
        )
        assert response.status_code == 302  # to the admin login
    third = Client()
    third.force_login(make_colleague("derde"))
    assert (
        third.get(reverse("admin:cases_doublecodinground_coding", args=[round_.pk])).status_code
        == 404
    )


def test_a_coder_stops_a_round_from_the_workbench(draft, researcher, colleague, researcher_client):
    round_, _first, _second = open_round(draft, researcher, colleague)
    waiting = researcher_client.get(
        reverse("admin:cases_doublecodinground_disagreement", args=[round_.pk])
    )
    cancel_url = reverse("admin:cases_doublecodinground_cancel", args=[round_.pk])
    assert cancel_url in waiting.content.decode()
    page = researcher_client.get(cancel_url)
    assert "De onafhankelijke coderingen blijven bewaard" in page.content.decode()
    response = researcher_client.post(cancel_url)
    assert response.status_code == 302
    round_.refresh_from_db()
    assert round_.cancelled_at is not None
    listing = researcher_client.get(reverse("admin:cases_doublecodinground_changelist"))
    assert "stopgezet" in listing.content.decode()
    again = researcher_client.post(cancel_url)
    assert "Deze dubbele codering is stopgezet op" in again.content.decode()


def test_a_member_is_sent_to_log_in_and_stops_nothing(draft, researcher, colleague, member_client):
    round_, _first, _second = open_round(draft, researcher, colleague)
    response = member_client.post(reverse("admin:cases_doublecodinground_cancel", args=[round_.pk]))
    assert response.status_code == 302  # to the workbench's login
    round_.refresh_from_db()
    assert round_.cancelled_at is None


def test_a_stopped_round_shows_the_coding_read_only(draft, researcher, colleague):
    round_, _first, _second = open_round(draft, researcher, colleague)
    round_cancel(round=round_, actor=researcher)
    client = Client()
    client.force_login(colleague)
    change = client.get(reverse("admin:cases_doublecodinground_change", args=[round_.pk]))
    assert change["Location"] == reverse(
        "admin:cases_doublecodinground_disagreement", args=[round_.pk]
    )
    page = client.get(reverse("admin:cases_doublecodinground_coding", args=[round_.pk]))
    html = page.content.decode()
    assert "Deze dubbele codering is stopgezet op" in html
    assert 'name="_indienen"' not in html


def test_the_request_message_names_the_colleague_as_the_choice_list_did(
    draft, researcher_client, colleague
):
    url = reverse("admin:cases_case_double_coding", args=[draft.pk])
    response = researcher_client.post(url, {"second_coder": colleague.pk}, follow=True)
    assert texts(parse(response), "//ul[@class='messagelist']/li") == [
        f"Cas Collega is gevraagd ‘{draft.title}’ onafhankelijk te coderen. Uw eigen "
        "onafhankelijke codering begint bij de huidige codering."
    ]


def test_the_list_of_rounds_names_both_coders_by_full_name(
    draft, researcher, colleague, researcher_client
):
    open_round(draft, researcher, colleague)
    page = researcher_client.get(reverse("admin:cases_doublecodinground_changelist"))
    tree = parse(page)
    headers = texts(tree, "//table[@id='result_list']/thead//th")
    cells = texts(tree, "//table[@id='result_list']/tbody/tr/*")
    by_header = dict(zip(headers, cells, strict=True))
    assert by_header["Gevraagd door"] == "Rita Onderzoek"
    assert by_header["Tweede codeerder"] == "Cas Collega"
