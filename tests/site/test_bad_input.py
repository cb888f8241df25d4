"""Hostile or broken input is a clear Dutch 4xx naming the field, never a 500, and saves nothing."""

from urllib.parse import urlencode

import pytest
from axes.models import AccessAttempt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from annotations.models import Annotation, Flag
from annotations.targets import section_target
from frameworks.models import Section
from tests.conftest import logged_in
from tests.factories import make_annotation, make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


def assert_refused(response, field: str) -> None:
    assert response.status_code == 400
    body = response.content.decode()
    assert f"Het veld ‘{field}’ bevat een ongeldig teken." in body
    assert "<h1>Ongeldig verzoek</h1>" in body


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/praktijken/?plaats=%00&trefwoord=x%00", "plaats"),
        ("/praktijken/?trefwoord=x%00", "trefwoord"),
        ("/praktijken/?domein=wonen&q=buurt%00", "q"),
        ("/vergelijken/?praktijk=%00", "praktijk"),
        ("/vergelijken/?praktijk=een&praktijk=twee%00", "praktijk"),
        ("/zoeken/?q=%00", "q"),
        ("/overzicht/?x=1&pla%00ats=1", "pla\N{REPLACEMENT CHARACTER}ats"),
        ("/api/kanttekeningen/?pagina=%00", "pagina"),
        ("/?%00=1", "\N{REPLACEMENT CHARACTER}"),
    ],
)
def test_a_nul_byte_in_a_query_parameter_is_a_dutch_400_naming_it(client, framework, url, field):
    make_case(slug="een")
    assert_refused(client.get(url), field)


def test_a_nul_byte_in_an_admin_list_filter_is_a_400_for_a_researcher(framework, researcher_client):
    assert_refused(researcher_client.get("/beheer/cases/case/?status=%00"), "status")


def test_a_nul_byte_in_the_annotation_target_is_a_400_for_a_member(framework, member_a):
    assert_refused(logged_in(member_a).get("/kanttekeningen/nieuw/?doel=%00"), "doel")


NUL_FIELD_ERROR = "Null-tekens zijn niet toegestaan."


@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_a_nul_byte_in_a_posted_field_is_named_beside_it_and_the_rest_is_kept(
    framework, member_a, encoding
):
    target = section_target(Section.objects.get(key="ontmoeting"))
    data = {
        "doel": target.key,
        "voice": "doener",
        "kind": "voorbeeld",
        "body": "Bij ons\x00 gebeurt dit ook.",
        "attribution": "Buurtwerk De Brug",
        "exact": target.text[:30],
    }
    client = logged_in(member_a)
    if encoding == "multipart":
        response = client.post(reverse("annotation-new"), data)
    else:
        response = client.post(
            reverse("annotation-new"),
            urlencode(data),
            content_type="application/x-www-form-urlencoded",
        )
    assert response.status_code == 200
    page = parse(response)
    assert texts(page, "//p[@id='id_body_error']") == [NUL_FIELD_ERROR]
    assert page.xpath("//input[@name='attribution']/@value") == ["Buurtwerk De Brug"]
    assert Annotation.objects.count() == 0


def test_a_nul_byte_in_the_posted_target_of_a_note_is_a_400(framework, member_a):
    response = logged_in(member_a).post(
        reverse("annotation-new"), {"doel": "section:ontmoeting\x00", "body": "x"}
    )
    assert_refused(response, "doel")
    assert Annotation.objects.count() == 0


def test_a_nul_byte_in_a_flag_from_an_anonymous_reader_is_named_and_saves_nothing(
    client, framework
):
    annotation = make_annotation()
    response = client.post(
        reverse("annotation-flag", args=[annotation.pk]), {"reason": "spam", "note": "\x00"}
    )
    assert response.status_code == 200
    assert NUL_FIELD_ERROR in response.content.decode()
    assert Flag.objects.count() == 0


def test_a_nul_byte_in_the_session_cookie_is_an_anonymous_visit_not_a_500(client, framework):
    client.cookies["sessionid"] = "abcdefghij\x00k"
    assert client.get("/").status_code == 200
    assert client.get(reverse("case-list")).status_code == 200


