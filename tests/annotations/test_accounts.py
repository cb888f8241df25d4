"""Members are invited by staff, log in and out, reset passwords; failed logins lock out."""

import re

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from annotations.models import Membership
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return make_user("redactie", is_staff=True, is_superuser=True)


def test_staff_invite_a_member_who_sets_a_password_and_can_annotate(staff, organisation_a, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:annotations_invite"),
            {"email": "Nieuw.Lid@Example.org", "first_name": "Nora", "last_name": "Nieuw", "organisation": organisation_a.pk},
        )
    assert response.status_code == 302
    user = get_user_model().objects.get(email="nieuw.lid@example.org")
    assert not user.has_usable_password()
    assert Membership.objects.get(user=user).organisation == organisation_a
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nieuw.lid@example.org"]
    link = re.search(r"https?://\S+/account/welkom/\S+/", mail.outbox[0].body).group(0)
    path = "/" + link.split("/", 3)[3]

    invitee = Client()
    form_page = invitee.get(path, follow=True)
    assert "Dag Nora" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0] if form_page.redirect_chain else path
    response = invitee.post(set_url, {"new_password1": "een-lang-wachtwoord-42", "new_password2": "een-lang-wachtwoord-42"})
    assert response.status_code == 302 and response["Location"] == reverse("annotations-mine")
    user.refresh_from_db()
    assert user.check_password("een-lang-wachtwoord-42")
    assert invitee.get(reverse("annotation-new") + "?doel=section:ontmoeting").status_code == 200
    # The link works once.
    assert "niet (meer) geldig" in Client().get(path, follow=True).content.decode()


def test_inviting_an_existing_address_is_refused_with_a_message(staff, organisation_a, member_a):
    client = Client()
    client.force_login(staff)
    response = client.post(
        reverse("admin:annotations_invite"),
        {"email": member_a.email.upper(), "first_name": "X", "last_name": "Y", "organisation": organisation_a.pk},
    )
    assert response.status_code == 200
    assert "bestaat al een account" in response.content.decode()
    assert get_user_model().objects.filter(email__iexact=member_a.email).count() == 1


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
    assert client.post(reverse("login"), {"username": "bram", "password": "juist-wachtwoord-1"}).status_code == 429


PROXY = "127.0.0.1"


def test_failed_logins_through_the_proxy_lock_out_one_client_not_everyone(db, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    make_user("bram", password="juist-wachtwoord-1")
    attacker = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="203.0.113.66")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(reverse("login"), {"username": "bram", "password": "fout"})
    # django-axes recorded the client, not the proxy.
    assert list(AccessAttempt.objects.values_list("username", "ip_address", "failures_since_start")) == [
        ("bram", "203.0.113.66", 5)
    ]
    assert attacker.post(reverse("login"), {"username": "bram", "password": "juist-wachtwoord-1"}).status_code == 429
    # Bram himself, through the same proxy, still gets in.
    bram = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert bram.post(reverse("login"), {"username": "bram", "password": "juist-wachtwoord-1"}).status_code == 302


def test_a_made_up_forwarded_for_does_not_escape_the_lockout(db, settings):
    settings.TRUSTED_PROXIES = [PROXY]
    make_user("bram", password="juist-wachtwoord-1")
    for n in range(settings.AXES_FAILURE_LIMIT):
        Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").post(
            reverse("login"), {"username": "bram", "password": "fout"}
        )
    again = Client(REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert again.post(reverse("login"), {"username": "bram", "password": "juist-wachtwoord-1"}).status_code == 429
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
