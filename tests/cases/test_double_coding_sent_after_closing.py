"""A consensus or a coding sent after its round closed: said by whom and when, typed values kept, nothing saved."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from cases.double_coding_rounds import round_cancel, round_settle
from cases.models import Case, DoubleCodingRound, SourceCoding
from tests.cases.double_coding import code_and_submit, everything, make_colleague, open_round
from tests.cases.test_double_coding_workbench import complete_post
from tests.conftest import logged_in
from tests.factories import make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db

AT_TWO = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=ZoneInfo("Europe/Brussels"))


@pytest.fixture
def colleague(db):
    return make_colleague(first_name="Bea", last_name="Tweede")


@pytest.fixture
def colleague_client(colleague):
    return logged_in(colleague)


@pytest.fixture
def both_submitted(framework, researcher, colleague):
    case = make_case(status=Case.Status.DRAFT)
    round_, first, second = open_round(case, researcher, colleague)
    code_and_submit(first, researcher, strijd=3)
    code_and_submit(second, colleague, strijd=1)
    return round_


def notice(page) -> list[str]:
    return texts(parse(page), "//p[@class='errornote' and @role='alert']")


def test_a_consensus_sent_after_a_colleague_settled_says_who_and_when_and_keeps_it(
    both_submitted, researcher, colleague, researcher_client
):
    sources, fields = everything(strength=2)
    round_settle(round=both_submitted, actor=colleague, sources=sources, fields=fields)
    DoubleCodingRound.objects.filter(pk=both_submitted.pk).update(settled_at=AT_TWO)
    url = reverse("admin:cases_doublecodinground_disagreement", args=[both_submitted.pk])
    typed = complete_post(
        **{"bron-strijd-waarde": "3", "bron-strijd-onderbouwing": "Mijn eigen afweging."}
    )

    page = researcher_client.post(url, typed)

    assert page.status_code == 200
    assert notice(page) == [
        "De consensus werd al vastgelegd door Bea Tweede op 3 december 2026 om 14:05; "
        "uw invoer is niet bewaard."
    ]
    tree = parse(page)
    assert tree.xpath("//select[@name='bron-strijd-waarde']/option[@selected]/@value") == ["3"]
    assert tree.xpath("//textarea[@name='bron-strijd-onderbouwing']")[0].text_content().strip() == (
        "Mijn eigen afweging."
    )
    assert "Consensus vastleggen" not in page.content.decode()
    # The colleague's consensus stands.
    assert SourceCoding.objects.get(case=both_submitted.case, source__key="strijd").strength == 2


def test_saving_a_coding_after_it_was_submitted_says_so_and_keeps_what_was_typed(
    framework, researcher, colleague, colleague_client
):
    case = make_case(status=Case.Status.DRAFT)
    round_, _first, second = open_round(case, researcher, colleague)
    code_and_submit(second, colleague, strijd=1)
    second.__class__.objects.filter(pk=second.pk).update(submitted_at=AT_TWO)
    url = reverse("admin:cases_doublecodinground_coding", args=[round_.pk])

    page = colleague_client.post(
        url, complete_post(**{"bron-strijd-waarde": "3"}) | {"_bewaren": "Bewaren"}
    )

    assert page.status_code == 200
    assert notice(page) == [
        "U hebt deze codering al ingediend op 3 december 2026 om 14:05; ze verandert niet "
        "meer en uw invoer is niet bewaard."
    ]
    # Said once: not again in the page's own line about the submission.
    assert "U hebt deze codering ingediend op" not in page.content.decode()
    tree = parse(page)
    assert tree.xpath("//select[@name='bron-strijd-waarde']/option[@selected]/@value") == ["3"]
    assert second.sources.get(source__key="strijd").strength == 1


def test_saving_a_coding_after_the_round_stopped_says_who_and_when(
    framework, researcher, colleague, colleague_client
):
    case = make_case(status=Case.Status.DRAFT)
    round_, _first, second = open_round(case, researcher, colleague)
    round_cancel(round=round_, actor=researcher)
    DoubleCodingRound.objects.filter(pk=round_.pk).update(cancelled_at=AT_TWO)
    url = reverse("admin:cases_doublecodinground_coding", args=[round_.pk])

    page = colleague_client.post(url, complete_post() | {"_bewaren": "Bewaren"})

    assert notice(page) == [
        "Deze dubbele codering werd stopgezet door Rita Onderzoek op 3 december 2026 om "
        "14:05; uw invoer is niet bewaard."
    ]
    # Said once: not again in the notice every page of a stopped round shows.
    assert "Deze dubbele codering is stopgezet op" not in page.content.decode()
    assert second.sources.count() == 0


def test_a_coding_submitted_in_a_round_stopped_since_says_both(
    framework, researcher, colleague, colleague_client
):
    """The refusal names the submission; that the round has stopped since is still said."""
    case = make_case(status=Case.Status.DRAFT)
    round_, _first, second = open_round(case, researcher, colleague)
    code_and_submit(second, colleague, strijd=1)
    round_cancel(round=round_, actor=researcher)
    url = reverse("admin:cases_doublecodinground_coding", args=[round_.pk])

    page = colleague_client.post(url, complete_post() | {"_bewaren": "Bewaren"})

    assert [line.split(" op ")[0] for line in notice(page)] == ["U hebt deze codering al ingediend"]
    stopped = texts(parse(page), "//p[@class='errornote' and @role='status']")
    assert [line.split(" op ")[0] for line in stopped] == ["Deze dubbele codering is stopgezet"]
