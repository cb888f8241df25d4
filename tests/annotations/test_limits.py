"""Limits and thresholds: said before the member writes, nothing typed lost, exact under simultaneous requests."""

import http.client
import threading
import urllib.parse
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from annotations import services
from annotations.models import Annotation, AnnotationVersion, Flag, ModerationEvent, Status
from annotations.targets import section_target
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_member
from tests.html import parse, textarea, texts

NEW = reverse("annotation-new")


def submissions(member, count: int, minutes_ago: int = 10) -> None:
    """`count` submissions by the member, made `minutes_ago` minutes ago."""
    target = section_target(Section.objects.get(key="ontmoeting"))
    for n in range(count):
        services.annotation_submit(
            author=member,
            target=target,
            voice="denker",
            kind="associatie",
            body=f"x{n}",
            passage=target.text[:30],
        )
    AnnotationVersion.objects.filter(author=member).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )


def allowance_text(response) -> list[str]:
    return texts(parse(response), "//*[@id='allowance']")


# --- said before writing -------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "used, said",
    [
        (0, []),
        (6, []),
        (7, ["U kunt dit uur nog 3 kanttekeningen indienen of bewerken."]),
        (9, ["U kunt dit uur nog 1 kanttekening indienen of bewerken."]),
    ],
)
def test_the_forms_say_how_many_submissions_are_left_when_it_matters(
    framework, member_a, settings, used, said
):
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 10
    submissions(member_a, used)
    client = logged_in(member_a)
    assert allowance_text(client.get(NEW, {"doel": "section:ontmoeting"})) == said
    if used:
        own = Annotation.objects.filter(author=member_a).first()
        assert allowance_text(client.get(reverse("annotation-edit", args=[own.pk]))) == said


@pytest.mark.django_db
def test_with_none_left_the_form_says_so_and_when_it_resets(framework, member_a, settings):
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 2
    submissions(member_a, 2, minutes_ago=45)
    resets = timezone.localtime(
        AnnotationVersion.objects.filter(author=member_a).earliest("created_at").created_at
        + timedelta(hours=1)
    )
    said = allowance_text(logged_in(member_a).get(NEW, {"doel": "section:ontmoeting"}))
    assert said == [
        f"U hebt dit uur al 2 kanttekeningen ingediend of bewerkt, het maximum per uur. Vanaf {resets:%H:%M} kunt u weer indienen. "
        "Schrijft u nu al, dan blijft uw tekst in het formulier staan als het indienen geweigerd wordt."
    ]


@pytest.mark.django_db
def test_the_allowance_counts_the_hour_only(framework, member_a, settings):
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 2
    submissions(member_a, 2, minutes_ago=61)
    assert services.submission_allowance(member_a).left == 2


@pytest.mark.django_db
def test_a_refused_edit_keeps_what_was_typed(framework, member_a, settings):
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 1
    submissions(member_a, 1)
    own = Annotation.objects.get(author=member_a)
    response = logged_in(member_a).post(
        reverse("annotation-edit", args=[own.pk]),
        {
            "voice": "planner",
            "kind": "voorbeeld",
            "body": "Mijn herwerkte tekst.",
            "attribution": "Nota 2024",
            "link": "",
            "version": own.version,
        },
    )
    assert response.status_code == 429
    page = parse(response)
    assert textarea(page, "body") == "Mijn herwerkte tekst."
    assert page.xpath("//input[@name='attribution']/@value") == ["Nota 2024"]
    assert page.xpath("//input[@name='voice'][@checked]/@value") == ["planner"]
    assert texts(page, "//div[contains(@class,'form-errors')]//li")[0].startswith(
        "U hebt dit uur al 1 kanttekeningen"
    )
    assert Annotation.objects.get(pk=own.pk).body == "x0"


