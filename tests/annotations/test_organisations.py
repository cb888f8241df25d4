"""Staff invite members of a stakeholder organisation, who accept on the site's account pages and may annotate."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client
from django.urls import reverse

from annotations.models import Membership
from annotations.organisations import InvitationError, member_invite
from annotations.services import ModerationError
from tests.annotations.test_limits import all_at_once, http_post
from tests.factories import make_user
from tests.html import parse, texts

# The framework's sources and fields, which the pages show: asked for, not assumed (a
# transactional test before this one on the same worker empties the tables).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("framework")]


@pytest.fixture
def staff(db):
    return make_user("redactie", is_staff=True, is_superuser=True)


def test_staff_invite_a_member_who_sets_a_password_and_can_annotate(
    staff, organisation_a, django_capture_on_commit_callbacks
):
    client = Client()
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:annotations_invite"),
            {
                "email": "Nieuw.Lid@Example.org",
                "first_name": "Nora",
                "last_name": "Nieuw",
                "organisation": organisation_a.pk,
            },
        )
    assert response.status_code == 302
    # The admin writes each message with a capital: the address is not its first word.
    shown = client.get(response.url)
    assert texts(parse(shown), "//ul[@class='messagelist']/li") == [
        f"Uitnodiging verstuurd naar nieuw.lid@example.org, namens {organisation_a.name}."
    ]
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
    response = invitee.post(
        set_url,
        {"new_password1": "een-lang-wachtwoord-42", "new_password2": "een-lang-wachtwoord-42"},
    )
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
        {
            "email": member_a.email.upper(),
            "first_name": "X",
            "last_name": "Y",
            "organisation": organisation_a.pk,
        },
    )
    assert response.status_code == 200
    assert "bestaat al een account" in response.content.decode()
    assert get_user_model().objects.filter(email__iexact=member_a.email).count() == 1


def invite(email: str, organisation, staff):
    """The invitation service, as the workbench's form calls it, for someone named X Y."""
    return member_invite(
        email=email, first_name="X", last_name="Y", organisation=organisation, invited_by=staff
    )


def test_an_invitation_to_an_existing_address_is_an_invitation_error_and_sends_nothing(
    staff, organisation_a, member_a, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(InvitationError) as refused,
    ):
        invite(member_a.email.upper(), organisation_a, staff)
    assert str(refused.value) == "Er bestaat al een account met dit e-mailadres."
    assert not isinstance(refused.value, ModerationError)  # not a moderation decision
    assert mail.outbox == []
    assert Membership.objects.filter(organisation=organisation_a).count() == 1


def test_an_address_too_long_for_a_user_name_is_refused_beside_the_field(staff, organisation_a):
    client = Client()
    client.force_login(staff)
    address = "a" * 140 + "@voorbeeld.be"  # 153 characters: a valid address, too long a name
    response = client.post(
        reverse("admin:annotations_invite"),
        {"email": address, "first_name": "X", "last_name": "Y", "organisation": organisation_a.pk},
    )
    assert response.status_code == 200
    page = parse(response)
    assert texts(page, "//*[contains(@class, 'errorlist')]/li") == [
        "Zorg dat deze waarde niet meer dan 150 tekens bevat (het zijn er nu 153)."
    ]
    assert page.xpath("//input[@name='email']/@value") == [address]
    assert not get_user_model().objects.filter(email=address).exists()


def test_an_address_that_is_another_accounts_user_name_is_refused(staff, organisation_a):
    make_user("x@voorbeeld.be", email="iemand@elders.be")
    with pytest.raises(InvitationError) as refused:
        invite("X@voorbeeld.be", organisation_a, staff)
    assert str(refused.value) == (
        "Er bestaat al een account met dit e-mailadres als gebruikersnaam."
    )


def test_the_invitation_service_refuses_an_address_too_long_for_a_user_name(staff, organisation_a):
    with pytest.raises(InvitationError) as refused:
        invite("a" * 140 + "@voorbeeld.be", organisation_a, staff)
    assert str(refused.value) == (
        "Dit e-mailadres is langer dan een gebruikersnaam mag zijn (150 tekens)."
    )


@pytest.mark.django_db(transaction=True)
def test_three_invitations_of_one_address_at_once_make_one_account(live_server, organisation_a):
    """Sent from three tabs of the workbench together (the address written three ways): one
    account, one mail, and the other two forms say the address has an account, never a 500."""
    staff = make_user("redactie-tegelijk", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(staff)
    session = {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}
    spellings = ["tegelijk@voorbeeld.be", "Tegelijk@Voorbeeld.be", "TEGELIJK@voorbeeld.be"]

    def post(n):
        data = {
            "email": spellings[n],
            "first_name": "Tine",
            "last_name": "Tegelijk",
            "organisation": organisation_a.pk,
        }
        return http_post(live_server, reverse("admin:annotations_invite"), data, cookies=session)

    assert sorted(all_at_once(3, post)) == [200, 200, 302]
    assert list(
        get_user_model()
        .objects.filter(email__iexact="tegelijk@voorbeeld.be")
        .values_list("username", flat=True)
    ) == ["tegelijk@voorbeeld.be"]
    assert [message.to for message in mail.outbox] == [["tegelijk@voorbeeld.be"]]
