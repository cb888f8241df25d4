"""Content in three languages: a page shows the translation into its language, or the original
with a note saying so (never an empty page); who translated is shown; the seed brings French and
English versions of the framework and the pilots."""

import pytest
from django.core.management import call_command
from django.utils import translation

from cases.models import Case
from frameworks.models import Section, Source, TensionField
from tests.factories import make_case
from tests.html import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(framework):
    return make_case(
        slug="buurtkeuken",
        title="De buurtkeuken",
        summary="Buren koken samen.",
        practice="Buren koken samen op vrijdag.\n\nDaarna eten ze samen.",
        title_fr="La cuisine de quartier",
        summary_fr="Des voisins cuisinent ensemble.",
        practice_fr="Des voisins cuisinent ensemble le vendredi.\n\nEnsuite ils mangent ensemble.",
        translated_by_fr="Marie Dupont",
    )


def one(tree, xpath: str):
    (found,) = tree.xpath(xpath)
    return found


def text_of(tree, xpath: str) -> str:
    return " ".join(one(tree, xpath).text_content().split())


TITLE, LEAD, PRACTICE = "//h1[@id='case-title']", "//p[@class='lead']", "//*[@id='praktijk']"
UNTRANSLATED, TRANSLATOR = "//p[@class='untranslated']", "//p[contains(@class,'translator')]"


def test_a_french_page_shows_the_french_text_unmarked(client, case):
    tree = parse(client.get("/fr/praktijken/buurtkeuken/"))
    title = one(tree, TITLE)
    assert title.text_content() == "La cuisine de quartier"
    assert title.get("lang") is None
    assert text_of(tree, LEAD) == "Des voisins cuisinent ensemble."
    assert "Des voisins cuisinent ensemble le vendredi." in text_of(tree, PRACTICE)
    assert "Buren koken" not in tree.text_content()
    assert text_of(tree, TRANSLATOR) == (
        "Traduit par Marie Dupont ; le texte original est en néerlandais."
    )
    assert tree.xpath(UNTRANSLATED) == []


def test_an_english_page_falls_back_to_the_original_with_a_note(client, case):
    tree = parse(client.get("/en/praktijken/buurtkeuken/"))
    title = one(tree, TITLE)
    assert title.text_content() == "De buurtkeuken"
    assert title.get("lang") == "nl"
    assert one(tree, LEAD).get("lang") == "nl"
    notes = [" ".join(p.text_content().split()) for p in tree.xpath(UNTRANSLATED)]
    # The summary and the one text section: each says it is not translated, in English.
    assert notes == ["Not translated yet.", "Not translated yet."]
    assert "Buren koken samen op vrijdag." in text_of(tree, PRACTICE)
    assert tree.xpath(TRANSLATOR) == []


def test_a_dutch_page_shows_the_original_without_notes(client, case):
    tree = parse(client.get("/praktijken/buurtkeuken/"))
    assert one(tree, TITLE).text_content() == "De buurtkeuken"
    assert tree.xpath(UNTRANSLATED) == [] and tree.xpath(TRANSLATOR) == []


def test_a_case_written_in_french_shows_its_dutch_translation_on_the_dutch_page(client, framework):
    make_case(
        slug="cuisine",
        original_language="fr",
        title="La cuisine",
        summary="Des voisins cuisinent.",
        title_nl="De keuken",
        translated_by_nl="Jan Peeters",
    )
    tree = parse(client.get("/praktijken/cuisine/"))
    assert one(tree, TITLE).text_content() == "De keuken"
    assert one(tree, TITLE).get("lang") is None
    assert one(tree, LEAD).get("lang") == "fr"
    assert text_of(tree, f"({UNTRANSLATED})[1]") == "Deze tekst is (nog) niet vertaald."
    french = parse(client.get("/fr/praktijken/cuisine/"))
    assert one(french, TITLE).text_content() == "La cuisine"
    assert french.xpath(UNTRANSLATED) == [] and french.xpath(TRANSLATOR) == []


