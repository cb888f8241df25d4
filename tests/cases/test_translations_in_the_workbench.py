"""Researchers edit a case's languages side by side; history, compare and restore cover every
language; search finds a French word in the French text and a case by its Dutch original."""

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from cases import services
from cases.history import compare, versions_of
from cases.models import Case, SourceCoding
from frameworks.models import Source
from tests.cases.conftest import change_url, row_of, the_form
from tests.factories import make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(framework):
    return make_case(
        slug="buurtkeuken",
        title="Buurtkeuken",
        summary="Buren koken samen.",
        practice="Elke zaterdag koken buren samen in het buurthuis.",
    )


def form_row_names(response, field: str) -> list[str]:
    """The names of the fields in the admin's form row that holds `field`."""
    tree = lxml_html.fromstring(response.content)
    (row,) = tree.xpath(
        f"//div[contains(concat(' ', normalize-space(@class), ' '), ' form-row ')]"
        f"[.//*[@name='{field}']]"
    )
    return [element.get("name") for element in row.xpath(".//*[@name]")]


def test_the_case_form_puts_each_text_beside_its_translations(researcher_client, case):
    response = researcher_client.get(change_url(case))
    assert form_row_names(response, "summary") == ["summary", "summary_fr", "summary_en"]
    assert form_row_names(response, "practice") == ["practice", "practice_fr", "practice_en"]
    assert form_row_names(response, "title") == ["title", "title_fr", "title_en"]
    assert form_row_names(response, "translated_by_fr") == ["translated_by_fr", "translated_by_en"]
    # The rationale of every coding beside its translations.
    assert form_row_names(response, "source_codings-0-rationale") == [
        "source_codings-0-rationale",
        "source_codings-0-rationale_fr",
        "source_codings-0-rationale_en",
    ]


def test_a_case_written_in_french_offers_dutch_and_english_beside_it(researcher_client, framework):
    case = make_case(original_language="fr", title="La cuisine", summary="Des voisins.")
    response = researcher_client.get(change_url(case))
    assert form_row_names(response, "summary") == ["summary", "summary_nl", "summary_en"]


def test_a_translation_saved_in_the_workbench_is_kept_in_a_version(researcher_client, case):
    services.case_write(case=case, actor=None, comment="Eerste versie.")
    data = the_form(researcher_client, case)
    strijd = row_of(data, "source_codings", "source", Source.objects.get(key="strijd").pk)
    data |= {
        "summary_fr": "Des voisins cuisinent ensemble.",
        "translated_by_fr": "Marie Dupont",
        f"{strijd}-rationale_fr": "Pas de lutte ici.",
    }
    response = researcher_client.post(change_url(case), data)
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.summary_fr, case.translated_by_fr) == (
        "Des voisins cuisinent ensemble.",
        "Marie Dupont",
    )
    coding = SourceCoding.objects.get(case=case, source__key="strijd")
    assert coding.rationale_fr == "Pas de lutte ici."
    newer, older = list(versions_of(case))[:2]
    changes = {change.label: (change.old, change.new) for change in compare(older, newer)}
    assert changes["samenvatting (Frans)"] == ("", "Des voisins cuisinent ensemble.")
    assert changes["vertaald door (Frans)"] == ("", "Marie Dupont")
    assert changes["Strijd: onderbouwing (Frans)"] == ("", "Pas de lutte ici.")


def test_restoring_a_version_brings_back_every_language(case):
    case.summary_fr = "Première version."
    case.practice_en = "First version."
    services.case_write(case=case, actor=None, comment="Vertaald.")
    SourceCoding.objects.filter(case=case).update(rationale_fr="Ancienne justification.")
    case.refresh_from_db()
    services.case_write(
        case=case,
        codings=services.Rows(save=list(SourceCoding.objects.filter(case=case))),
        actor=None,
        comment="Onderbouwing vertaald.",
    )
    first = versions_of(case).first()
    case.summary_fr = "Seconde version."
    case.practice_en = ""
    services.case_write(case=case, actor=None, comment="Herschreven.")
    SourceCoding.objects.filter(case=case).update(rationale_fr="Nouvelle justification.")

    services.case_restore(case=Case.objects.get(pk=case.pk), version=first, actor=None)

    case.refresh_from_db()
    assert (case.summary_fr, case.practice_en) == ("Première version.", "First version.")
    assert set(SourceCoding.objects.filter(case=case).values_list("rationale_fr", flat=True)) == {
        "Ancienne justification."
    }


def found(client, prefix: str, q: str) -> list[str]:
    response = client.get(prefix + reverse("search"), {"q": q})
    assert response.status_code == 200
    return texts(parse(response), "//section[@aria-labelledby='case-results-title']//h3")


