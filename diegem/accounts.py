"""The site's account pages: signing in and out, a new password, accepting an invitation.

Django's auth views with Dutch templates (templates/registration/), hardened:

- The user name is checked against its length before anyone (django-axes
  included) stores it: a name longer than any account's is a form error.
- Requests for a reset link are limited per client address and per e-mail
  address, counted in the database (diegem.lib.throttle). The refusal looks the
  same whether or not an account has that address.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.http import HttpResponse
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from diegem.lib.client_address import client_network
from diegem.lib.throttle import Limit, use_within_limits

# django-axes keeps the user name of a failed login in a column of this length.
AXES_USERNAME_LENGTH = 255


class LoginForm(AuthenticationForm):
    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        # AuthenticationForm sets max_length after the field is made, so nothing checks it.
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length))


def axes_username(request, credentials: dict | None) -> str | None:
    """The user name django-axes records, cut to its column (the admin's login form too)."""
    source = credentials if credentials else getattr(request, "data", request.POST)
    username = source.get(settings.AXES_USERNAME_FORM_FIELD)
    return username[:AXES_USERNAME_LENGTH] if isinstance(username, str) else username


class PasswordResetView(auth_views.PasswordResetView):
    def form_valid(self, form) -> HttpResponse:
        # As Django matches an account (`PasswordResetForm.get_users`: NFKC, then casefold): every
        # spelling that reaches one account counts against one limit (`ſ` is an `s` there).
        email = unicodedata.normalize("NFKC", form.cleaned_data["email"].strip()).casefold()
        allowed = use_within_limits(
            Limit(
                "password-reset-address",
                client_network(self.request),
                settings.PASSWORD_RESETS_PER_ADDRESS_PER_HOUR,
            ),
            Limit("password-reset-email", email, settings.PASSWORD_RESETS_PER_EMAIL_PER_HOUR),
        )
        if not allowed:
            form.add_error(
                None,
                _(
                    "Er werd het voorbije uur te vaak een link aangevraagd. Probeer het over een uur opnieuw."
                ),
            )
            response = self.form_invalid(form)
            response.status_code = 429
            return response
        return super().form_valid(form)


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The link in an invitation (`annotations.organisations.member_invite`): the new member chooses a password and is logged in."""

    template_name = "registration/invitation_accept.html"
    post_reset_login = True
    post_reset_login_backend = "diegem.lib.permissions.SiteBackend"
    success_url = reverse_lazy("annotations-mine")

    def form_valid(self, form):
        messages.success(
            self.request,
            _(
                "Welkom! Uw account is klaar. Selecteer een passage in een tekst om een kanttekening te schrijven."
            ),
        )
        return super().form_valid(form)