@pytest.mark.parametrize(
    ("language", "shown", "shown_language"),
    [
        ("nl", "De buurtkeuken", "nl"),
        ("fr", "La cuisine de quartier", "fr"),
        ("en", "De buurtkeuken", "nl"),
    ],
)
def test_shown_text_is_the_translation_or_the_original(case, language, shown, shown_language):
    assert case.shown_text("title", language) == (shown, shown_language)
    with translation.override(language):
        assert case.shown.title == shown
        assert case.language_of("title") == shown_language


def test_a_blank_translation_counts_as_none(case):
    case.title_en = "   "
    assert case.shown_text("title", "en") == ("De buurtkeuken", "nl")


def test_translations_are_stored_in_the_normal_form_of_annotatable_text(case):
    case.practice_fr = "Une ligne.\r\n\r\nUne autre.  "
    case.save()
    case.refresh_from_db()
    assert case.practice_fr == "Une ligne.\n\nUne autre."


def test_the_seed_brings_french_and_english_framework_and_pilots(db):
    call_command("seed", verbosity=0, stdout=open("/dev/null", "w"))
    strijd = Source.objects.get(key="strijd")
    assert (strijd.name, strijd.name_fr, strijd.name_en) == ("Strijd", "Lutte", "Struggle")
    assert strijd.translated_by_fr == "Redactie DieGem-praktijkenbank"
    field = TensionField.objects.get(number=1)
    with translation.override("fr"):
        assert field.name == "universel – particulariste"
    assert Section.objects.get(key="inleiding").title_en == "Introduction"
    chiro = Case.objects.get(slug="chiro-brussel")
    assert chiro.original_language == "nl"
    assert chiro.summary_fr and chiro.summary_en and chiro.practice_fr
    assert all(coding.rationale_fr for coding in chiro.source_codings.all())


def test_loading_the_seed_again_changes_nothing(db):
    call_command("seed", verbosity=0, stdout=open("/dev/null", "w"))
    before = list(Case.objects.order_by("pk").values())
    call_command("seed", verbosity=0, stdout=open("/dev/null", "w"))
    assert list(Case.objects.order_by("pk").values()) == before


def test_the_framework_pages_speak_french(client, framework):
    call_command("seed", verbosity=0, stdout=open("/dev/null", "w"))
    tree = parse(client.get("/fr/bronnen/strijd/"))
    assert one(tree, "//h1").text_content() == "Lutte"
    assert one(tree, "//h1").get("lang") is None