@pytest.fixture
def searchable(framework):
    make_case(
        title="Buurtkeuken",
        practice="Buren koken samen in het buurthuis.",
        title_fr="Cuisine de quartier",
        summary_fr="Des voisins cuisinent.",
        practice_fr="Des voisins cuisinent ensemble à la maison de quartier.",
    )
    make_case(title="Moestuin", practice="Een moestuin waar buren samen tuinieren.")
    Case.objects.all().refresh_search_vectors()


@pytest.mark.parametrize(
    ("prefix", "query", "expected"),
    [
        # A French word (another form of it: the French stemmer) in the French text.
        ("/fr", "cuisiner", ["Cuisine de quartier"]),
        ("/fr", "voisin", ["Cuisine de quartier"]),
        # A Dutch word finds the Dutch original from a French page too.
        ("/fr", "moestuin", ["Moestuin"]),
        ("/fr", "buurthuis", ["Cuisine de quartier"]),
        # A Dutch page searches the originals only.
        ("", "voisins", []),
        ("", "buurthuis", ["Buurtkeuken"]),
        # No English translation: the English page finds the originals.
        ("/en", "voisins", []),
        ("/en", "tuinieren", ["Moestuin"]),
    ],
)
def test_search_in_the_readers_language_and_the_original(
    client, searchable, prefix, query, expected
):
    assert found(client, prefix, query) == expected


@pytest.fixture
def written_in_french(framework):
    make_case(
        title="Cuisine solidaire",
        original_language="fr",
        initiative="Les Cuistots",
        practice="Des voisines cuisinent ensemble dans une école de Molenbeek.",
        title_nl="Solidaire keuken",
        practice_nl="Buurvrouwen koken samen in een school in Molenbeek.",
    )
    Case.objects.all().refresh_search_vectors()


@pytest.mark.parametrize(
    ("prefix", "query", "expected"),
    [
        # Its original, with the French stemmer (another form of the word), from every page.
        ("/fr", "cuisiner", ["Cuisine solidaire"]),
        ("", "cuisiner", ["Solidaire keuken"]),
        ("/en", "voisine", ["Cuisine solidaire"]),
        # Its Dutch translation, with the Dutch stemmer, from a Dutch page.
        ("", "buurvrouw", ["Solidaire keuken"]),
        ("", "koken", ["Solidaire keuken"]),
        # Not from a French page: there the original stands for it.
        ("/fr", "buurvrouw", []),
        # Its initiative (its place, its keywords) from every page.
        ("/fr", "cuistots", ["Cuisine solidaire"]),
        ("/en", "cuistots", ["Cuisine solidaire"]),
        ("", "cuistots", ["Solidaire keuken"]),
    ],
)
def test_a_case_written_in_french_is_searched_with_the_french_stemmer(
    client, written_in_french, prefix, query, expected
):
    assert found(client, prefix, query) == expected


def test_the_french_snippet_is_cut_from_the_french_text(client, searchable):
    response = client.get("/fr" + reverse("search"), {"q": "voisins"})
    (snippet,) = parse(response).xpath(
        "//section[@aria-labelledby='case-results-title']//p[contains(@class,'result__snippet')]"
    )
    assert "voisins" in snippet.text_content()
    assert snippet.get("lang") is None


def test_the_codebook_in_french_and_english(client, framework):
    french = client.get("/data/kader.fr.qdc")
    assert french.status_code == 200
    assert 'name="Lutte"' in french.content.decode()
    assert client.get("/data/kader.de.qdc").status_code == 404


@pytest.mark.parametrize(
    ("prefix", "query", "suggested"),
    [
        ("/fr", "cuisinnent", "cuisinent"),  # a French word of the French text
        ("/fr", "moestuinn", "moestuin"),  # a Dutch word of the originals, on a French page too
        ("", "cuisinnent", None),  # a Dutch page knows the originals' words only
    ],
)
def test_did_you_mean_in_the_readers_language(client, searchable, prefix, query, suggested):
    from cases import vocabulary

    vocabulary.rebuild()
    response = client.get(prefix + reverse("search"), {"q": query})
    links = parse(response).xpath("//p[contains(@class,'suggestion')]//a")
    assert [link.text_content() for link in links] == ([suggested] if suggested else [])


def test_the_framework_is_edited_side_by_side_too(framework):
    from django.contrib.auth import get_user_model

    from frameworks.models import Section
    from tests.conftest import logged_in

    boss = get_user_model().objects.create_user("baas", is_staff=True, is_superuser=True)
    section = Section.objects.get(key="ontmoeting")
    response = logged_in(boss).get(reverse("admin:frameworks_section_change", args=[section.pk]))
    assert form_row_names(response, "body") == ["body", "body_fr", "body_en"]
    assert form_row_names(response, "title") == ["title", "title_fr", "title_en"]
    strijd = Source.objects.get(key="strijd")
    response = logged_in(boss).get(reverse("admin:frameworks_source_change", args=[strijd.pk]))
    assert form_row_names(response, "name") == ["name", "name_fr", "name_en"]
    # The thinkers are names with words around them ("ook … over de grenzen van …"): translated.
    assert form_row_names(response, "thinkers") == ["thinkers", "thinkers_fr", "thinkers_en"]


