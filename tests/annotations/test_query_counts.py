"""Pages with annotations cost the same number of queries for few and many annotations."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotations.models import Annotation, Membership, Reading, Status
from frameworks.models import Section, Source, TensionField
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_reading, make_reply

pytestmark = pytest.mark.django_db

# 14, one for the header (its links and unread count), one for the follow button, one for
# the case page's readings of its codings and one for every thread in the margin.
MAX_QUERIES = 18


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
        # A reply of theirs on a section, out of the margin: "mine" links to its note's text.
        on_section = make_annotation(target=section, author=author, body=f"Draad {i}")
        make_reply(on_section, author=author, status=Status.REJECTED, body=f"Afgewezen {i}")


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
        # The case page also ranks the related cases by profile and loads their titles, once
        # per content version (which it reads first).
        limit = MAX_QUERIES + 3 if name == "case page" else MAX_QUERIES
        assert n <= limit, f"{name}: {n} queries"


def add_threads_and_readings(case, author, researcher, threads: int, readings: int) -> None:
    """Notes each with a reply, and readings of every coding: some on a passage, some answered."""
    keys = [
        *Source.objects.values_list("key", flat=True),
        *TensionField.objects.values_list("key", flat=True),
    ]
    for i in range(threads):
        note = make_annotation(target=case, author=author, body=f"Draad {i}")
        make_reply(note, author=author, body=f"Antwoord {i}")
    for i in range(readings):
        key = keys[i % len(keys)]
        item = (
            {"source": key} if Source.objects.filter(key=key).exists() else {"tension_field": key}
        )
        value = {"strength": i % 4} if "source" in item else {"position": i % 5 - 2}
        passage = "Wat er gebeurt" if i % 3 == 0 else None
        annotation = make_reading(case, **item, value=value, passage=passage, author=author)
        if i % 2:
            Reading.objects.filter(annotation=annotation).update(
                answer="Ja.",
                answer_html="<p>Ja.</p>",
                answered_at=timezone.now(),
                answered_by=researcher,
            )


def test_a_case_page_with_50_threads_and_30_readings_costs_what_one_of_each_costs(
    framework, member_a, researcher, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    case = make_case()
    clients = {
        "reader": Client(),
        "member": logged_in(member_a),
        "researcher": logged_in(researcher),
    }
    add_threads_and_readings(case, member_a, researcher, 1, 1)
    few = {name: count(client, case.get_absolute_url()) for name, client in clients.items()}
    add_threads_and_readings(case, member_a, researcher, 49, 29)
    many = {name: count(client, case.get_absolute_url()) for name, client in clients.items()}

    assert many == few
    page = clients["reader"].get(case.get_absolute_url()).content.decode()
    assert page.count('class="reading"') == 30
