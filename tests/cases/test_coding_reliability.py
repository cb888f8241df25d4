"""The bank's reliability figures (cases.coding_reliability): per source, per field, pooled; in the exports.

Three double-coded cases. On "strijd" the coders give 3/3, 2/1 and niet te bepalen twice;
on "universeel-particularistisch" 2/1, both poles twice, -1/-1. Everything else agrees
(strength 1, position 0). Alpha values checked by hand (the interval one:
D_o = 0.5, D_e = 54/12 = 4.5, alpha = 1 - 0.5/4.5 = 0.889).
"""

import csv
import io
import json

import pytest
from django.urls import reverse

from cases.coding_reliability import reliability, reliability_json, reliability_rows
from cases.double_coding_rounds import round_cancel
from cases.models import Case
from tests.cases.double_coding import code_and_submit, make_colleague, open_round, publish
from tests.factories import make_case

pytestmark = pytest.mark.django_db

UP = "universeel-particularistisch"


@pytest.fixture
def three_rounds(framework, researcher):
    colleague = make_colleague()
    pairs = [
        ({"strijd": 3, UP: 2}, {"strijd": 3, UP: 1}),
        ({"strijd": 2, UP: "both"}, {"strijd": 1, UP: "both"}),
        ({"strijd": "undetermined", UP: -1}, {"strijd": "undetermined", UP: -1}),
    ]
    for first_values, second_values in pairs:
        case = make_case(status=Case.Status.DRAFT)
        _round, first, second = open_round(case, researcher, colleague)
        code_and_submit(first, researcher, **first_values)
        code_and_submit(second, colleague, **second_values)
        publish(case)
    # Rounds not both submitted do not count, nor a round on a case not published.
    _round, _first, second = open_round(make_case(status=Case.Status.DRAFT), researcher, colleague)
    code_and_submit(second, colleague, strijd=0)
    open_round(make_case(status=Case.Status.DRAFT), researcher, colleague)
    _round, first, second = open_round(make_case(status=Case.Status.DRAFT), researcher, colleague)
    code_and_submit(first, researcher, strijd=0, **{UP: 2})
    code_and_submit(second, colleague, strijd=3, **{UP: -2})


def by_key(measures):
    return {(m.kind, m.key): m for m in measures}


def test_per_source_and_field(three_rounds):
    measures = by_key(reliability())
    strijd = measures[("bron", "strijd")]
    assert (strijd.cases, strijd.metric, strijd.alpha_units) == (3, "ordinal", 2)
    assert round(strijd.alpha, 3) == 0.833
    assert round(strijd.percent, 1) == 66.7
    field = measures[("spanningsveld", UP)]
    assert (field.cases, field.metric, field.alpha_units) == (3, "interval", 2)
    assert round(field.alpha, 3) == 0.889
    assert round(field.percent, 1) == 66.7


def test_no_variation_is_not_computable_but_agreement_is_full(three_rounds):
    other = by_key(reliability())[("bron", "ontmoeting")]
    assert other.cases == 3
    assert other.alpha is None and other.alpha_reported is None
    assert other.verdict == "nog niet te berekenen"
    assert other.percent == 100.0


def test_pooled(three_rounds):
    measures = by_key(reliability())
    sources = measures[("alle_bronnen", "")]
    assert (sources.cases, sources.alpha_units) == (3, 11)
    assert round(sources.alpha, 3) == 0.697
    assert round(sources.percent, 1) == 91.7
    fields = measures[("alle_spanningsvelden", "")]
    assert (fields.cases, fields.alpha_units) == (3, 17)
    assert round(fields.alpha, 3) == 0.861
    assert round(fields.percent, 1) == 94.4


def test_too_few_cases_is_not_reported(framework, researcher):
    colleague = make_colleague()
    for first_value, second_value in ((3, 1), (0, 2)):
        case = make_case(status=Case.Status.DRAFT)
        _round, first, second = open_round(case, researcher, colleague)
        code_and_submit(first, researcher, strijd=first_value)
        code_and_submit(second, colleague, strijd=second_value)
        publish(case)
    strijd = by_key(reliability())[("bron", "strijd")]
    assert strijd.cases == 2
    assert strijd.alpha is not None
    assert strijd.alpha_reported is None


def test_rows_for_the_csv(three_rounds):
    rows = reliability_rows()
    assert rows[0] == [
        "soort",
        "sleutel",
        "naam",
        "metriek",
        "dubbel_gecodeerde_praktijken",
        "alpha",
        "eenheden_alpha",
        "procent_overeenstemming",
    ]
    assert ["bron", "strijd", "Strijd", "ordinal", 3, 0.833, 2, 66.7] in rows
    assert ["bron", "ontmoeting", "Ontmoeting", "ordinal", 3, "", 3, 100.0] in rows
    assert len(rows) == 1 + 4 + 6 + 2


def test_csv_download_listed_on_open_data(three_rounds, anonymous_client):
    page = anonymous_client.get(reverse("open-data")).getvalue().decode()
    assert reverse("export-reliability-csv") in page
    response = anonymous_client.get(reverse("export-reliability-csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.getvalue().decode("utf-8-sig"))))
    assert ["bron", "strijd", "Strijd", "ordinal", "3", "0.833", "2", "66.7"] in rows


def test_json_export_has_the_figures_and_names_no_case(three_rounds, anonymous_client):
    data = json.loads(anonymous_client.get(reverse("export-cases-json")).getvalue())
    assert len(data["praktijken"]) == 3  # the double-coded cases, published after their rounds
    figures = data["betrouwbaarheid"]
    assert figures == reliability_json()
    strijd = next(d for d in figures["dimensies"] if d["sleutel"] == "strijd")
    assert strijd == {
        "soort": "bron",
        "sleutel": "strijd",
        "naam": "Strijd",
        "metriek": "ordinal",
        "dubbel_gecodeerde_praktijken": 3,
        "alpha": 0.833,
        "eenheden_alpha": 2,
        "procent_overeenstemming": 66.7,
    }
    assert "Praktijk" not in json.dumps(figures)


def test_a_round_counts_once_its_case_is_published(framework, researcher):
    colleague = make_colleague()
    case = make_case(status=Case.Status.DRAFT)
    _round, first, second = open_round(case, researcher, colleague)
    code_and_submit(first, researcher, strijd=3)
    code_and_submit(second, colleague, strijd=0)
    assert by_key(reliability())[("bron", "strijd")].cases == 0
    publish(case)
    strijd = by_key(reliability())[("bron", "strijd")]
    assert (strijd.cases, strijd.percent) == (1, 0.0)


def test_a_stopped_round_does_not_count(framework, researcher):
    colleague = make_colleague()
    case = make_case(status=Case.Status.DRAFT)
    round_, first, _second = open_round(case, researcher, colleague)
    code_and_submit(first, researcher, strijd=3)
    round_cancel(round=round_, actor=researcher)
    publish(case)
    assert by_key(reliability())[("bron", "strijd")].cases == 0