def test_a_nul_byte_in_the_name_of_an_uploaded_file_field_is_refused(framework, researcher_client):
    # Django already strips unprintable characters from the file's own name.
    upload = SimpleUploadedFile("praktijken.csv", b"titel\n", content_type="text/csv")
    response = researcher_client.post("/beheer/cases/case/importeren/", {"bes\x00tand": upload})
    assert_refused(response, "bes\N{REPLACEMENT CHARACTER}tand")


def test_a_nul_byte_in_the_login_name_is_a_form_error_and_not_recorded(framework):
    response = Client().post(reverse("login"), {"username": "anna\x00", "password": "x"})
    assert response.status_code == 200
    assert NUL_FIELD_ERROR in response.content.decode()
    assert AccessAttempt.objects.count() == 0


def test_a_form_that_cannot_be_parsed_is_a_dutch_400(framework, member_a):
    response = logged_in(member_a).post(
        reverse("annotation-new"), b"body=x", content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "Dit verzoek kon niet gelezen worden. Er is niets bewaard." in response.content.decode()
    assert Annotation.objects.count() == 0


@pytest.mark.parametrize(
    ("method", "address"),
    [
        ("get", "/werkvorm/%00/scherm/"),
        ("get", "/werkvorm/a%00b/scherm/verdeling/"),
        ("get", "/werkvorm/%00/qr.svg"),
        ("get", "/werkvorm/%00/verdeling.csv"),
        ("post", "/werkvorm/%00/sluiten/"),
        ("get", "/fr/werkvorm/%00/scherm/"),
        ("get", "/data/kader.%00.qdc"),
    ],
)
def test_a_nul_byte_in_the_address_is_a_404_not_a_500(framework, member_a, method, address):
    response = getattr(logged_in(member_a), method)(address)
    assert response.status_code == 404
    assert "private" in response["Cache-Control"]  # a page with the member's header


def test_a_nul_byte_in_the_address_of_a_kept_page_is_a_404_for_anyone(client, framework):
    # The codebook's language is a str in its pattern: a NUL matches it, and the page cache,
    # which looks up kept pages before the NUL is refused, finds nothing under that address.
    assert client.get("/data/kader.en.qdc").status_code == 200
    assert client.get("/data/kader.%00.qdc").status_code == 404
    assert client.get("/data/kader.%00.qdc").status_code == 404


# What a form sends as the page to return to, and where its reader is sent.
RETURNS = [
    ("/elders/", "/elders/"),
    ("/praktijken/?domein=wonen", "/praktijken/?domein=wonen"),
    ("abc", None),  # a bare word: redirect() would look for a URL pattern of that name
    ("home", None),  # ... and find one
    ("https://elders.example/", None),
    ("//elders.example/", None),
    ("/\\elders.example/", None),
    ("/\t/elders.example/", None),
    ("", None),
]


@pytest.mark.parametrize(("sent", "returned_to"), RETURNS)
def test_the_follow_form_returns_only_to_a_page_of_this_site(
    framework, member_a, sent, returned_to
):
    case = make_case(slug="buurtkeuken")
    response = logged_in(member_a).post(
        reverse("follow"),
        {
            "soort": "praktijk",
            "sleutel": case.slug,
            "actie": "volgen",
            "volgende": sent,
            "anker": "volgen-bericht",
        },
    )
    assert response.status_code == 302
    # At the follow form's message (`#volgen-bericht`) on the case's own page, else at the
    # page's messages (that page has no follow form of the case to say it beside).
    if returned_to is None:
        assert response["Location"] == "/praktijken/buurtkeuken/#volgen-bericht"
    else:
        assert response["Location"] == returned_to + "#berichten"


@pytest.mark.parametrize(("sent", "returned_to"), RETURNS)
def test_a_moderation_decision_returns_only_to_a_page_of_this_site(
    framework, member_a, reviewer, sent, returned_to
):
    note = make_annotation(author=member_a, status=Annotation.Status.PENDING)
    response = logged_in(reviewer).post(
        reverse("moderation-decide", args=[note.pk]),
        {f"a{note.pk}-action": "approve", f"a{note.pk}-version": note.version, "next": sent},
    )
    assert response.status_code == 302
    # At the message of the decision (`#berichten`).
    assert response["Location"] == (returned_to or "/moderatie/") + "#berichten"
    assert Annotation.objects.get(pk=note.pk).status == Annotation.Status.APPROVED


def test_a_note_refused_for_its_security_token_gives_back_the_text_in_dutch(framework, member_a):
    # The token of an earlier session: signed in again in another tab, say.
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_a)
    before = Annotation.objects.count()
    response = client.post(
        reverse("annotation-new"),
        {"doel": "section:ontmoeting", "body": "Mijn lange tekst.", "csrfmiddlewaretoken": "oud"},
    )
    assert response.status_code == 403
    page = parse(response)
    assert page.xpath("/html/@lang") == ["nl"]
    assert texts(page, "//h1") == ["Uw tekst is niet bewaard"]
    assert "er is niets bewaard" in " ".join(texts(page, "//*[@role='alert']"))
    assert page.xpath("//textarea[@id='kept-body']/text()") == ["Mijn lange tekst."]
    assert Annotation.objects.count() == before


