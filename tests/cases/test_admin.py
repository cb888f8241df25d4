"""The workbench in the admin: staff only, codings inline, workflow through the services."""

import itertools
import random
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import history, services
from cases.models import (
    SECTION_MAX_LENGTH,
    TEXT_SECTIONS,
    Case,
    CaseTransition,
    SourceCoding,
    TensionPosition,
)
from diegem.lib.search import parse_query
from frameworks.models import Domain, Source, TensionField
from tests.cases.conftest import change_url
from tests.factories import make_case, make_user
from tests.html import form_values, parse, texts

pytestmark = pytest.mark.django_db

ADMIN_URLS = [
    "admin:index",
    "admin:cases_case_changelist",
    "admin:cases_case_add",
]


@pytest.mark.parametrize("name", ADMIN_URLS)
def test_anonymous_is_sent_to_the_admin_login(client, framework, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("name", ADMIN_URLS)
def test_logged_in_non_staff_is_sent_to_the_admin_login(member_client, framework, name):
    response = member_client.get(reverse(name))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_staff_without_case_permissions_cannot_open_cases(client, framework, staff_without_role):
    client.force_login(staff_without_role)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:cases_case_changelist")).status_code == 403


def test_researcher_sees_every_case_in_the_workbench(researcher_client, framework):
    make_case(title="Gepubliceerd")
    make_case(title="Nog een concept", status=Case.Status.DRAFT)
    page = researcher_client.get(reverse("admin:cases_case_changelist")).content.decode()
    assert "Gepubliceerd" in page and "Nog een concept" in page


def test_new_case_form_offers_a_row_per_source_and_field(researcher_client, framework):
    page = researcher_client.get(reverse("admin:cases_case_add")).content.decode()
    assert 'name="source_codings-TOTAL_FORMS" value="4"' in page
    assert 'name="tension_positions-TOTAL_FORMS" value="6"' in page


def _add_form(**overrides):
    data = {
        "title": "Buurtrestaurant",
        "slug": "buurtrestaurant",
        "kind": "case_study",
        "domain": Domain.objects.get(key="wonen").pk,
        "initiative": "vzw Samen",
        "nis_code": "11002",
        "summary": "Een restaurant waar buren koken.",
        "practice": "Elke vrijdag koken buren.",
        "keywords": "koken, buurt",
        "source_codings-TOTAL_FORMS": 4,
        "source_codings-INITIAL_FORMS": 0,
        "tension_positions-TOTAL_FORMS": 6,
        "tension_positions-INITIAL_FORMS": 0,
        "transitions-TOTAL_FORMS": 0,
        "transitions-INITIAL_FORMS": 0,
        "evidence-TOTAL_FORMS": 0,
        "evidence-INITIAL_FORMS": 0,
    }
    for i, source in enumerate(Source.objects.all()):
        data |= {
            f"source_codings-{i}-source": source.pk,
            f"source_codings-{i}-grounds": "interpretatie",
            f"source_codings-{i}-strength": 2,
            f"source_codings-{i}-rationale": "omdat",
        }
    for i, field in enumerate(TensionField.objects.all()):
        data |= {
            f"tension_positions-{i}-tension_field": field.pk,
            f"tension_positions-{i}-grounds": "interpretatie",
            f"tension_positions-{i}-position": 0,
            f"tension_positions-{i}-rationale": "omdat",
        }
    data.update(overrides)
    return data


def test_researcher_adds_a_coded_case_as_a_draft(researcher_client, framework):
    response = researcher_client.post(reverse("admin:cases_case_add"), _add_form())
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(slug="buurtrestaurant")
    assert case.status == Case.Status.DRAFT
    assert SourceCoding.objects.filter(case=case).count() == 4
    assert TensionPosition.objects.filter(case=case).count() == 6
    assert sorted(case.keywords.names()) == ["buurt", "koken"]


def test_duplicate_coding_in_the_form_is_reported_and_nothing_saved(researcher_client, framework):
    encounter = Source.objects.get(key="ontmoeting").pk
    response = researcher_client.post(
        reverse("admin:cases_case_add"),
        _add_form(**{"source_codings-0-source": encounter, "source_codings-1-source": encounter}),
    )
    assert response.status_code == 200
    assert not Case.objects.filter(slug="buurtrestaurant").exists()
    # Said in the researcher's words, not Django's code name of the column ("source").
    assert texts(parse(response), "//ul[contains(@class,'errorlist nonform')]/li") == [
        "Twee rijen coderen dezelfde bron: codeer elke bron één keer."
    ]


def test_a_tension_field_coded_twice_in_the_form_is_named_as_such(researcher_client, framework):
    field = TensionField.objects.get(key="consensus-conflict").pk
    response = researcher_client.post(
        reverse("admin:cases_case_add"),
        _add_form(
            **{
                "tension_positions-0-tension_field": field,
                "tension_positions-1-tension_field": field,
            }
        ),
    )
    assert texts(parse(response), "//ul[contains(@class,'errorlist nonform')]/li") == [
        "Twee rijen coderen hetzelfde spanningsveld: codeer elk spanningsveld één keer."
    ]
    assert not Case.objects.filter(slug="buurtrestaurant").exists()


def test_position_and_both_poles_together_are_refused_by_the_form(researcher_client, framework):
    response = researcher_client.post(
        reverse("admin:cases_case_add"), _add_form(**{"tension_positions-0-holds_both": "on"})
    )
    assert response.status_code == 200
    assert not Case.objects.filter(slug="buurtrestaurant").exists()


def test_publish_action_goes_through_the_workflow(researcher_client, researcher, framework):
    ready = make_case(status=Case.Status.IN_REVIEW, title="Klaar")
    draft = make_case(status=Case.Status.DRAFT, title="Nog niet")
    response = researcher_client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "publish", "_selected_action": [ready.pk, draft.pk]},
        follow=True,
    )
    ready.refresh_from_db()
    draft.refresh_from_db()
    assert ready.status == Case.Status.PUBLISHED
    assert draft.status == Case.Status.DRAFT
    assert CaseTransition.objects.filter(case=ready, actor=researcher).count() == 1
    assert "Nog niet" in response.content.decode()  # the refusal is reported


