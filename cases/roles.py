"""The researchers' group: who may enter, code and publish cases."""

from django.contrib.auth import get_user_model
from django.db import DEFAULT_DB_ALIAS
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.text import get_text_list
from django.utils.translation import gettext as _

from diegem.lib.roles import ensure_group

RESEARCHERS_GROUP = "Onderzoekers"

# Researchers manage cases and their codings, and read the framework and
# keywords they code against.
RESEARCHER_PERMISSIONS = [
    ("cases", "add_case"),
    ("cases", "change_case"),
    ("cases", "view_case"),
    ("cases", "publish_case"),
    ("cases", "add_sourcecoding"),
    ("cases", "change_sourcecoding"),
    ("cases", "delete_sourcecoding"),
    ("cases", "view_sourcecoding"),
    ("cases", "add_tensionposition"),
    ("cases", "change_tensionposition"),
    ("cases", "delete_tensionposition"),
    ("cases", "view_tensionposition"),
    ("cases", "view_casetransition"),
    ("cases", "view_doublecodinground"),
    ("cases", "change_doublecodinground"),
    ("cases", "add_codingevidence"),
    ("cases", "change_codingevidence"),
    ("cases", "delete_codingevidence"),
    ("cases", "view_codingevidence"),
    ("taggit", "add_tag"),
    ("taggit", "view_tag"),
    ("frameworks", "view_source"),
    ("frameworks", "view_tensionfield"),
    ("frameworks", "view_domain"),
    ("frameworks", "view_section"),
]


def ensure_researchers_group(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    ensure_group(RESEARCHERS_GROUP, RESEARCHER_PERMISSIONS, using=using)


# Active users of the researchers' role.
OF_THE_ROLE = Q(is_active=True, groups__name=RESEARCHERS_GROUP)


def researchers():
    """Active users of the researchers' role: who may code a case, be asked as its second
    coder, and be named as its researcher."""
    return (
        get_user_model().objects.filter(OF_THE_ROLE).order_by("first_name", "last_name", "username")
    )


def researcher_choices(case):
    """Who the workbench offers as a case's researchers: the researchers, and whoever the case
    names already (someone who has left the role stays until taken off)."""
    named = Q(researched_cases=case) if case.pk else Q(pk__in=[])
    return (
        get_user_model()
        .objects.filter(OF_THE_ROLE | named)
        .distinct()
        # By name, those without a first name (shown by login) after them.
        .annotate(no_name=ExpressionWrapper(Q(first_name=""), output_field=BooleanField()))
        .order_by("no_name", "first_name", "last_name", "username")
    )


def without_a_full_name(users) -> list:
    """The users among `users` whom a citation could not name: no first or no last name (their
    user name would be printed as an author instead)."""
    return [user for user in users if not (user.first_name.strip() and user.last_name.strip())]


def unnamed_refusal(users) -> str:
    """Why a researcher without a first and last name cannot be added to a case, naming them."""
    return _(
        "Een onderzoeker wordt in de verwijzing naar de praktijk met voor- en achternaam "
        "genoemd: geef %(users)s eerst een voor- en achternaam (Gebruikers), of kies een ander "
        "(veld ‘Onderzoekers’)."
    ) % {"users": get_text_list([user.get_username() for user in users], _("en"))}