@pytest.mark.parametrize(
    ("address", "data", "label"),
    [
        ("annotation-new", {"doel": "section:ontmoeting"}, "Kanttekening"),
        ("reply-new", {}, "Uw antwoord"),
        ("reading-new", {"value": "3"}, "Uw argument"),
        ("annotation-edit", {"kind": "associatie"}, "Kanttekening"),
        ("annotation-edit", {}, "Uw antwoord"),  # a reply's edit has no kind
    ],
)
def test_text_refused_for_its_token_is_called_as_its_own_form_calls_it(
    framework, member_a, address, data, label
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_a)
    args = {
        "annotation-new": [],
        "reply-new": [1],
        "reading-new": ["een-praktijk", "ontmoeting"],
        "annotation-edit": [1],
    }[address]
    response = client.post(
        reverse(address, args=args), {**data, "body": "Mijn tekst.", "csrfmiddlewaretoken": "oud"}
    )
    assert response.status_code == 403
    page = parse(response)
    assert texts(page, "//label[@for='kept-body']") == [label]
    assert page.xpath("//textarea[@id='kept-body']/text()") == ["Mijn tekst."]


SAID_ON_REFUSAL = {
    "nl": "Dit formulier hoorde bij een eerdere aanmelding of bij een pagina die lang openstond, "
    "en is daarom geweigerd: er is niets bewaard. Open de pagina opnieuw en probeer het nog eens.",
    "fr": "Ce formulaire appartenait à une connexion antérieure ou à une page restée longtemps "
    "ouverte, et a donc été refusé : rien n’a été enregistré. Rouvrez la page et réessayez.",
    "en": "This form belonged to an earlier sign-in or to a page left open for a long time, and "
    "was therefore refused: nothing was saved. Open the page again and try once more.",
}


@pytest.mark.parametrize(
    ("address", "language", "heading"),
    [
        ("/account/aanmelden/", "nl", "Formulier geweigerd"),
        ("/fr/account/aanmelden/", "fr", "Formulaire refusé"),
        ("/en/account/aanmelden/", "en", "Form refused"),
    ],
)
def test_a_form_refused_for_its_security_token_is_a_page_of_the_site(
    framework, address, language, heading
):
    response = Client(enforce_csrf_checks=True).post(address, {"username": "x", "password": "y"})
    assert response.status_code == 403
    page = parse(response)
    assert page.xpath("/html/@lang") == [language]
    assert texts(page, "//h1") == [heading]
    assert texts(page, "//*[@role='alert']") == [SAID_ON_REFUSAL[language]]
    assert page.xpath("//header//nav[@class='site-nav']")  # the site's own page
    # ... made for this request: its scripts carry the nonce its CSP header allows.
    nonces = page.xpath("//script/@nonce")
    assert nonces and all(
        nonce and nonce in response["Content-Security-Policy"] for nonce in nonces
    )
    assert not AccessAttempt.objects.exists()  # no login was tried


def test_a_form_another_site_posted_gets_nothing_given_back(framework, member_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(member_a)
    response = client.post(
        reverse("annotation-new"),
        {"doel": "section:ontmoeting", "body": "Tekst van elders."},
        HTTP_ORIGIN="https://elders.example",
    )
    assert response.status_code == 403
    assert texts(parse(response), "//h1") == ["Formulier geweigerd"]
    assert "Tekst van elders." not in response.content.decode()
