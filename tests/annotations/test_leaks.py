"""Nothing that is not approved and anchored reaches a public surface.

Each hidden annotation carries a unique marker; none may appear anywhere an
anonymous reader or a member of another organisation can look.
"""

import csv
import io
import json

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.urls import reverse

from annotations.models import Annotation, Organisation, Status
from cases.models import Case
from frameworks.models import Section, Source, TensionField
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_reading, make_reply

pytestmark = pytest.mark.django_db

HIDDEN_STATES = {
    "PENDINGMARKER": {"status": Status.PENDING},
    "REJECTEDMARKER": {"status": Status.REJECTED},
    "HIDDENMARKER": {"status": Status.HIDDEN},
    "WITHDRAWNMARKER": {"status": Status.WITHDRAWN},
    "CHANGESMARKER": {"status": Status.CHANGES_REQUESTED},
    "ORPHANMARKER": {"status": Status.APPROVED, "anchor_state": "orphaned"},
}


def public_surfaces(case: Case, draft: Case) -> list[str]:
    urls = [
        reverse("home"),
        reverse("framework"),
        reverse("case-list"),
        case.get_absolute_url(),
        draft.get_absolute_url(),
        reverse("case-feed"),
        reverse("sitemap"),
        reverse("organisations"),
        reverse("bibliography"),
        reverse("api-annotations"),
        reverse("api-annotations") + "?pagina=1",
        reverse("api-case-annotations", args=[case.slug]),
        reverse("api-case-annotations", args=[case.slug]) + "?pagina=1",
        reverse("api-case-annotations", args=[draft.slug]) + "?pagina=1",
        reverse("case-text", args=[draft.slug, "practice"]),
        reverse("case-text", args=[draft.slug, "praktijk"]),
        reverse("annotations-mine"),
    ]
    for section in Section.objects.all():
        urls += [
            section.get_absolute_url(),
            reverse("api-section-annotations", args=[section.key]),
            reverse("api-section-annotations", args=[section.key]) + "?pagina=1",
        ]
    urls += [source.get_absolute_url() for source in Source.objects.all()]
    urls += [field.get_absolute_url() for field in TensionField.objects.all()]
    return urls


def test_no_unapproved_annotation_reaches_a_public_surface(framework, member_a, member_b):
    case = make_case(title="Openbare case")
    draft = make_case(title="Verborgen case", status=Case.Status.DRAFT)
    section = Section.objects.get(key="ontmoeting")
    hidden = []
    for marker, state in HIDDEN_STATES.items():
        for target in (case, section):
            hidden.append(
                make_annotation(
                    target=target,
                    author=member_a,
                    body=f"{marker} in de tekst",
                    attribution=f"{marker}-bron",
                    link=f"https://example.org/{marker}",
                    **state,
                )
            )
    # An approved annotation on a draft case is not public either.
    hidden.append(
        make_annotation(
            target=draft, author=member_a, body="DRAFTCASEMARKER", attribution="DRAFTCASEMARKER"
        )
    )
    visible = make_annotation(target=case, author=member_a, body="VISIBLEMARKER")

    for who, client in {
        "anonymous": Client(),
        "member of another organisation": logged_in(member_b),
    }.items():
        seen_visible = False
        for url in public_surfaces(case, draft):
            response = client.get(url)
            body = response.content.decode()
            for marker in [*HIDDEN_STATES, "DRAFTCASEMARKER"]:
                assert marker not in body, f"{marker} leaked to {who} at {url}"
            seen_visible |= "VISIBLEMARKER" in body
        assert seen_visible, "the control annotation should be visible somewhere"
        for annotation in hidden:
            assert client.get(reverse("api-annotation", args=[annotation.pk])).status_code == 404, (
                who
            )
            # The work it cites has no page (the address names it: the marker is in its links).
            work = f"?stem={annotation.voice}&werk={annotation.attribution}"
            assert client.get(reverse("bibliography-work") + work).status_code == 404, who
            assert (
                client.get(reverse("annotation-flag", args=[annotation.pk])).status_code == 404
            ), who
        assert client.get(reverse("api-annotation", args=[visible.pk])).status_code == 200


def test_public_queryset_excludes_every_hidden_state(framework, member_a):
    case = make_case()
    for state in HIDDEN_STATES.values():
        make_annotation(target=case, author=member_a, **state)
    draft = make_case(status=Case.Status.DRAFT)
    make_annotation(target=draft)
    public = make_annotation(target=case)
    assert list(Annotation.objects.public()) == [public]
    assert Annotation.objects.public().filter(case=draft).count() == 0


def test_visible_to_gives_authors_their_own_and_reviewers_all(
    framework, member_a, member_b, reviewer
):
    mine = make_annotation(author=member_a, status=Status.PENDING)
    public = make_annotation(author=member_b)

    assert set(Annotation.objects.visible_to(member_a)) == {mine, public}
    assert set(Annotation.objects.visible_to(member_b)) == {public}
    assert set(Annotation.objects.visible_to(AnonymousUser())) == {public}
    assert set(Annotation.objects.visible_to(reviewer)) == {mine, public}


