"""The site's account pages: log in and out, reset passwords; failed logins lock out.

Invitations, accepted on the account pages, are in tests/annotations/test_organisations.py.
"""

import http.cookiejar
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.base_user import AbstractBaseUser
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import make_user
from tests.html import parse

pytestmark = pytest.mark.django_db


def test_login_and_logout(db):
    make_user("anna", password="juist-wachtwoord-1")
    client = Client()
    response = client.post(reverse("login"), {"username": "anna", "password": "juist-wachtwoord-1"})
    assert response.status_code == 302
    assert client.get(reverse("logout")).status_code == 405  # logging out takes a POST
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("annotations-mine")).status_code == 302


def test_repeated_failed_logins_lock_the_account_for_a_while(db, settings):
    make_user("bram", password="juist-wachtwoord-1")
    client = Client(REMOTE_ADDR="192.0.2.7")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "bram", "password": "fout"})
        assert response.status_code == 200
    locked = client.post(reverse("login"), {"username": "bram", "password": "fout"})
    assert locked.status_code == 429
    assert "Tijdelijk geblokkeerd" in locked.content.decode()
    # Even the right password is refused during the lockout.
    assert (
        client.post(
            reverse("login"), {"username": "bram", "password": "juist-wachtwoord-1"}
        ).status_code
        == 429
    )


PROXY = "127.0.0.1"


def test_failed_logins_through_the_proxy_lock_out_one_client_not_everyone(db, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    make_user("bram", password="juist-wachtwoord-1")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(reverse("login"), {"username": "bram", "password": "fout"})
    # django-axes recorded the client, not the proxy.
    assert list(
        AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")
    ) == [("bram", "203.0.113.66", 5)]
    assert (
        attacker.post(
            reverse("login"), {"username": "bram", "password": "juist-wachtwoord-1"}
        ).status_code
        == 429
    )
    # Bram himself, through the same proxy, still gets in.
    bram = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert (
        bram.post(
            reverse("login"), {"username": "bram", "password": "juist-wachtwoord-1"}
        ).status_code
        == 302
    )


def test_new_ipv6_addresses_of_one_block_do_not_escape_the_lockout(db, settings):
    # Each guess from another address of the same /64 (one subscriber's block).
    make_user("bram", password="juist-wachtwoord-1")
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}").post(
            reverse("login"), {"username": "bram", "password": "fout"}
        )

    def right_password_from(address: str) -> int:
        return (
            Client(REMOTE_ADDR=address)
            .post(reverse("login"), {"username": "bram", "password": "juist-wachtwoord-1"})
            .status_code
        )

    assert right_password_from("2001:db8:1:2:ffff::99") == 429
    assert right_password_from("2001:db8:1:3::1") == 302  # another subscriber gets in


def test_a_made_up_forwarded_for_does_not_escape_the_lockout(db, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    make_user("bram", password="juist-wachtwoord-1")
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").post(
            reverse("login"), {"username": "bram", "password": "fout"}
        )
    again = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert (
        again.post(
            reverse("login"), {"username": "bram", "password": "juist-wachtwoord-1"}
        ).status_code
        == 429
    )
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["198.51.100.7"]