@pytest.mark.django_db
def test_an_edit_refused_because_a_reviewer_acted_keeps_what_was_typed(
    framework, member_a, reviewer
):
    submissions(member_a, 1)
    own = Annotation.objects.get(author=member_a)
    services.annotation_moderate(
        annotation_id=own.pk, action="approve", actor=reviewer, expected_version=1
    )
    response = logged_in(member_a).post(
        reverse("annotation-edit", args=[own.pk]),
        {
            "voice": "denker",
            "kind": "associatie",
            "body": "Wat ik net schreef.",
            "attribution": "",
            "link": "",
            "version": 1,
        },
    )
    assert response.status_code == 200
    page = parse(response)
    assert textarea(page, "body") == "Wat ik net schreef."
    assert texts(page, "//div[contains(@class,'form-errors')]//li") == [
        "Uw wijziging is niet bewaard: de moderatie heeft intussen beslist (nu: goedgekeurd). "
        "Kijk uw tekst hieronder na en bewaar opnieuw."
    ]
    assert page.xpath("//input[@name='version']/@value") == ["2"]


@pytest.mark.django_db
def test_a_flag_refused_by_the_address_limit_keeps_the_note(framework, member_a, settings):
    settings.FLAGS_PER_HOUR = 1
    first, second = make_annotation(author=member_a), make_annotation(author=member_a)
    reader = Client(REMOTE_ADDR="198.51.100.4")
    reader.post(reverse("annotation-flag", args=[first.pk]), {"reason": "spam"})
    response = reader.post(
        reverse("annotation-flag", args=[second.pk]),
        {"reason": "other", "note": "Dit is reclame voor een winkel."},
    )
    assert response.status_code == 429
    assert textarea(parse(response), "note") == "Dit is reclame voor een winkel."
    assert Flag.objects.count() == 1


# --- exact under simultaneous requests ---------------------------------------------------------------------

TOKEN = "k" * 32  # a CSRF secret of our own, sent as cookie and as form field