def test_a_case_goes_to_review_only_with_a_rationale_for_every_coding(
    researcher_client, researcher, framework
):
    """As the form and the import refuse a case in review with a coding without one: the
    list's action and the form's step are refused the same way, by the one transition."""
    bare = make_case(status=Case.Status.DRAFT, title="Zonder onderbouwing")
    SourceCoding.objects.filter(case=bare, source__key="strijd").update(rationale="")
    TensionPosition.objects.filter(case=bare, tension_field__key="consensus-conflict").update(
        rationale=" "
    )
    ready = make_case(status=Case.Status.DRAFT, title="Met onderbouwing")
    response = researcher_client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "submit_for_review", "_selected_action": [bare.pk, ready.pk]},
        follow=True,
    )
    told = [str(message) for message in response.context["messages"]]
    assert told[0] == (
        "Zonder onderbouwing: Ter nalezing kan pas als elke codering een onderbouwing heeft: "
        "De codering van de bron ‘Strijd’ heeft geen onderbouwing. "
        "De positie op ‘consensus – conflict’ heeft geen onderbouwing."
    )
    assert Case.objects.get(pk=bare.pk).status == Case.Status.DRAFT
    assert Case.objects.get(pk=ready.pk).status == Case.Status.IN_REVIEW

    data = form_values(researcher_client.get(change_url(bare)), "case_form") | {"_stap": "submit"}
    response = researcher_client.post(change_url(bare), data, follow=True)
    assert any(
        "de stap is niet gezet: Ter nalezing" in str(m) for m in response.context["messages"]
    )
    assert Case.objects.get(pk=bare.pk).status == Case.Status.DRAFT


def test_status_cannot_be_set_through_the_change_form(researcher_client, framework):
    case = make_case(status=Case.Status.DRAFT)
    page = researcher_client.get(
        reverse("admin:cases_case_change", args=[case.pk])
    ).content.decode()
    assert 'name="status"' not in page


def test_transition_log_is_read_only(researcher_client, researcher, framework):
    assert researcher_client.get(reverse("admin:cases_casetransition_add")).status_code == 403
    superuser = make_user(is_staff=True, is_superuser=True)
    researcher_client.force_login(superuser)
    assert researcher_client.get(reverse("admin:cases_casetransition_add")).status_code == 403


def test_change_form_links_to_the_public_preview(researcher_client, framework):
    case = make_case(status=Case.Status.DRAFT)
    page = researcher_client.get(
        reverse("admin:cases_case_change", args=[case.pk])
    ).content.decode()
    assert "viewsitelink" in page  # "Weergeven op website"
    preview = researcher_client.get(
        reverse("admin:view_on_site", args=[_content_type_id(), case.pk])
    )
    assert preview.status_code == 302
    assert preview["Location"].endswith(case.get_absolute_url())