def test_password_reset_mails_a_link(db):
    make_user("carla", email="carla@example.org")
    response = Client().post(reverse("password_reset"), {"email": "carla@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/account/wachtwoord-kiezen/" in mail.outbox[0].body


def test_login_page_errors_are_in_dutch_and_named(db):
    response = Client().post(reverse("login"), {"username": "", "password": ""})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Gebruikersnaam" in body and "Dit veld is verplicht." in body


def error_box(response) -> str:
    return " ".join(parse(response).xpath("string(//div[@class='form-errors'])").split())


def typed(response, name: str) -> str:
    return parse(response).xpath(f"string(//input[@name='{name}']/@value)")


def test_a_failed_login_says_so_and_not_that_nothing_was_saved(db):
    make_user("anna", password="juist-wachtwoord-1")
    response = Client().post(reverse("login"), {"username": "anna", "password": "fout"})
    assert error_box(response) == (
        "Aanmelden is niet gelukt. Kijk dit na: "
        "Voer een juiste gebruikersnaam en wachtwoord in. Let op dat beide velden hoofdlettergevoelig zijn."
    )


def test_a_user_name_longer_than_any_account_is_a_form_error(db):
    response = Client().post(reverse("login"), {"username": "x" * 300, "password": "fout"})
    assert response.status_code == 200
    assert error_box(response) == (
        "Aanmelden is niet gelukt. Kijk dit na: "
        "Gebruikersnaam: Zorg dat deze waarde niet meer dan 150 tekens bevat (het zijn er nu 300)."
    )
    assert typed(response, "username") == "x" * 300
    assert AccessAttempt.objects.count() == 0


def test_a_long_user_name_on_the_admin_login_is_recorded_cut_and_still_locks_out(db, settings):
    client = Client(REMOTE_ADDR="192.0.2.8")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert (
            client.post("/beheer/login/", {"username": "y" * 300, "password": "fout"}).status_code
            == 200
        )
    assert (
        client.post("/beheer/login/", {"username": "y" * 300, "password": "fout"}).status_code
        == 429
    )
    assert list(AccessAttempt.objects.values_list("username", "failures_since_start")) == [
        ("y" * 255, 5)
    ]


# --- asking for a new password -------------------------------------------------------------------

THROTTLED = (
    "Er werd het voorbije uur te vaak een link aangevraagd. Probeer het over een uur opnieuw."
)


def ask_for_a_link(email: str, client: Client | None = None):
    return (client or Client()).post(reverse("password_reset"), {"email": email})


def test_password_reset_requests_are_limited_per_e_mail_address_without_telling_if_it_exists(
    db, settings
):
    settings.PASSWORD_RESETS_PER_EMAIL_PER_HOUR = 3
    make_user("carla", email="carla@example.org")
    for email in ["carla@example.org", "niemand@example.org"]:
        statuses = [
            ask_for_a_link(email, Client(REMOTE_ADDR=f"198.51.100.{n}")).status_code
            for n in range(3)
        ]
        assert statuses == [302, 302, 302], email
    assert len(mail.outbox) == 3
    refused = {
        email: ask_for_a_link(email, Client(REMOTE_ADDR="198.51.100.9"))
        for email in ["Carla@Example.org", "niemand@example.org"]
    }
    for email, response in refused.items():
        assert response.status_code == 429, email
        assert error_box(response) == f"Er is geen link verstuurd. Kijk dit na: {THROTTLED}", email
        assert typed(response, "email") == email  # what was typed stays
    assert len(mail.outbox) == 3


def test_the_e_mail_limit_counts_every_spelling_that_reaches_the_same_account(db, settings):
    """Django mails every account whose address matches without regard to case after NFKC
    (`ſ`, the long s, is an `s`): the limit counts every such spelling as one address."""
    settings.PASSWORD_RESETS_PER_EMAIL_PER_HOUR = 3
    make_user("sara", email="sara.sk@example.org")
    spellings = [
        "sara.sk@example.org",
        "ſara.sk@example.org",
        "SARA.SK@example.org",
        "ſara.ſk@example.org",
        "Sara.SK@example.org",
    ]
    statuses = [
        ask_for_a_link(email, Client(REMOTE_ADDR=f"198.51.100.{n}")).status_code
        for n, email in enumerate(spellings)
    ]
    assert statuses == [302, 302, 302, 429, 429]
    assert [message.to for message in mail.outbox] == [["sara.sk@example.org"]] * 3


def test_password_reset_requests_are_limited_per_client_address(db, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 5
    client = Client(REMOTE_ADDR="203.0.113.40")
    statuses = [ask_for_a_link(f"iemand-{n}@example.org", client).status_code for n in range(6)]
    assert statuses == [302, 302, 302, 302, 302, 429]
    # Another reader is not held back by that one.
    assert (
        ask_for_a_link("iemand-9@example.org", Client(REMOTE_ADDR="203.0.113.41")).status_code
        == 302
    )


def post_simultaneously(url: str, forms: list[dict], headers: list[dict]) -> list[int]:
    """Fetch the form (CSRF token and cookie) in each thread, then post all at once."""
    start = threading.Barrier(len(forms))
    statuses: list[int] = [0] * len(forms)

    def one(n: int) -> None:
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        page = opener.open(urllib.request.Request(url, headers=headers[n])).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **forms[n]}).encode()
        request = urllib.request.Request(url, data=body, headers={**headers[n], "Referer": url})
        start.wait()
        try:
            statuses[n] = opener.open(request).status
        except urllib.error.HTTPError as error:
            statuses[n] = error.code

    threads = [threading.Thread(target=one, args=(n,)) for n in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


@pytest.fixture
def plain_http(settings):
    """The live server speaks plain HTTP: let the CSRF cookie travel over it."""
    settings.CSRF_COOKIE_SECURE = False


@pytest.mark.django_db(transaction=True)
def test_the_address_limit_holds_for_simultaneous_requests(live_server, plain_http, settings):
    settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR = 5
    for n in range(10):
        make_user(f"lid{n}", email=f"lid{n}@example.org")
    url = live_server.url + reverse("password_reset")
    statuses = post_simultaneously(
        url, [{"email": f"lid{n}@example.org"} for n in range(10)], [{}] * 10
    )
    assert (
        sorted(statuses) == [200] * 5 + [429] * 5
    )  # 200: the "check your mailbox" page after the redirect
    assert len(mail.outbox) == 5


@pytest.mark.django_db(transaction=True)
def test_the_e_mail_limit_holds_for_simultaneous_requests_through_the_proxy(
    live_server, plain_http, settings
):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.PASSWORD_RESETS_PER_EMAIL_PER_HOUR = 3
    make_user("carla", email="carla@example.org")
    url = live_server.url + reverse("password_reset")
    headers = [{"X-Forwarded-For": f"203.0.113.{n}"} for n in range(10)]
    statuses = post_simultaneously(url, [{"email": "carla@example.org"}] * 10, headers)
    assert sorted(statuses) == [200] * 3 + [429] * 7
    assert len(mail.outbox) == 3


@pytest.fixture
def passwords_checked(monkeypatch):
    """How many passwords the site checked (the live server runs in this process)."""
    checked = []
    original = AbstractBaseUser.check_password

    def counting(self, raw_password):
        checked.append(self.get_username())
        return original(self, raw_password)

    monkeypatch.setattr(AbstractBaseUser, "check_password", counting)
    return checked


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("login", ["login", "admin:login"])
def test_simultaneous_guesses_are_checked_no_more_than_the_lockout_allows(
    live_server, plain_http, settings, passwords_checked, login
):
    """Axes asks whether the user name is locked out before the password is checked and records
    a failure after: fifteen guesses sent together were all checked, where five are allowed."""
    make_user("bram", password="juist-wachtwoord-1", is_staff=True)
    url = live_server.url + reverse(login)
    statuses = post_simultaneously(
        url, [{"username": "bram", "password": f"fout-{n}"} for n in range(15)], [{}] * 15
    )
    assert len(passwords_checked) == settings.AXES_FAILURE_LIMIT
    assert 500 not in statuses
