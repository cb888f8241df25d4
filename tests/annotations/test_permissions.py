"""Permission matrix: each role against each annotation and moderation URL."""

import pytest
from django.test import Client
from django.urls import reverse

from annotations.models import Status
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import make_annotation

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "author", "other_member", "reviewer", "researcher"]
# (name, method, url builder, expected status per role). 302 to the login page
# for anonymous where an account is needed; 403 where the role is wrong; 404
# where the lookup itself hides what is not yours.
LOGIN = "login"
MATRIX = [
    (
        "new annotation form",
        "get",
        lambda a: reverse("annotation-new") + "?doel=section:ontmoeting",
        {
            "anonymous": LOGIN,
            "author": 200,
            "other_member": 200,
            "reviewer": 403,
            "researcher": 403,
        },
    ),
    (
        "my annotations",
        "get",
        lambda a: reverse("annotations-mine"),
        {
            "anonymous": LOGIN,
            "author": 200,
            "other_member": 200,
            "reviewer": 200,
            "researcher": 200,
        },
    ),
    (
        "edit",
        "get",
        lambda a: reverse("annotation-edit", args=[a.pk]),
        {
            "anonymous": LOGIN,
            "author": 200,
            "other_member": 404,
            "reviewer": 404,
            "researcher": 404,
        },
    ),
    (
        "withdraw, confirmation page",
        "get",
        lambda a: reverse("annotation-withdraw", args=[a.pk]),
        {
            "anonymous": LOGIN,
            "author": 200,
            "other_member": 404,
            "reviewer": 404,
            "researcher": 404,
        },
    ),
    (
        "withdraw",
        "post",
        lambda a: reverse("annotation-withdraw", args=[a.pk]),
        {
            "anonymous": LOGIN,
            "author": 302,
            "other_member": 404,
            "reviewer": 404,
            "researcher": 404,
        },
    ),
    (
        "flag a pending annotation",
        "get",
        lambda a: reverse("annotation-flag", args=[a.pk]),
        {"anonymous": 404, "author": 404, "other_member": 404, "reviewer": 404, "researcher": 404},
    ),
    (
        "moderation queue",
        "get",
        lambda a: reverse("moderation-queue"),
        {
            "anonymous": LOGIN,
            "author": 403,
            "other_member": 403,
            "reviewer": 200,
            "researcher": 403,
        },
    ),
    (
        "decide",
        "post",
        lambda a: reverse("moderation-decide", args=[a.pk]),
        {
            "anonymous": LOGIN,
            "author": 403,
            "other_member": 403,
            "reviewer": 302,
            "researcher": 403,
        },
    ),
    (
        "attach again",
        "post",
        lambda a: reverse("moderation-attach", args=[a.pk]),
        {
            "anonymous": LOGIN,
            "author": 403,
            "other_member": 403,
            "reviewer": 302,
            "researcher": 403,
        },
    ),
    (
        "annotation admin",
        "get",
        lambda a: reverse("admin:annotations_annotation_changelist"),
        {
            "anonymous": LOGIN,
            "author": LOGIN,
            "other_member": LOGIN,
            "reviewer": LOGIN,
            "researcher": 403,
        },
    ),
    (
        "invite a member",
        "get",
        lambda a: reverse("admin:annotations_invite"),
        {
            "anonymous": LOGIN,
            "author": LOGIN,
            "other_member": LOGIN,
            "reviewer": LOGIN,
            "researcher": 403,
        },
    ),
]


@pytest.fixture
def clients(framework, member_a, member_b, reviewer, researcher):
    return {
        "anonymous": Client(),
        "author": logged_in(member_a),
        "other_member": logged_in(member_b),
        "reviewer": logged_in(reviewer),
        "researcher": logged_in(researcher),
    }


@pytest.mark.parametrize("name, method, url, expected", MATRIX, ids=[row[0] for row in MATRIX])
@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(clients, member_a, name, method, url, expected, role):
    annotation = make_annotation(
        target=Section.objects.get(key="ontmoeting"), author=member_a, status=Status.PENDING
    )
    data = {
        f"a{annotation.pk}-action": "approve",
        f"a{annotation.pk}-version": 1,
        f"h{annotation.pk}-passage": "x",
        f"h{annotation.pk}-version": 1,
    }
    response = getattr(clients[role], method)(url(annotation), data if method == "post" else None)
    want = expected[role]
    if want == LOGIN:
        assert response.status_code == 302, (name, role)
        assert "/aanmelden/" in response["Location"] or "/beheer/login/" in response["Location"], (
            name,
            role,
        )
    else:
        assert response.status_code == want, (name, role, response.status_code)
    annotation.refresh_from_db()
    if role != "reviewer" and not (name == "withdraw" and role == "author"):
        assert annotation.status == Status.PENDING, (name, role)