def _content_type_id() -> int:

    return ContentType.objects.get_for_model(Case).pk


# --- bad input gets a Dutch message on its field, never an internal name or a 500 ----------------


def _errors_on(response, field: str) -> list[str]:
    page = parse(response)
    return texts(
        page, f"//div[contains(@class,'field-{field}')]//ul[contains(@class,'errorlist')]/li"
    )


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        (
            {"latitude": "91", "longitude": "3.7"},
            "latitude",
            "De breedtegraad ligt tussen -90 en 90.",
        ),
        (
            {"latitude": "51", "longitude": "-180.5"},
            "longitude",
            "De lengtegraad ligt tussen -180 en 180.",
        ),
        (
            {"latitude": "51.05"},
            "longitude",
            "Geef breedte- en lengtegraad samen, of geen van beide.",
        ),
        (
            {"longitude": "3.72"},
            "latitude",
            "Geef breedte- en lengtegraad samen, of geen van beide.",
        ),
        ({"start_year": "2500"}, "start_year", "Het startjaar ligt tussen 1800 en 2100."),
    ],
)
def test_out_of_range_values_are_named_on_their_field(
    researcher_client, framework, overrides, field, message
):
    response = researcher_client.post(reverse("admin:cases_case_add"), _add_form(**overrides))
    assert response.status_code == 200
    assert _errors_on(response, field) == [message]
    body = response.content.decode()
    assert "case_coordinates_pair_in_range" not in body and "case_start_year_plausible" not in body
    assert not Case.objects.filter(slug="buurtrestaurant").exists()


def test_the_database_rules_speak_dutch_when_checked_outside_a_form(framework):
    case = make_case()
    case.latitude, case.longitude = Decimal("51.05"), None
    with pytest.raises(ValidationError) as caught:
        case.validate_constraints()
    assert caught.value.messages == [
        "Breedtegraad en lengtegraad: geef ze samen (breedtegraad tussen -90 en 90, lengtegraad tussen -180 en 180), of geen van beide."
    ]


def test_a_position_and_both_poles_together_are_named_in_dutch(researcher_client, framework):
    response = researcher_client.post(
        reverse("admin:cases_case_add"), _add_form(**{"tension_positions-0-holds_both": "on"})
    )
    page = parse(response)
    assert texts(page, "//div[@id='tension_positions-0']//ul[contains(@class,'errorlist')]/li") == [
        "Kies een positie of vink ‘houdt beide polen vast’ aan: precies één van beide."
    ]
    assert "position_on_scale_or_both_poles" not in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        "updated_at__year=9999",
        "updated_at__year=9999&updated_at__month=12",
        "updated_at__year=9999&updated_at__month=12&updated_at__day=31",
        "updated_at__year=99999999999999999999",
        "updated_at__year=99999",
        "updated_at__year=twee",
        "updated_at__year=2026&updated_at__month=13",
    ],
)
def test_a_date_off_the_calendar_in_the_list_is_refused_not_a_500(
    researcher_client, framework, query
):
    make_case()
    response = researcher_client.get(reverse("admin:cases_case_changelist") + "?" + query)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:cases_case_changelist") + "?e=1"


def test_the_last_real_year_still_lists(researcher_client, framework):
    make_case()
    assert (
        researcher_client.get(
            reverse("admin:cases_case_changelist") + "?updated_at__year=9998"
        ).status_code
        == 200
    )


# --- the coding fields speak the framework's words ------------------------------------------------


def test_position_options_are_numbered_from_the_poles(researcher_client, framework):
    page = parse(researcher_client.get(reverse("admin:cases_case_add")))
    field = TensionField.objects.get(key="consensus-conflict")
    index = list(TensionField.objects.all()).index(field)
    options = texts(page, f"//select[@name='tension_positions-{index}-position']/option")
    assert options == [
        "—",
        "-2: sterk consensus",
        "-1: eerder consensus",
        "0: in het midden",
        "+1: eerder conflict",
        "+2: sterk conflict",
    ]


