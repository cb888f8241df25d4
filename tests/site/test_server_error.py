"""A server error answers with a short page in the language of the address asked for: nothing
on it reads the database or reverses an address (Django makes it with no context)."""

import pytest
from django.test import Client, override_settings
from django.urls import path

from tests.html import parse, texts

pytestmark = pytest.mark.django_db


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [path(f"{prefix}kapot/", broken) for prefix in ("", "fr/", "en/")]


@override_settings(ROOT_URLCONF=__name__)
@pytest.mark.parametrize(
    ("prefix", "language", "heading", "home"),
    [
        ("", "nl", "Er ging iets mis", "/"),
        ("/fr", "fr", "Une erreur s’est produite", "/fr/"),
        ("/en", "en", "Something went wrong", "/en/"),
    ],
)
def test_a_server_error_speaks_the_language_of_the_address(prefix, language, heading, home):
    response = Client(raise_request_exception=False).get(f"{prefix}/kapot/")
    assert response.status_code == 500
    page = parse(response)
    assert page.get("lang") == language
    assert texts(page, "//h1") == [heading]
    assert page.xpath("//main//a/@href") == [home]
    assert response["Content-Language"] == language