def http_post(
    live_server, path: str, data: dict, *, cookies: dict | None = None, source: str = "127.0.0.1"
) -> int:
    """POST a form to the live server from `source` (any 127.x address on Linux), as a browser would."""
    url = urllib.parse.urlsplit(live_server.url)
    conn = http.client.HTTPConnection(
        url.hostname, url.port, timeout=60, source_address=(source, 0)
    )
    jar = {django_settings.CSRF_COOKIE_NAME: TOKEN, **(cookies or {})}
    conn.request(
        "POST",
        path,
        body=urllib.parse.urlencode({**data, "csrfmiddlewaretoken": TOKEN}, doseq=True),
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def http_get(
    live_server, path: str, *, cookies: dict | None = None, source: str = "127.0.0.1"
) -> int:
    """GET a page of the live server from `source` (any 127.x address on Linux), as a browser
    would; its status."""
    url = urllib.parse.urlsplit(live_server.url)
    conn = http.client.HTTPConnection(
        url.hostname, url.port, timeout=60, source_address=(source, 0)
    )
    jar = cookies or {}
    conn.request("GET", path, headers={"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


def all_at_once(count: int, work) -> list:
    """Run `work(n)` in `count` threads released together by a barrier; their results in order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(n):
        try:
            barrier.wait(timeout=20)
            results[n] = work(n)
        except Exception as error:  # noqa: BLE001 - the outcome is what the test looks at
            results[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_fifteen_simultaneous_posts_by_one_member_get_exactly_the_limit(
    live_server, framework, settings
):
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 10
    member = make_member()
    client = Client()
    client.force_login(member)
    session = {
        django_settings.SESSION_COOKIE_NAME: client.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value
    }
    passage = Section.objects.get(key="ontmoeting").body[:30]

    def post(n):
        data = {
            "doel": "section:ontmoeting",
            "passage": passage,
            "voice": "doener",
            "kind": "voorbeeld",
            "body": f"Noot {n}",
        }
        return http_post(live_server, NEW, data, cookies=session)

    statuses = all_at_once(15, post)
    assert Counter(statuses) == {302: 10, 429: 5}
    assert Annotation.objects.filter(author=member).count() == 10
    assert AnnotationVersion.objects.filter(author=member).count() == 10


@pytest.mark.django_db(transaction=True)
def test_notes_and_readings_posted_at_once_share_exactly_the_limit(
    live_server, framework, settings
):
    settings.ANNOTATION_SUBMISSIONS_PER_HOUR = 10
    member = make_member()
    case = make_case(slug="buurtkeuken", strengths={"ontmoeting": 1})
    client = Client()
    client.force_login(member)
    session = {
        django_settings.SESSION_COOKIE_NAME: client.cookies[
            django_settings.SESSION_COOKIE_NAME
        ].value
    }
    passage = case.practice[:20]
    reading_url = reverse("reading-new", args=["buurtkeuken", "ontmoeting"])

    def post(n):
        if n % 2:
            data = {"value": "3", "voice": "doener", "body": f"Lezing {n}"}
            return http_post(live_server, reading_url, data, cookies=session)
        data = {
            "doel": "case:buurtkeuken:praktijk",
            "passage": passage,
            "voice": "doener",
            "kind": "voorbeeld",
            "body": f"Noot {n}",
        }
        return http_post(live_server, NEW, data, cookies=session)

    statuses = all_at_once(15, post)
    assert Counter(statuses) == {302: 10, 429: 5}
    assert Annotation.objects.filter(author=member).count() == 10
    assert AnnotationVersion.objects.filter(author=member).count() == 10


def flag_by_service(note, n: int):
    return services.annotation_flag(
        annotation_id=note.pk,
        reader_key=f"session:{n}",
        client_hash=f"address-{n}",
        user=None,
        reason="spam",
    )


def assert_each_hidden_once(notes) -> None:
    for note in notes:
        note.refresh_from_db()
        assert note.status == Status.HIDDEN, note.pk
        assert (
            ModerationEvent.objects.filter(annotation=note, action="hide_by_flags").count() == 1
        ), note.pk
        assert note.flags.filter(resolved_at__isnull=True).count() == 3, note.pk


@pytest.mark.django_db(transaction=True)
def test_six_readers_flagging_at_once_hide_every_note_exactly_once(framework, settings):
    settings.FLAGS_TO_HIDE = 3
    member = make_member()
    notes = [make_annotation(author=member, body=f"Noot {i}") for i in range(10)]
    for note in notes:
        outcomes = all_at_once(6, lambda n, note=note: flag_by_service(note, n))
        assert sum(isinstance(o, Flag) for o in outcomes) == 3
        assert sum(isinstance(o, services.NotFlaggable) for o in outcomes) == 3
    assert_each_hidden_once(notes)


@pytest.mark.django_db(transaction=True)
def test_six_readers_from_six_addresses_flagging_through_http_hide_every_note_exactly_once(
    live_server, framework, settings
):
    settings.FLAGS_TO_HIDE = 3
    member = make_member()
    notes = [make_annotation(author=member, body=f"Noot {i}") for i in range(10)]
    for note in notes:
        path = reverse("annotation-flag", args=[note.pk])
        # Each reader its own address (127.0.0.2 to .7) and, without a session, a new anonymous reader.
        statuses = all_at_once(
            6,
            lambda n, path=path: http_post(
                live_server, path, {"reason": "spam"}, source=f"127.0.0.{n + 2}"
            ),
        )
        assert statuses == [302] * 6
    assert_each_hidden_once(notes)


@pytest.mark.django_db(transaction=True)
def test_the_flag_limit_per_address_holds_under_simultaneous_flags(framework, settings):
    settings.FLAGS_PER_HOUR = 5
    settings.FLAGS_TO_HIDE = 99
    member = make_member()
    notes = [make_annotation(author=member, body=f"Noot {i}") for i in range(12)]
    outcomes = all_at_once(
        12,
        lambda n: services.annotation_flag(
            annotation_id=notes[n].pk,
            reader_key=f"session:{n}",
            client_hash="one-address",
            user=None,
            reason="spam",
        ),
    )
    assert Counter(type(o).__name__ for o in outcomes) == {"Flag": 5, "RateLimited": 7}
    assert Flag.objects.filter(client_hash="one-address").count() == 5


@pytest.mark.django_db(transaction=True)
def test_the_flag_limit_per_address_holds_for_simultaneous_readers_through_http(
    live_server, framework, settings
):
    """Twelve readers behind one address flag twelve notes at once: exactly the limit gets through."""
    settings.FLAGS_PER_HOUR = 5
    settings.FLAGS_TO_HIDE = 99
    member = make_member()
    paths = [
        reverse("annotation-flag", args=[make_annotation(author=member, body=f"Noot {i}").pk])
        for i in range(12)
    ]
    statuses = all_at_once(
        12, lambda n: http_post(live_server, paths[n], {"reason": "spam"}, source="127.0.0.9")
    )
    assert Counter(statuses) == {302: 5, 429: 7}
    assert Flag.objects.count() == 5