def feed_entries(client, prefix: str) -> dict[str, tuple[str | None, str, str]]:
    from lxml import etree

    feed = etree.fromstring(client.get(prefix + "/praktijken/feed/").content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert feed.get(lang) == (prefix.strip("/") or "nl")
    return {
        entry.xpath("string(a:link/@href)", namespaces=ns).rsplit("/", 2)[-2]: (
            entry.get(lang),
            entry.xpath("string(a:title)", namespaces=ns),
            entry.xpath("string(a:summary)", namespaces=ns),
        )
        for entry in feed.xpath("//a:entry", namespaces=ns)
    }


def test_feed_entries_say_their_language(client, case):
    make_case(slug="half", title="Half vertaald", summary="Nog Nederlands.", title_fr="À moitié")
    french = feed_entries(client, "/fr")
    assert french["buurtkeuken"] == (
        None,
        "La cuisine de quartier",
        "Des voisins cuisinent ensemble.",
    )
    # A title without its summary in French: the entry stays whole, in the original.
    assert french["half"] == ("nl", "Half vertaald", "Nog Nederlands.")
    assert feed_entries(client, "/en")["buurtkeuken"] == (
        "nl",
        "De buurtkeuken",
        "Buren koken samen.",
    )
    assert feed_entries(client, "")["buurtkeuken"] == (None, "De buurtkeuken", "Buren koken samen.")


@pytest.mark.parametrize(
    ("original", "titles", "language", "shown"),
    [
        ("nl", {"title": "Buurtkeuken", "title_fr": "Cuisine"}, "fr", "Cuisine"),
        ("nl", {"title": "Buurtkeuken"}, "fr", "Buurtkeuken"),
        ("nl", {"title": "Buurtkeuken", "title_fr": "Cuisine"}, "nl", "Buurtkeuken"),
        ("fr", {"title": "Cuisine", "title_nl": "Keuken"}, "nl", "Keuken"),
        # A translation into the case's own language is never shown (nor stored by the
        # workbench or the import; written here directly).
        ("fr", {"title": "Cuisine", "title_fr": "Vieille cuisine"}, "fr", "Cuisine"),
    ],
)
def test_titles_shown_by_the_database_are_those_the_pages_show(
    framework, original, titles, language, shown
):
    """Map titles and search snippets read the shown text in SQL (`shown_expression`)."""
    from diegem.lib.search import shown_expression

    case = make_case(original_language=original, **titles)
    Case.objects.filter(pk=case.pk).update(**titles)
    in_sql = (
        Case.objects.filter(pk=case.pk)
        .annotate(shown=shown_expression(Case, "title", language))
        .values_list("shown", flat=True)
        .get()
    )
    assert (in_sql, case.shown_text("title", language)[0]) == (shown, shown)


def test_the_tools_words_follow_a_new_translation_of_a_pole_at_once(framework):
    from cases.practice_profile import Item, field_param, item_choices

    field = TensionField.objects.get(key="consensus-conflict")
    with translation.override("fr"):
        before = dict(item_choices(Item(field, field_param(field))))
        field.pole_a_fr = "accord"
        field.save()
        after = dict(item_choices(Item(field, field_param(field))))
    assert (before["-2"], after["-2"]) == ("nettement consensus", "nettement accord")


NORMS_THINKERS = {
    "fr": "Talcott Parsons\u00a0; aussi Emile Durkheim sur les limites de l’interdépendance",
    "en": "Talcott Parsons; also Emile Durkheim on the limits of interdependence",
}
# Where a page names a source's thinkers: the home page's card, the framework's overview and the
# source's own page (in a sentence of the interface).
THINKERS_SHOWN = [
    ("/", "//li[contains(@class,'source--normen-en-waarden')]//p[@class='card__meta']"),
    ("/kader/", "//dd/span[@class='muted']/span[contains(., 'Parsons')]"),
    ("/bronnen/normen-en-waarden/", "//p[@class='muted']/span[contains(., 'Parsons')]"),
]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(("path", "xpath"), THINKERS_SHOWN)
def test_the_thinkers_are_named_in_the_pages_language(client, framework, language, path, xpath):
    tree = parse(client.get(f"/{language}{path}"))
    if path.startswith("/bronnen/"):
        # Translated, the thinkers need no element of their own: the sentence holds them.
        assert (
            NORMS_THINKERS[language]
            in one(tree, "//p[@class='muted'][contains(., 'Parsons')]").text_content()
        )
        assert not tree.xpath(xpath)
    else:
        shown = one(tree, xpath)
        assert shown.text_content().strip() == NORMS_THINKERS[language]
        assert shown.get("lang") is None
    assert "over de grenzen van afhankelijkheid" not in tree.text_content()


@pytest.mark.parametrize(("path", "xpath"), THINKERS_SHOWN)
def test_untranslated_thinkers_are_marked_as_dutch(client, framework, path, xpath):
    Source.objects.filter(key="normen-en-waarden").update(thinkers_en="")
    tree = parse(client.get(f"/en{path}"))
    shown = one(tree, xpath)
    assert shown.text_content().strip() == (
        "Talcott Parsons; ook Emile Durkheim over de grenzen van afhankelijkheid"
    )
    assert shown.get("lang") == "nl"