def test_no_reading_that_is_not_public_reaches_a_page_a_file_or_the_api(
    framework, member_a, member_b
):
    """Readings in every state that is not public, a reading on a case taken offline and an
    orphaned reading passage: only the approved one of the published case is shown or counted."""
    case = make_case(title="Openbare case", strengths={"ontmoeting": 1})
    draft = make_case(title="Verborgen case", status=Case.Status.DRAFT)
    hidden = [
        make_reading(case, source="ontmoeting", author=member_a, body=f"{marker} lezing", **state)
        for marker, state in HIDDEN_STATES.items()
        if marker != "ORPHANMARKER"
    ]
    hidden.append(
        make_reading(
            case,
            source="ontmoeting",
            passage="Wat er gebeurt",
            author=member_a,
            body="ORPHANMARKER lezing",
            anchor_state="orphaned",
        )
    )
    hidden.append(
        make_reading(draft, source="ontmoeting", author=member_a, body="DRAFTCASEMARKER lezing")
    )
    visible = make_reading(case, source="ontmoeting", author=member_a, body="VISIBLEMARKER")
    surfaces = [
        *public_surfaces(case, draft),
        reverse("export-readings-csv"),
        reverse("export-readings-json"),
        reverse("open-data"),
    ]
    for who, client in {
        "anonymous": Client(),
        "member of another organisation": logged_in(member_b),
    }.items():
        seen_visible = False
        for url in surfaces:
            body = client.get(url).content.decode()
            for marker in [*HIDDEN_STATES, "DRAFTCASEMARKER"]:
                assert marker not in body, f"{marker} leaked to {who} at {url}"
            seen_visible |= "VISIBLEMARKER" in body
        assert seen_visible
        page = client.get(case.get_absolute_url()).content.decode()
        assert "1 lezing: 1x sterk" in page
        rows = json.loads(client.get(reverse("export-readings-json")).content)["lezingen"]
        assert [row["lezing"] for row in rows] == [visible.pk]
        csv_rows = list(
            csv.DictReader(io.StringIO(client.get(reverse("export-readings-csv")).content.decode()))
        )
        assert [row["lezing"] for row in csv_rows] == [str(visible.pk)]
        for annotation in hidden:
            assert client.get(reverse("api-annotation", args=[annotation.pk])).status_code == 404
        assert client.get(reverse("api-annotation", args=[visible.pk])).status_code == 200
        assert client.get(reverse("coding", args=[draft.pk, "ontmoeting"])).status_code == 404
        assert client.get(reverse("reading-new", args=[draft.slug, "ontmoeting"])).status_code in (
            302,
            403,
            404,
        )


def test_no_reply_that_is_not_public_reaches_a_public_surface(framework, member_a, member_b):
    """Pending, rejected, withdrawn, hidden replies; public replies under a note hidden,
    orphaned or withdrawn later, or on a case taken offline: never on any surface."""
    case = make_case(title="Openbare case")
    draft = make_case(title="Verborgen case", status=Case.Status.DRAFT)
    section = Section.objects.get(key="ontmoeting")
    note = make_annotation(target=case, author=member_b, body="VISIBLEMARKER noot")
    replies = [
        make_reply(note, author=member_a, body=f"{marker} antwoord", status=status)
        for marker, status in [
            ("PENDINGREPLY", Status.PENDING),
            ("REJECTEDREPLY", Status.REJECTED),
            ("WITHDRAWNREPLY", Status.WITHDRAWN),
            ("HIDDENREPLY", Status.HIDDEN),
            ("CHANGESREPLY", Status.CHANGES_REQUESTED),
        ]
    ]
    later = {
        "UNDERHIDDEN": make_annotation(target=section, author=member_b, status=Status.HIDDEN),
        "UNDERORPHAN": make_annotation(target=case, author=member_b, anchor_state="orphaned"),
        "UNDERWITHDRAWN": make_annotation(target=case, author=member_b, status=Status.WITHDRAWN),
        "UNDEROFFLINE": make_annotation(target=draft, author=member_b),
    }
    for marker, root in later.items():
        replies.append(make_reply(root, author=member_a, body=f"{marker} antwoord"))
    markers = [reply.body.split()[0] for reply in replies]
    roots = [note, *later.values()]

    for who, client in {
        "anonymous": Client(),
        "member of another organisation": logged_in(member_b),
    }.items():
        urls = public_surfaces(case, draft)
        urls += [reverse("annotation-detail", args=[root.pk]) for root in roots]
        urls += [reverse("search") + "?q=antwoord"]
        for url in urls:
            body = client.get(url).content.decode()
            for marker in markers:
                assert marker not in body, f"{marker} leaked to {who} at {url}"
        for reply in replies:
            for name in ("api-annotation", "annotation-detail", "annotation-flag"):
                response = client.get(reverse(name, args=[reply.pk]))
                assert response.status_code == 404, (who, name, reply.body)
    # The thread counts count only the public replies (none here).
    page = Client().get(case.get_absolute_url()).content.decode()
    assert "Nog geen antwoorden" not in page  # an anonymous reader gets no empty thread
    assert "1 antwoord" not in page
    assert (
        Organisation.objects.get(pk=member_a.membership.organisation_id)
        .annotations.filter(pk__in=Annotation.objects.public())
        .count()
        == 0
    )
