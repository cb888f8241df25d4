"""A practice's placements deleted, or placed again, by two requests at once (a double click,
two colleagues): real requests through a live server, never a 500, nothing half done."""

from collections import Counter

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from annotations.practices import (
    ALREADY_GONE,
    PRACTICE,
    PracticeError,
    PracticePlacement,
    SavedPractice,
    practice_delete,
    practice_placement_save,
)
from tests.annotations.test_limits import all_at_once, http_post
from tests.concurrency import at_once

pytestmark = pytest.mark.django_db(transaction=True)


def placed(organisation, member, name: str = "Buurtkeuken") -> PracticePlacement:
    return practice_placement_save(
        organisation=organisation,
        query={"bron-ontmoeting": "1"},
        placed_on=timezone.localdate(),
        created_by=member,
        name=name,
    )


def session_of(user) -> dict:
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def test_a_double_click_on_deleting_the_last_placement(
    live_server, framework, organisation_a, member_a
):
    placement = placed(organisation_a, member_a)
    url = f"/uw-praktijk/bewaard/plaatsing/{placement.pk}/verwijderen/"
    cookies = session_of(member_a)
    statuses = all_at_once(3, lambda n: http_post(live_server, url, {}, cookies=cookies))
    # The first deletes (302), the others find it gone (302, "al verwijderd") or, arriving
    # after the commit, no placement to show (404): never a 500.
    assert 500 not in statuses and Counter(statuses)[302] >= 1, statuses
    assert SavedPractice.objects.count() == PracticePlacement.objects.count() == 0


def test_deleting_the_last_placement_and_its_practice_at_once(
    live_server, framework, organisation_a, member_a
):
    placement = placed(organisation_a, member_a)
    paths = [
        f"/uw-praktijk/bewaard/plaatsing/{placement.pk}/verwijderen/",
        f"/uw-praktijk/bewaard/{placement.practice_id}/verwijderen/",
    ]
    cookies = session_of(member_a)
    statuses = all_at_once(2, lambda n: http_post(live_server, paths[n], {}, cookies=cookies))
    assert 500 not in statuses, statuses
    assert SavedPractice.objects.count() == PracticePlacement.objects.count() == 0


def test_placing_again_while_a_colleague_deletes_the_practice(framework, organisation_a, member_a):
    """Either the placement is kept before the delete (and goes with the practice) or it is
    refused with a message: never a foreign-key failure at the commit."""
    outcomes = Counter()
    for round_ in range(6):
        practice = SavedPractice.objects.get(
            pk=placed(organisation_a, member_a, f"P{round_}").practice_id
        )
        results = []

        def work(n, practice=practice, results=results):
            if n == 0:
                results.append(practice_delete(practice=SavedPractice.objects.get(pk=practice.pk)))
                return
            try:
                practice_placement_save(
                    organisation=organisation_a,
                    query={},
                    placed_on=timezone.localdate(),
                    created_by=member_a,
                    practice=practice,
                )
                results.append("placed")
            except PracticeError as error:
                results.append(str(error))

        assert [r for r in all_at_once(2, work) if r is not None] == []
        outcomes.update(results)
        assert not SavedPractice.objects.filter(pk=practice.pk).exists()
    assert set(outcomes) <= {
        PRACTICE,
        "placed",
        "Deze praktijk is intussen verwijderd; bewaar de plaatsing als een nieuwe praktijk.",
    }, outcomes
    assert PracticePlacement.objects.count() == 0


def test_a_practice_deleted_twice_is_deleted_once(framework, organisation_a, member_a):
    practice = SavedPractice.objects.get(pk=placed(organisation_a, member_a).practice_id)
    results = []
    assert at_once(lambda: results.append(practice_delete(practice=practice)), times=3) == []
    assert sorted(results) == sorted([PRACTICE, ALREADY_GONE, ALREADY_GONE])
