"""The gap between now and desired in plain words, one item at a time."""

import pytest

from cases.practice_profile import Placement, describe_move, framework_items
from frameworks.models import Source, TensionField

pytestmark = pytest.mark.django_db

# (item, now, desired, the sentence)
MOVES = [
    ("bron-strijd", "3", "1", "U wilt minder putten uit strijd (nu sterk, gewenst zwak)."),
    ("bron-ontmoeting", "0", "2", "U wilt meer putten uit ontmoeting (nu afwezig, gewenst matig)."),
    (
        "consensus-conflict",
        "-2",
        "-1",
        "U wilt meer richting conflict opschuiven (nu sterk consensus, gewenst eerder consensus).",
    ),
    (
        "consensus-conflict",
        "0",
        "-2",
        "U wilt meer richting consensus opschuiven (nu in het midden, gewenst sterk consensus).",
    ),
    (
        "consensus-conflict",
        "2",
        "-1",
        "U wilt van conflict naar consensus (nu sterk conflict, gewenst eerder consensus).",
    ),
    (
        "afstand-nabijheid",
        "1",
        "beide",
        "U wilt beide polen vasthouden, afstand én nabijheid (nu eerder nabijheid).",
    ),
    (
        "afstand-nabijheid",
        "beide",
        "-2",
        "U wilt niet langer beide polen vasthouden (gewenst sterk afstand).",
    ),
    ("afstand-nabijheid", "beide", "beide", None),
    ("bron-strijd", "2", "2", None),
]


@pytest.mark.parametrize(("param", "now", "desired", "sentence"), MOVES)
def test_a_move_in_plain_words(framework, param, now, desired, sentence):
    items = framework_items(Source.objects.all(), TensionField.objects.all())
    item = next(i for i in items if i.param == param)
    assert describe_move(item, Placement.parse(now), Placement.parse(desired)) == sentence