def test_each_both_poles_box_has_its_own_help_text(researcher_client, framework):
    page = parse(researcher_client.get(reverse("admin:cases_case_add")))
    helps = {
        field.key: texts(
            page,
            f"//div[@id='tension_positions-{i}']//div[contains(@class,'field-holds_both')]//div[@class='help']",
        )[0]
        for i, field in enumerate(TensionField.objects.all())
    }
    assert helps == {
        "universeel-particularistisch": "De praktijk kiest geen plaats tussen ‘universeel’ en ‘particularistisch’ maar houdt beide vast. "
        "Bijvoorbeeld ‘inclusief als het kan, categoriaal als het moet’.",
        "consensus-conflict": "De praktijk kiest geen plaats tussen ‘consensus’ en ‘conflict’ maar houdt beide vast.",
        "economisch-cultureel": "De praktijk kiest geen plaats tussen ‘economisch’ en ‘cultureel’ maar houdt beide vast.",
        "integratie-transformatie": "De praktijk kiest geen plaats tussen ‘integratie’ en ‘transformatie’ maar houdt beide vast.",
        "afstand-nabijheid": "De praktijk kiest geen plaats tussen ‘afstand’ en ‘nabijheid’ maar houdt beide vast.",
        "onderhandelbaar-niet-onderhandelbaar": "De praktijk kiest geen plaats tussen ‘onderhandelbaar’ en ‘niet onderhandelbaar’ "
        "maar houdt beide vast.",
    }


def test_a_case_coded_in_part_offers_a_prefilled_row_for_each_missing_source(
    researcher_client, framework
):
    case = make_case(coded=False, status=Case.Status.DRAFT)
    SourceCoding.objects.create(
        case=case, source=Source.objects.get(key="strijd"), strength=2, rationale="Actie."
    )
    url = reverse("admin:cases_case_change", args=[case.pk])
    page = parse(researcher_client.get(url))
    new_rows = [
        row.xpath(".//select[contains(@name,'-source')]/option[@selected]/text()")
        for row in page.xpath(
            "//div[@id='source_codings-group']//div[contains(@class,'inline-related') and not(contains(@class,'empty-form'))]"
        )
        if not row.xpath(".//input[contains(@name,'-id') and @value]")
    ]
    assert new_rows == [
        ["Wederzijdse afhankelijkheid"],
        ["Gedeelde normen en waarden"],
        ["Ontmoeting"],
    ]
    fields = page.xpath(
        "//div[@id='tension_positions-group']//select[contains(@name,'-tension_field') and not(contains(@name,'__prefix__'))]/option[@selected]/text()"
    )
    assert fields == [field.name for field in TensionField.objects.all()]
    # Rows left untouched are not saved (and not refused as incomplete).
    data = form_values(researcher_client.get(url), "case_form") | {
        "summary": "Nieuwe samenvatting."
    }
    assert researcher_client.post(url, data).status_code == 302
    assert list(case.source_codings.values_list("source__key", flat=True)) == ["strijd"]
    assert not case.tension_positions.exists()


def test_a_selection_that_is_no_case_is_a_message_not_a_500(researcher_client, framework):
    case = make_case(status=Case.Status.IN_REVIEW)
    response = researcher_client.post(
        reverse("admin:cases_case_changelist"),
        {"action": "publish", "_selected_action": [str(case.pk), "abc"]},
        follow=True,
    )
    assert response.status_code == 200
    assert [str(m) for m in response.context["messages"]] == [
        "Die selectie bestaat niet; kies de items opnieuw."
    ]
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_REVIEW


def _distinct_words(count: int, seed: int = 0) -> str:
    """Text of `count` different words: the most a search vector has to keep of it."""
    rng = random.Random(seed)
    return " ".join(
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(8)) for _ in range(count)
    )


