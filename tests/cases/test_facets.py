"""Every option of the case list says how many cases it would leave, and it is right."""

import random
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from cases.models import Case, Grounds
from tests.factories import make_case
from tests.html import parse, texts

pytestmark = pytest.mark.django_db


def result_count(client, params: dict) -> int:
    tree = parse(client.get(reverse("case-list") + "?" + urlencode(params, doseq=True)))
    return int(texts(tree, "//h2[@id='results-title']")[0].split()[0])


def cards_on_evidence(client, params: dict, source_key: str) -> int:
    """How many result cards, on every page, mark their coding on the source as tekstbewijs."""
    url, found = reverse("case-list") + "?" + urlencode(params, doseq=True), 0
    while url:
        tree = parse(client.get(url))
        found += len(
            tree.xpath(
                f"//article[contains(@class,'case-card')]//li[contains(@class,'source--{source_key}')]"
                "//span[contains(@class,'grounds--tekstbewijs')]"
            )
        )
        following = tree.xpath("//a[@rel='next']/@href")  # "?…&pagina=2"
        url = reverse("case-list") + following[0] if following else None
    return found


def option_counts(label: str) -> tuple[int, int | None]:
    """'minstens matig (3, ● 1 met tekstbewijs)' -> (3, 1); 'minstens matig (3)' -> (3, None)."""
    counts = label.rsplit(" (", 1)[1].rstrip(")")
    if ", ● " not in counts:
        return int(counts), None
    total, evidence = counts.split(", ● ")
    assert evidence.endswith(" met tekstbewijs"), label
    return int(total), int(evidence.removesuffix(" met tekstbewijs"))


SOURCES = ("wederzijdse-afhankelijkheid", "normen-en-waarden", "strijd", "ontmoeting")
FIELDS = (
    "universeel-particularistisch",
    "consensus-conflict",
    "economisch-cultureel",
    "integratie-transformatie",
    "afstand-nabijheid",
    "onderhandelbaar-niet-onderhandelbaar",
)


@pytest.fixture
def varied(framework):

    rng = random.Random(7)
    places = ["Gent", "Antwerpen", "Leuven"]
    for i in range(24):
        # Every coding on text evidence, interpretation or undetermined (half, a third, a sixth).
        grounds = {
            key: rng.choice(
                [Grounds.EVIDENCE] * 3 + [Grounds.INTERPRETATION] * 2 + [Grounds.UNDETERMINED]
            )
            for key in SOURCES + FIELDS
        }
        make_case(
            grounds=grounds,
            title=f"Case {i:02d}",
            domain=["wonen", "werken", "leren", "vrije-tijd"][i % 4],
            kind=Case.Kind.PILOT if i % 5 == 0 else Case.Kind.CASE_STUDY,
            municipality=places[i % 3],
            strengths={key: rng.randint(0, 3) for key in SOURCES},
            positions={
                key: ("both" if rng.random() < 0.1 else rng.randint(-2, 2)) for key in FIELDS
            },
            keywords=tuple(rng.sample(["moestuin", "jeugdwerk", "koken", "taal"], 2)),
        )
    make_case(
        title="Concept", status=Case.Status.DRAFT, municipality="Gent", keywords=("moestuin",)
    )


ONLY = {"grond": "tekstbewijs"}


@pytest.mark.parametrize(
    "state",
    [
        {},
        {"domein": "werken"},
        {"bron-ontmoeting": "2", "consensus-conflict-van": "-1"},
        {
            "domein": "leren",
            "plaats": "Gent",
            "trefwoord": "moestuin",
            "bron-strijd": "1",
            "economisch-cultureel-tot": "0",
        },
        ONLY,
        {"domein": "werken", **ONLY},
        {"bron-ontmoeting": "2", "consensus-conflict-van": "-1", **ONLY},
        {
            "domein": "leren",
            "plaats": "Gent",
            "trefwoord": "moestuin",
            "bron-strijd": "1",
            "economisch-cultureel-tot": "0",
            **ONLY,
        },
    ],
    ids=[
        "no filters",
        "one filter",
        "two filters",
        "five filters",
        "evidence only",
        "evidence only, one filter",
        "evidence only, two filters",
        "evidence only, five filters",
    ],
)
def test_every_option_count_matches_the_results_it_leads_to(client, varied, state):
    tree = parse(client.get(reverse("case-list") + "?" + urlencode(state)))
    restricted = state.get("grond") == "tekstbewijs"
    # Without other coding filters, an option's cases with the coding on text evidence are those the restriction leaves.
    coding_filters = [
        name for name in state if name.startswith("bron-") or name.endswith(("-van", "-tot"))
    ]
    checked = split = 0
    for name, value, label, disabled in _options(tree):
        if not value or "(" not in label:
            continue
        shown, on_evidence = option_counts(label)
        if disabled:
            assert shown == 0  # an option that would leave nothing cannot be chosen
            continue
        # A row's option counts with the rest of its row left out (a step chosen alone).
        chosen = {k: v for k, v in state.items() if k not in _row_names(name)} | {name: value}
        assert result_count(client, chosen) == shown, (state, name, value, label)
        checked += 1
        is_coding = name.startswith("bron-") or name.endswith("-beide") or name in FIELDS
        # Every coding facet says how many rest on text evidence, unless the restriction is on (or there are none).
        assert (on_evidence is not None) == (is_coding and not restricted and shown > 0), label
        if on_evidence is None:
            continue
        if name.startswith("bron-"):
            assert cards_on_evidence(client, chosen, name.removeprefix("bron-")) == on_evidence, (
                state,
                name,
                value,
                label,
            )
            split += 1
        if not [other for other in coding_filters if other not in _row_names(name)]:
            assert result_count(client, {**chosen, **ONLY}) == on_evidence, (
                state,
                name,
                value,
                label,
            )
            split += 1
    assert checked >= 5
    if not restricted and not coding_filters:
        assert split >= 5  # the evidence counts were checked, not skipped