def test_relabelling_the_original_language_keeps_the_notes_on_its_text(framework):
    from annotations.models import Annotation
    from tests.factories import make_annotation

    case = make_case(practice="Des voisins cuisinent ensemble.\n\nEt ils mangent.")
    note = make_annotation(target=case, passage="ils mangent")
    assert note.text_language == "nl"  # recorded as Dutch, by mistake
    case.original_language = "fr"
    services.case_write(case=case, actor=None, comment="Oorspronkelijke taal rechtgezet.")
    note.refresh_from_db()
    assert (note.text_language, note.anchor_state) == ("fr", "anchored")
    assert Annotation.objects.get(pk=note.pk).target_text == case.practice


def test_a_translation_into_the_original_language_is_refused_as_the_original(
    researcher_client, case
):
    case.summary_fr = "Des voisins cuisinent."
    case.save()
    data = the_form(researcher_client, case) | {"original_language": "fr"}
    response = researcher_client.post(change_url(case), data)
    assert response.status_code == 200
    errors = parse(response).xpath(
        "//div[contains(@class,'field-original_language')]//ul[@class='errorlist']//li"
    )
    assert [e.text_content() for e in errors] == [
        "De oorspronkelijke taal kan geen taal zijn waarin de praktijk een vertaling heeft: "
        "maak eerst samenvatting (Frans) leeg, of kies een andere taal."
    ]
    case.refresh_from_db()
    assert case.original_language == "nl"


def test_a_column_of_the_original_language_never_moves_the_notes_on_the_original(case):
    from tests.factories import make_annotation

    note = make_annotation(target=case, passage="buurthuis")
    before = (note.position_start, note.anchor_state)
    case.practice_nl = "Een tekst die nergens getoond wordt."
    services.case_write(case=case, actor=None, comment="Kolom van de eigen taal.")
    note.refresh_from_db()
    assert (note.position_start, note.anchor_state) == before


def test_emptying_the_translation_and_choosing_its_language_in_one_save(researcher_client, case):
    case.summary_fr = "Des voisins cuisinent."
    case.save()
    data = the_form(researcher_client, case) | {"original_language": "fr", "summary_fr": ""}
    assert researcher_client.post(change_url(case), data).status_code == 302
    case.refresh_from_db()
    assert (case.original_language, case.summary_fr) == ("fr", "")


def test_a_drafts_translation_is_never_found_nor_suggested(client, framework):
    from cases import vocabulary

    make_case(
        title="Concept",
        practice="Buren.",
        practice_fr="Une brouillonnerie secrète entre voisins.",
        status=Case.Status.DRAFT,
    )
    Case.objects.all().refresh_search_vectors()
    vocabulary.rebuild()
    assert found(client, "/fr", "brouillonnerie") == []
    response = client.get("/fr" + reverse("search"), {"q": "brouilonnerie"})
    assert parse(response).xpath("//p[contains(@class,'suggestion')]//a") == []
    assert "brouillonnerie" not in response.content.decode()


def test_a_rationale_in_the_chosen_original_language_is_refused_by_its_field(
    researcher_client, case
):
    SourceCoding.objects.filter(case=case).update(rationale_fr="Parce que.")
    data = the_form(researcher_client, case) | {"original_language": "fr"}
    response = researcher_client.post(change_url(case), data)
    assert response.status_code == 200
    tree = parse(response)
    errors = tree.xpath(
        "//div[contains(@class,'field-rationale_fr')]//ul[@class='errorlist']//li/text()"
    )
    assert (
        errors
        == [
            "De praktijk is in het Frans geschreven en heeft geen vertaling in die taal: maak deze "
            "motivering leeg, of kies een andere oorspronkelijke taal."
        ]
        * SourceCoding.objects.filter(case=case).count()
    )
    # What was typed stays in the form.
    assert tree.xpath("//select[@name='original_language']/option[@selected]/@value") == ["fr"]
    case.refresh_from_db()
    assert case.original_language == "nl"


def test_emptying_the_rationales_and_choosing_their_language_in_one_save(researcher_client, case):
    SourceCoding.objects.filter(case=case).update(rationale_fr="Parce que.")
    data = the_form(researcher_client, case) | {"original_language": "fr"}
    data |= {name: "" for name in data if name.endswith("-rationale_fr")}
    assert researcher_client.post(change_url(case), data).status_code == 302
    case.refresh_from_db()
    assert case.original_language == "fr"
    assert set(SourceCoding.objects.filter(case=case).values_list("rationale_fr", flat=True)) == {
        ""
    }


