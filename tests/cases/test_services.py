"""The case workflow: one table of moves, each recorded; publication checks the coding."""

import pytest
from django.core.exceptions import PermissionDenied

from cases import services
from cases.models import Case, CaseTransition, SourceCoding
from diegem.lib.workflow import IllegalTransition
from tests.factories import make_case, make_user

pytestmark = pytest.mark.django_db

D, R, P = Case.Status.DRAFT, Case.Status.IN_REVIEW, Case.Status.PUBLISHED


@pytest.mark.parametrize(
    "action, start, expected",
    [
        ("submit", D, R),  # a draft goes to a colleague
        ("submit", R, None),  # already in review
        ("submit", P, None),  # published cases are not resubmitted
        ("publish", R, P),  # read and complete: public
        ("publish", D, None),  # no publication without a reading
        ("publish", P, None),  # publishing twice is refused
        ("return_to_draft", R, D),  # the reader sends it back
        ("return_to_draft", D, None),
        ("return_to_draft", P, None),
        ("unpublish", P, D),  # taken off the site to rework
        ("unpublish", D, None),
        ("unpublish", R, None),
        ("delete", D, None),  # unknown actions are refused
    ],
)
def test_transition_table(framework, researcher, action, start, expected):
    case = make_case(status=start)
    if expected is None:
        with pytest.raises(IllegalTransition):
            services.case_transition(case=case, action=action, actor=researcher)
        case.refresh_from_db()
        assert case.status == start
        assert not CaseTransition.objects.filter(case=case).exists()
    else:
        result = services.case_transition(case=case, action=action, actor=researcher)
        assert result.status == expected
        case.refresh_from_db()
        assert case.status == expected
        event = CaseTransition.objects.get(case=case)
        assert (event.actor, event.old_status, event.new_status) == (researcher, start, expected)


def test_publishing_sets_the_date(framework, researcher):
    case = make_case(status=R)
    published = services.case_transition(case=case, action="publish", actor=researcher)
    assert published.published_at is not None


def test_publishing_an_incomplete_case_is_refused_and_says_what_lacks(framework, researcher):
    case = make_case(status=R)
    SourceCoding.objects.filter(case=case, source__key="ontmoeting").delete()
    with pytest.raises(services.CaseIncomplete) as refused:
        services.case_transition(case=case, action="publish", actor=researcher)
    assert any("Ontmoeting" in line for line in refused.value.missing)
    case.refresh_from_db()
    assert case.status == R


def test_someone_without_case_permissions_may_not_move_a_case(framework):
    outsider = make_user()
    case = make_case(status=D)
    with pytest.raises(PermissionDenied):
        services.case_transition(case=case, action="submit", actor=outsider)
    assert Case.objects.get(pk=case.pk).status == D


def test_allowed_actions_follow_status_and_permission(framework, researcher):
    assert services.allowed_actions(make_case(status=D), researcher) == ["submit"]
    assert services.allowed_actions(make_case(status=R), researcher) == [
        "publish",
        "return_to_draft",
    ]
    assert services.allowed_actions(make_case(status=P), make_user()) == []


@pytest.mark.parametrize(
    "start, target, steps",
    [
        (D, R, ["submit"]),
        (D, P, ["submit", "publish"]),
        (R, P, ["publish"]),
        (R, D, ["return_to_draft"]),
        (P, D, ["unpublish"]),
        (P, R, ["unpublish", "submit"]),
        (D, D, []),
    ],
)
def test_the_path_between_statuses_follows_the_table(start, target, steps):
    assert services.WORKFLOW.path(start, target) == steps


def test_there_is_no_path_to_an_unknown_status():
    with pytest.raises(IllegalTransition):
        services.WORKFLOW.path(D, "archived")