def _options(tree) -> list[tuple[str, str, str, bool]]:
    """Every option of the filter form: (name, value, label with counts, disabled), the selects'
    and the compact rows' (whose full label is read by screen readers)."""
    found = []
    for select in tree.xpath("//form[@id='filters']//select[@name!='sortering']"):
        for option in select.xpath("./option"):
            found.append(
                (
                    select.get("name"),
                    option.get("value"),
                    option.text_content(),
                    option.get("disabled") is not None,
                )
            )
    for field in tree.xpath(
        "//form[@id='filters']//fieldset[contains(@class,'filter-row')]//input"
    ):
        label = field.getparent()
        hidden = label.xpath("./span[@class='visually-hidden']")
        text = (hidden[0] if hidden else label).text_content().strip()
        found.append(
            (field.get("name"), field.get("value"), text, field.get("disabled") is not None)
        )
    return found


def _row_names(name: str) -> tuple[str, ...]:
    """All the parameters of the row an option belongs to (a tension field's steps, its former
    range ends and "beide"), or the option's own name."""
    key = name.removesuffix("-beide")
    if key in FIELDS:
        return key, f"{key}-van", f"{key}-tot", f"{key}-beide"
    return (name,)


def test_place_and_keyword_filters(client, varied):
    gent = result_count(client, {"plaats": "Gent"})
    assert gent == Case.objects.published().filter(municipality="Gent").count()
    moestuin = result_count(client, {"trefwoord": "moestuin"})
    assert moestuin == Case.objects.published().filter(keywords__slug="moestuin").count()
    both = result_count(client, {"plaats": "Gent", "trefwoord": "moestuin"})
    assert (
        both
        == Case.objects.published().filter(municipality="Gent", keywords__slug="moestuin").count()
    )
    chips = texts(
        parse(client.get(reverse("case-list"), {"plaats": "Gent", "trefwoord": "moestuin"})),
        "//li[contains(@class,'chip')]",
    )
    assert any(chip.startswith("Plaats: Gent") for chip in chips)
    assert any(chip.startswith("Trefwoord: moestuin") for chip in chips)


def test_filter_state_lives_in_the_url_and_survives_pagination(client, varied):
    response = client.get(reverse("case-list"), {"domein": "wonen", "sortering": "nieuw"})
    next_links = parse(response).xpath("//a[@rel='next']/@href")
    if next_links:
        assert "domein=wonen" in next_links[0] and "sortering=nieuw" in next_links[0]
    form = parse(response).xpath("//form[@id='filters']")[0]
    assert form.get("method") == "get"
    assert form.xpath(".//select[@name='domein']/option[@selected]/@value") == ["wonen"]


def test_unknown_place_or_keyword_leave_no_cases_and_no_error(client, varied):
    assert result_count(client, {"plaats": "Atlantis"}) == 0
    assert result_count(client, {"trefwoord": "bestaat-niet"}) == 0


def test_a_keyword_only_a_draft_has_is_not_named_by_the_filter(client, framework):
    make_case(title="Concept", status=Case.Status.DRAFT, keywords=("Geheim Project Zwaluw",))
    make_case(title="Openbaar", keywords=("Buurtkeuken",))
    [hidden] = Case.objects.get(title="Concept").keywords.values_list("slug", flat=True)
    [public] = Case.objects.get(title="Openbaar").keywords.values_list("slug", flat=True)

    def chosen_option(slug: str) -> list[str]:
        page = parse(client.get(reverse("case-list"), {"trefwoord": slug}))
        return texts(page, "//select[@name='trefwoord']/option[@selected]")

    # Asked for by its slug, the draft's keyword is echoed as asked, as an unknown one is.
    assert chosen_option(hidden) == [f"{hidden} (0)"]
    assert chosen_option("bestaat-niet") == ["bestaat-niet (0)"]
    assert chosen_option(public) == ["Buurtkeuken (1)"]


def test_with_the_restriction_a_source_or_range_filter_leaves_only_cases_whose_coding_rests_on_the_text(
    client, varied
):
    for params, coding in (
        (
            {"bron-strijd": "2"},
            lambda c: c.source_codings.filter(source__key="strijd", strength__gte=2),
        ),
        (
            {"consensus-conflict-van": "0", "consensus-conflict-tot": "1"},
            lambda c: c.tension_positions.filter(
                tension_field__key="consensus-conflict", position__gte=0, position__lte=1
            ),
        ),
    ):
        every = {case for case in Case.objects.published() if coding(case).exists()}
        on_evidence = {
            case for case in every if coding(case).filter(grounds=Grounds.EVIDENCE).exists()
        }
        assert 0 < len(on_evidence) < len(every)  # the data tells the two apart
        assert result_count(client, params) == len(every)
        assert result_count(client, {**params, **ONLY}) == len(on_evidence)