def test_choosing_a_translations_language_moves_its_notes_to_the_original_or_orphans_them(
    framework,
):
    """The notes on the translation into the language chosen as the original are in that
    language: found again in the original where their passage stands there, with its offsets,
    else orphaned for the reviewers; never left on offsets of the emptied translation."""
    from django.utils import translation

    from annotations.models import Annotation, ModerationEvent
    from annotations.targets import case_target
    from tests.factories import make_annotation

    original = "Des voisins cuisinent ensemble.\n\nEt ils mangent."  # recorded as Dutch
    case = make_case(
        practice=original,
        practice_fr="Chez nous, des voisins cuisinent ensemble.\n\nEt ils mangent tous.",
    )
    on_the_original = make_annotation(target=case, passage="ils mangent")
    with translation.override("fr"):
        on_the_translation = make_annotation(
            target=case_target(case, "practice"), passage="mangent tous"
        )
        also_in_the_original = make_annotation(
            target=case_target(case, "practice"), passage="cuisinent ensemble"
        )
    case.original_language, case.practice_fr = "fr", ""
    services.case_write(case=case, actor=None, comment="Oorspronkelijke taal rechtgezet.")
    for note in (on_the_original, on_the_translation, also_in_the_original):
        note.refresh_from_db()
    assert (on_the_original.text_language, on_the_original.anchor_state) == ("fr", "anchored")
    assert (on_the_translation.anchor_state, on_the_translation.text_language) == (
        "orphaned",
        "fr",
    )
    assert (
        also_in_the_original.anchor_state,
        also_in_the_original.position_start,
        also_in_the_original.target_text,
    ) == ("anchored", original.index("cuisinent ensemble"), original)
    # The orphan went to the reviewers as any orphan does.
    assert ModerationEvent.objects.filter(annotation=on_the_translation, action="orphan").exists()
    assert set(Annotation.objects.filter(case=case).public()) == {
        on_the_original,
        also_in_the_original,
    }


def test_a_text_stored_in_the_original_language_before_the_rule_never_blocks_a_save(
    researcher_client, case
):
    Case.objects.filter(pk=case.pk).update(summary_nl="Een oude kopie.")
    SourceCoding.objects.filter(case=case).update(rationale_nl="Oud.")
    data = the_form(researcher_client, case) | {"initiative": "Een ander initiatief"}
    assert researcher_client.post(change_url(case), data).status_code == 302
    case.refresh_from_db()
    assert case.initiative == "Een ander initiatief"


def test_a_new_case_has_no_rationale_in_its_own_language(researcher_client, framework):
    from frameworks.models import Domain
    from tests.html import form_values

    add = form_values(researcher_client.get(reverse("admin:cases_case_add")), "case_form")
    strijd = Source.objects.get(key="strijd")
    add.update(
        {
            "title": "Cuisine de quartier",
            "slug": "cuisine-de-quartier",
            "original_language": "fr",
            "domain": str(Domain.objects.get(key="wonen").pk),
            "initiative": "asbl",
            "nis_code": "21004",
            "summary": "Des voisins cuisinent.",
            "practice": "Chaque vendredi.",
            "source_codings-0-source": str(strijd.pk),
            "source_codings-0-strength": "2",
            "source_codings-0-grounds": "interpretatie",
            "source_codings-0-rationale": "Parce que.",
            "source_codings-0-rationale_fr": "Parce que, encore.",
        }
    )
    response = researcher_client.post(reverse("admin:cases_case_add"), add)
    assert response.status_code == 200
    errors = parse(response).xpath(
        "//div[contains(@class,'field-rationale_fr')]//ul[@class='errorlist']//li/text()"
    )
    assert errors == [
        "De praktijk is in het Frans geschreven en heeft geen vertaling in die taal: maak deze "
        "motivering leeg, of kies een andere oorspronkelijke taal."
    ]
    assert not Case.objects.exists()


def test_a_form_without_the_translation_column_cannot_relabel_into_it(researcher_client, case):
    """A form sent without `summary_fr` (an older page, a script) keeps the stored French
    summary: choosing French as the original is refused all the same."""
    case.summary_fr = "Des voisins cuisinent."
    case.save()
    data = the_form(researcher_client, case) | {"original_language": "fr"}
    del data["summary_fr"]
    response = researcher_client.post(change_url(case), data)
    assert response.status_code == 200
    case.refresh_from_db()
    assert (case.original_language, case.summary_fr) == ("nl", "Des voisins cuisinent.")