def test_a_text_section_longer_than_the_bank_keeps_is_named_on_its_field_not_a_500(
    researcher_client, framework
):
    typed = _distinct_words(SECTION_MAX_LENGTH // 9 + 1)  # 50,003 characters
    response = researcher_client.post(reverse("admin:cases_case_add"), _add_form(context=typed))
    assert response.status_code == 200
    assert _errors_on(response, "context") == [
        "Zorg dat deze waarde niet meer dan 50000 tekens bevat (het zijn er nu 50003)."
    ]
    assert not Case.objects.exists()


def test_the_case_form_never_cuts_a_long_text_short_as_it_is_pasted(researcher_client, framework):
    """A browser cuts pasted text at a field's maxlength, silently: the long texts have none."""
    page = parse(researcher_client.get(reverse("admin:cases_case_add")))
    areas = page.xpath("//form[@id='case_form']//textarea")
    assert {"summary", "context", "practice", "context_fr", "lessons_en"} <= {
        area.get("name") for area in areas
    }
    assert [area.get("name") for area in areas if area.get("maxlength")] == []


CYRILLIC = "абвгдежзийклмнопрстуфхцчшщэюя"
SHORT_CYRILLIC_WORDS = ["".join(t) for t in itertools.product(CYRILLIC, repeat=3)]


def _short_cyrillic_words(seed: int) -> str:
    """A section as long as allowed of the most different short words a vector can be made to
    keep: three letters (and four), two bytes each (lexemes cost their bytes, and every place)."""
    rng = random.Random(seed)
    words = rng.sample(SHORT_CYRILLIC_WORDS, 8_000)
    words += ["".join(rng.choices(CYRILLIC, k=4)) for _ in range(6_000)]
    return " ".join(words)[:SECTION_MAX_LENGTH]


@pytest.mark.parametrize("kind", ["latin", "cyrillic"])
def test_a_case_with_every_section_as_long_as_allowed_is_saved_and_found(framework, kind):
    texts = {
        section.field: _distinct_words(SECTION_MAX_LENGTH // 9, seed=n)[:SECTION_MAX_LENGTH]
        if kind == "latin"
        else _short_cyrillic_words(seed=n)
        for n, section in enumerate(TEXT_SECTIONS)
    }
    case = make_case(slug="lang", **texts)
    # Its search vectors are made as every write makes them: too long, that was a 500.
    assert Case.objects.filter(pk=case.pk).refresh_search_vectors() == 1
    word = texts["lessons"].split()[-2]
    assert list(Case.objects.published().search(parse_query(word))) == [case]


def test_a_keyword_longer_than_the_database_holds_is_named_on_its_field(
    researcher_client, framework
):
    response = researcher_client.post(
        reverse("admin:cases_case_add"), _add_form(keywords="koken, " + "a" * 101)
    )
    assert response.status_code == 200
    assert _errors_on(response, "keywords") == [
        f"Een trefwoord is hoogstens 100 tekens lang: ‘{'a' * 30}…’"
    ]


# --- a published case keeps its address -------------------------------------------------------


def test_the_address_of_a_published_case_cannot_be_changed_in_the_workbench(
    researcher_client, client, framework
):
    case = make_case(title="Buurtkeuken", slug="buurtkeuken")
    page = parse(researcher_client.get(change_url(case)))
    assert page.xpath("//input[@name='slug']") == []  # shown, not offered
    data = form_values(researcher_client.get(change_url(case)), "case_form")

    response = researcher_client.post(change_url(case), data | {"slug": "andere-naam"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.slug == "buurtkeuken"
    assert client.get("/praktijken/buurtkeuken/citeer.bib").status_code == 200


def test_a_draft_never_published_may_still_change_its_address(researcher_client, framework):
    case = make_case(title="Buurtkeuken", slug="buurtkeuken", status=Case.Status.DRAFT)
    data = form_values(researcher_client.get(change_url(case)), "case_form")

    response = researcher_client.post(change_url(case), data | {"slug": "buurtkeuken-gent"})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.slug == "buurtkeuken-gent"


def test_every_entry_point_keeps_the_address_of_a_case_once_published(framework, researcher):
    case = make_case(title="Buurtkeuken", slug="buurtkeuken", status=Case.Status.DRAFT)
    services.case_write(case=case, actor=researcher, comment="eerste")
    first = history.versions_of(case).last()
    case.slug = "buurtkeuken-gent"
    services.case_write(case=case, actor=researcher, comment="hernoemd")
    for action in ("submit", "publish", "unpublish"):  # published, then offline again
        services.case_transition(case=case, action=action, actor=researcher)
    case.refresh_from_db()

    case.slug = "nog-een-naam"  # a command, say
    services.case_write(case=case, actor=researcher, comment="hernoemd")
    services.case_restore(case=case, version=first, actor=researcher)  # the slug before

    case.refresh_from_db()
    assert case.slug == "buurtkeuken-gent"


def test_the_restore_page_of_a_published_case_does_not_offer_its_old_address(
    researcher_client, framework, researcher
):
    case = make_case(title="Buurtkeuken", slug="buurtkeuken", status=Case.Status.DRAFT)
    services.case_write(case=case, actor=researcher, comment="eerste")
    first = history.versions_of(case).last()
    case.slug, case.title = "buurtkeuken-gent", "Buurtkeuken Gent"
    services.case_write(case=case, actor=researcher, comment="hernoemd")
    for action in ("submit", "publish"):
        services.case_transition(case=case, action=action, actor=researcher)

    page = parse(
        researcher_client.get(reverse("admin:cases_case_restore", args=[case.pk, first.pk]))
    )

    shown = " ".join(texts(page, "//main//table//tr"))
    assert "Buurtkeuken Gent" in shown  # the title goes back
    assert "buurtkeuken-gent" not in shown  # the address stays
