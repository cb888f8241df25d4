"""Pages with annotations cost the same number of queries for few and many annotations."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from annotations.models import Annotation, Membership, Status
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_reply

pytestmark = pytest.mark.django_db

# 14, one for the header (whether to offer "Mijn kanttekeningen"), one for every thread in the margin.
MAX_QUERIES = 16


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def add_annotations(case, section, author, n):
    for i in range(n):
        threaded = make_annotation(target=case, author=author, body=f"Noot {i}")
        # A thread under it: a public reply, an answer to that one, the reader's own pending one.
        first = make_reply(threaded, author=author, body=f"Antwoord {i}")
        make_reply(threaded, reply_to=first, author=author, body=f"Antwoord op antwoord {i}")
        make_reply(threaded, author=author, status=Status.PENDING, body=f"Wachtend antwoord {i}")
        make_annotation(target=section, author=author, body=f"Noot {i}")
        make_annotation(target=case, author=author, status=Status.PENDING, body=f"Wachtend {i}")
        flagged = make_annotation(target=section, author=author, body=f"Gemeld {i}")
        flagged.flags.create(reader_key=f"r{i}", client_hash="h", reason="spam")
        make_annotation(target=section, author=author, anchor_state="orphaned", body=f"Wees {i}")


def urls(case, section):
    first_note = Annotation.objects.notes().filter(case=case).order_by("pk").first()
    return {
        "case page": case.get_absolute_url(),
        "note page": reverse("annotation-detail", args=[first_note.pk]),
        "section page": section.get_absolute_url(),
        "queue": reverse("moderation-queue"),
        "flagged queue": reverse("moderation-queue") + "?lijst=gemeld",
        "orphan queue": reverse("moderation-queue") + "?lijst=verweesd",
        "my annotations": reverse("annotations-mine"),
        "collection": reverse("api-annotations"),
        "collection page": reverse("api-annotations") + "?pagina=1",
        "case collection page": reverse("api-case-annotations", args=[case.slug]) + "?pagina=1",
        "organisations": reverse("organisations"),
    }


def test_annotated_pages_do_not_grow_with_annotations(framework, member_a, reviewer):
    case = make_case()
    section = Section.objects.get(key="ontmoeting")
    # Reviewers are members too here, so every page (queue and "mine") has rows.

    Membership.objects.create(user=reviewer, organisation=member_a.membership.organisation)
    client = logged_in(reviewer)
    add_annotations(case, section, reviewer, 1)
    few = {name: count(client, url) for name, url in urls(case, section).items()}
    add_annotations(case, section, reviewer, 30)
    many = {name: count(client, url) for name, url in urls(case, section).items()}
    assert many == few
    for name, n in many.items():
        assert n <= MAX_QUERIES, f"{name}: {n} queries"
