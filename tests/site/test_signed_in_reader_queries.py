"""What a signed-in reader costs a page: their session, themselves with their permissions, and
what the page asks of them (member? following? anything of theirs here?) read once each.

`diegem.lib.sessions` (the session, prepared), `diegem.lib.permissions.SiteBackend` (the user
and their permissions in one query), `annotations.reader_facts` with `diegem.lib.request_memo`
(the membership, read once however many parts of the page ask)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, authenticate
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from annotations.models import Follow, Membership
from annotations.reader_facts import follows, reader_facts
from annotations.services import may_annotate
from diegem.lib.prepared import as_written
from diegem.lib.request_memo import RequestMemoMiddleware, memoized
from frameworks.models import Section, Source, TensionField
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case, make_user
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


def tables_read(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [as_written(query["sql"]) for query in queries]  # prepared ones by their SQL


def reading(sqls: list[str], table: str) -> int:
    return sum(f'"{table}"' in sql for sql in sqls)


def test_a_members_case_page_asks_for_their_membership_once(framework, member_a):
    # The header (their links), the margin (may they write), the readings (may they propose),
    # the follow button (may they follow): one membership query between them.
    case = make_case()
    make_annotation(target=case, author=member_a)
    sqls = tables_read(logged_in(member_a), case.get_absolute_url())
    assert reading(sqls, "annotations_membership") == 1
    assert reading(sqls, "django_session") == 1


def follow_form(client, url) -> list[str]:
    page = parse(client.get(url))
    return texts(page, "//form[@class='follow-form']//p | //form[@class='follow-form']//button")


TARGETS = {
    "case": lambda: make_case(),
    "section": lambda: Section.objects.get(key="inleiding"),
    "source": lambda: Source.objects.get(key="ontmoeting"),
    "tension_field": lambda: TensionField.objects.get(key="consensus-conflict"),
}


@pytest.mark.parametrize(
    ("kind", "offered", "followed"),
    [
        ("case", "Volg deze praktijk", "U volgt deze praktijk. Uw meldingen"),
        ("section", "Volg dit deel van het kader", "U volgt dit deel van het kader. Uw meldingen"),
        ("source", "Volg deze bron", "U volgt deze bron. Uw meldingen"),
        ("tension_field", "Volg dit spanningsveld", "U volgt dit spanningsveld. Uw meldingen"),
    ],
)
def test_whether_a_member_follows_what_a_page_offers_is_read_with_their_facts(
    framework, member_a, kind, offered, followed
):
    """The header asks first, for the page's follow target; the button then asks nothing."""
    target = TARGETS[kind]()
    url = target.get_absolute_url()
    client = logged_in(member_a)
    assert follow_form(client, url) == [offered]
    assert follow_read_with_the_membership(client, url)
    Follow.objects.create(user=member_a, **{kind: target})
    assert follow_form(client, url) == [followed, "Niet meer volgen"]
    assert follow_read_with_the_membership(client, url)


def follow_read_with_the_membership(client, url) -> bool:
    follow_reads = [sql for sql in tables_read(client, url) if '"annotations_follow"' in sql]
    return len(follow_reads) == 1 and '"annotations_membership"' in follow_reads[0]


def test_a_follow_target_not_asked_with_the_facts_is_read_apart(framework, member_a):
    followed, other = make_case(), make_case(title="Een andere")
    Follow.objects.create(user=member_a, case=followed)
    answers = {}

    def page(request):
        # The header asked about `followed`; a second button on the page asks about `other`.
        reader_facts(member_a, following=("praktijk", followed.pk))
        with CaptureQueriesContext(connection) as queries:
            answers["followed"] = follows(member_a, "praktijk", followed.pk)
            answers["other"] = follows(member_a, "praktijk", other.pk)
        answers["queries"] = [as_written(query["sql"]) for query in queries]

    RequestMemoMiddleware(page)(RequestFactory().get("/"))
    assert (answers["followed"], answers["other"]) == (True, False)
    [apart] = answers["queries"]  # for `other` only, and not the facts again
    assert '"annotations_follow"' in apart
    assert '"annotations_membership"' not in apart


