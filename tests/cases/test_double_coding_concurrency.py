"""Two submits or two settles at the same moment: exactly one wins (row locks), with real threads.

Three threads each time: two refusals means exactly one succeeded."""

import pytest

from cases.double_coding_rounds import (
    RoundRefused,
    coding_save,
    coding_submit,
    round_request,
    round_settle,
)
from cases.history import versions_of
from cases.models import Case, DoubleCodingRound
from cases.roles import RESEARCHERS_GROUP
from tests.cases.double_coding import code_and_submit, everything, make_colleague, open_round
from tests.concurrency import at_once
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def people(framework):
    researcher = make_user("onderzoeker", groups=(RESEARCHERS_GROUP,), is_staff=True)
    return researcher, make_colleague()


def test_two_settles_at_once_write_one_consensus(people):
    researcher, colleague = people
    case = make_case(status=Case.Status.DRAFT)
    round_, first, second = open_round(case, researcher, colleague)
    code_and_submit(first, researcher)
    code_and_submit(second, colleague)
    before = versions_of(case).count()
    sources, fields = everything(strength=2)
    errors = at_once(
        lambda: round_settle(round=round_, actor=researcher, sources=sources, fields=fields), 3
    )
    assert [type(e) for e in errors] == [RoundRefused, RoundRefused]
    assert versions_of(case).count() == before + 1


def test_two_submits_at_once_submit_once(people):
    researcher, colleague = people
    case = make_case(status=Case.Status.DRAFT)
    _round, _first, second = open_round(case, researcher, colleague)
    sources, fields = everything()
    coding_save(coding=second, actor=colleague, sources=sources, fields=fields)
    errors = at_once(lambda: coding_submit(coding=second, actor=colleague), 3)
    assert all("al ingediend" in str(e) for e in errors) and len(errors) == 2


def test_two_requests_at_once_open_one_round(people):
    researcher, colleague = people
    case = make_case(status=Case.Status.DRAFT)
    errors = at_once(
        lambda: round_request(case=case, requested_by=researcher, second_coder=colleague), 3
    )
    assert len(errors) == 2 and all(isinstance(e, RoundRefused) for e in errors)
    assert DoubleCodingRound.objects.filter(case=case).count() == 1
