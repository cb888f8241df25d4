"""Stakeholder organisations and their members: who may annotate, and how they are invited.

Organisations are entered by staff; a membership is what lets a user write
annotations. Staff invite a member (`member_invite`): an account without a
password and a mail with a link to choose one, accepted on the site's account
pages (`diegem.accounts.InvitationAcceptView`). The models belong to the
annotations app (annotations/models.py imports them, so Django finds them).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import models, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from diegem.lib.locking import one_at_a_time


class OrganisationQuerySet(models.QuerySet):
    def of_member(self, user) -> OrganisationQuerySet:
        """The organisation an active user is a member of (a member has one); none for others."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(memberships__user=user)


class Organisation(models.Model):
    """A stakeholder organisation (the advisory committee has 62); entered by staff."""

    objects = OrganisationQuerySet.as_manager()

    name = models.CharField(_("naam"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("omschrijving"), blank=True, max_length=1000)
    in_advisory_committee = models.BooleanField(_("lid van de begeleidingscommissie"), default=True)
    created_at = models.DateTimeField(_("aangemaakt"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's membership of one stakeholder organisation: what lets them annotate."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gebruiker"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisatie"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uitgenodigd door"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sinds"), auto_now_add=True)

    class Meta:
        ordering = ["organisation__name", "user__last_name"]
        verbose_name = _("lidmaatschap")
        verbose_name_plural = _("lidmaatschappen")

    def __str__(self) -> str:
        return f"{self.user} · {self.organisation}"


# The length of a user name: an invited member's is their e-mail address.
USERNAME_LENGTH = AbstractUser._meta.get_field("username").max_length


class InvitationError(Exception):
    """An invitation that cannot be sent; the message says why, for staff."""


@transaction.atomic
def member_invite(
    *, email: str, first_name: str, last_name: str, organisation: Organisation, invited_by
) -> object:
    """Create a member account without a password and mail a link to choose one."""
    User = get_user_model()
    email = User.objects.normalize_email(email).lower()
    # The address is the new account's user name too, so it must fit one and name no other.
    # Two invitations of one address at once (two tabs of the workbench): the second waits
    # here, then finds the first's account below.
    one_at_a_time(f"invitation:{email}")
    if len(email) > USERNAME_LENGTH:
        raise InvitationError(
            gettext("Dit e-mailadres is langer dan een gebruikersnaam mag zijn (%(limit)s tekens).")
            % {"limit": USERNAME_LENGTH}
        )
    if User.objects.filter(email__iexact=email).exists():
        raise InvitationError(gettext("Er bestaat al een account met dit e-mailadres."))
    if User.objects.filter(username__iexact=email).exists():
        raise InvitationError(
            gettext("Er bestaat al een account met dit e-mailadres als gebruikersnaam.")
        )
    user = User(username=email, email=email, first_name=first_name, last_name=last_name)
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, organisation=organisation, invited_by=invited_by)
    # In Dutch, whatever the language of the workbench it is sent from: the new member has
    # chosen none yet (their settings offer one for every later mail).
    with translation.override(settings.LANGUAGE_CODE):
        link = settings.SITE_URL + reverse(
            "invitation-accept",
            kwargs={
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
        )
        context = {
            "user": user,
            "organisation": organisation,
            "link": link,
            "invited_by": invited_by,
        }
        subject = render_to_string("annotations/email/invitation_subject.txt", context).strip()
        body = render_to_string("annotations/email/invitation_body.txt", context)
    transaction.on_commit(
        lambda: send_mail(subject=subject, message=body, from_email=None, recipient_list=[email])
    )
    return user