def test_outside_a_request_a_follow_is_one_small_query(framework, member_a):
    case = make_case()
    Follow.objects.create(user=member_a, case=case)
    with CaptureQueriesContext(connection) as queries:
        assert follows(member_a, "praktijk", case.pk) is True
    [query] = [as_written(query["sql"]) for query in queries]
    assert '"annotations_membership"' not in query


def test_the_user_and_their_permissions_are_read_together(framework, reviewer):
    sqls = tables_read(logged_in(reviewer), "/")
    [user_query] = [sql for sql in sqls if '"auth_user"."password"' in sql]
    assert '"auth_permission"' in user_query
    assert reading(sqls, "auth_permission") == 1
    # …and they answer as Django's own backend would: the reviewer's link to the queue.
    assert "Moderatie" in logged_in(reviewer).get("/").content.decode()


def test_a_session_signed_in_through_djangos_own_backend_stays_signed_in(framework, researcher):
    session = DjangoSessionStore()
    session[SESSION_KEY] = str(researcher.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = researcher.get_session_auth_hash()
    session.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200


def test_an_expired_session_signs_no_one_in(framework, member_a):
    client = logged_in(member_a)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("annotations-mine"))
    assert response.status_code == 302
    assert response["Location"].startswith("/account/aanmelden/")


def test_an_inactive_user_is_signed_out(framework, member_a):
    client = logged_in(member_a)
    member_a.is_active = False
    member_a.save()
    assert client.get(reverse("annotations-mine")).status_code == 302


# --- facts read once per reading request ----------------------------------------------------


def test_outside_a_request_every_question_reads_afresh(framework, member_a):
    assert may_annotate(member_a) is True
    Membership.objects.filter(user=member_a).delete()
    assert may_annotate(member_a) is False
    assert reader_facts(AnonymousUser()).member is False


def read_twice(method: str) -> list[int]:
    computed = []

    def view(request):
        for _ in range(2):
            memoized("vraag", lambda: computed.append(1) or len(computed))
        return None

    RequestMemoMiddleware(view)(getattr(RequestFactory(), method)("/"))
    return computed


MEMO = [
    # (method, times the fact is read)
    ("get", 1),
    ("head", 1),
    ("post", 2),  # a request that writes reads again what it may have changed
]


@pytest.mark.parametrize(("method", "reads"), MEMO)
def test_a_fact_is_read_once_per_reading_request(method, reads):
    assert len(read_twice(method)) == reads


def test_nothing_is_remembered_from_one_request_to_the_next():
    assert len(read_twice("get")) == 1
    assert len(read_twice("get")) == 1
    computed = []
    memoized("vraag", lambda: computed.append(1))
    memoized("vraag", lambda: computed.append(1))
    assert len(computed) == 2


def test_a_member_who_leaves_is_no_member_on_their_next_page(framework, member_a):
    client = logged_in(member_a)
    case = make_case()
    write = 'class="annotated__write"'
    assert write in client.get(case.get_absolute_url()).content.decode()
    Membership.objects.filter(user=member_a).delete()
    assert write not in client.get(case.get_absolute_url()).content.decode()


def test_someone_without_permissions_gets_none(framework):
    client = logged_in(make_user("zonder"))
    assert "Moderatie" not in client.get("/").content.decode()
    assert client.get(reverse("moderation-queue")).status_code in (302, 403)


def test_a_wrong_password_is_checked_once(framework, monkeypatch):
    # SiteBackend refuses; ModelBackend, listed after it for older sessions, is not asked again.
    make_user("wim", password="het-juiste-wachtwoord")
    checks = []
    real = MD5PasswordHasher.verify
    monkeypatch.setattr(
        MD5PasswordHasher, "verify", lambda self, *args: checks.append(1) or real(self, *args)
    )
    request = RequestFactory().post(reverse("login"))
    assert authenticate(request, username="wim", password="fout") is None
    assert authenticate(request, username="wim", password="het-juiste-wachtwoord") is not None
    assert len(checks) == 2


def test_a_cases_facts_are_never_read_without_the_readers_flag_key(framework, member_a):
    from annotations import reader_facts as facts

    case = make_case()
    # Without the key the flag check would silently be left out of "anything of theirs".
    with pytest.raises(TypeError, match="reader key"):
        facts._FACTS_FOLLOWING[facts.CASE_KIND].rows(user_id=member_a.pk, target_id=case.pk)
