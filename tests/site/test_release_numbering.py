"""Release numbers: 1, 2, 3…, one each, also when two researchers cut at the same moment."""

import threading

import pytest
from django.db import connection

from diegem.data_releases import release_cut
from diegem.releases import Release
from tests.annotations.test_limits import all_at_once
from tests.factories import make_case


@pytest.mark.django_db
def test_numbers_follow_on(framework):
    make_case()
    assert [release_cut(title=f"Versie {n}").number for n in range(3)] == [1, 2, 3]


@pytest.mark.django_db
def test_an_empty_title_cuts_nothing(framework):
    for title in ("   ", "\u200b\u2060"):
        with pytest.raises(ValueError):
            release_cut(title=title)
    assert Release.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_one_form_sent_twice_at_once_cuts_one_release(framework):
    make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    cut = all_at_once(2, lambda n: release_cut(title="Dubbel", form_key="k" * 22).number)
    # Both get the one release (an error would stand in the list instead of its number).
    assert cut == [1, 1]
    assert list(Release.objects.values_list("number", flat=True)) == [1]


@pytest.mark.django_db(transaction=True)
def test_two_cuts_at_once_get_two_numbers(framework):
    make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    barrier = threading.Barrier(2)
    errors = []

    def cut(title):
        try:
            barrier.wait()
            release_cut(title=title)
        except Exception as error:  # noqa: BLE001 - collected, the test asserts there are none
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=cut, args=(title,)) for title in ("Links", "Rechts")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(Release.objects.values_list("number", flat=True)) == [1, 2]
    # The second saw the first as its previous release.
    second = Release.objects.get(number=2)
    assert "sinds versie 1" in second.changelog
