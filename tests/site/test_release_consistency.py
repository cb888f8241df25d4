"""Every member of a release shows one state of the data, also when a case is published during the cut."""

import threading

import pytest
from django.contrib.messages import get_messages
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from diegem import data_releases
from diegem.lib.archives import Member
from diegem.releases import Release
from tests.conftest import logged_in
from tests.factories import make_case
from tests.site.release_helpers import members


def publish_elsewhere(case_pk: int) -> None:
    """Publish a case in another connection and commit, as a colleague's request would."""

    def publish():
        try:
            case = Case.objects.get(pk=case_pk)
            case.status, case.published_at = Case.Status.PUBLISHED, timezone.now()
            case.save()
        finally:
            connection.close()

    thread = threading.Thread(target=publish)
    thread.start()
    thread.join()


def publishing_before(name: str, case_pk: int, times: int, monkeypatch) -> list[int]:
    """Make the cut publish the case just before it writes member `name`, in its first `times` attempts."""
    attempts = []
    original = data_releases.members

    def members_of_an_attempt(ctx):
        attempts.append(1)
        result = original(ctx)
        if len(attempts) > times:
            return result

        def wrap(member: Member) -> Member:
            def write(out):
                publish_elsewhere(case_pk)
                member.write(out)

            return Member(member.name, write)

        return [wrap(m) if m.name == name else m for m in result]

    monkeypatch.setattr(data_releases, "members", members_of_an_attempt)
    return attempts


@pytest.mark.django_db(transaction=True)
def test_a_publication_during_the_cut_is_in_every_member_or_in_none(framework, monkeypatch):
    make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    late = make_case(title="LAAT-GEPUBLICEERD", slug="laat", status=Case.Status.DRAFT)
    # praktijken-lang.csv is written before praktijken.csv (members go in name order).
    attempts = publishing_before("praktijken.csv", late.pk, 1, monkeypatch)

    release = data_releases.release_cut(title="Eerste")

    files = members(bytes(Release.objects.get(pk=release.pk).archive))
    assert len(attempts) == 2  # the first attempt saw the content change and started again
    assert b"LAAT-GEPUBLICEERD" in files["praktijken-lang.csv"]
    assert b"LAAT-GEPUBLICEERD" in files["praktijken.csv"]
    assert b"LAAT-GEPUBLICEERD" in files["praktijken.json"]


@pytest.mark.django_db(transaction=True)
def test_a_cut_that_never_sees_one_state_releases_nothing_and_says_so(
    framework, researcher, monkeypatch
):
    make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    drafts = [make_case(title=f"Concept {n}", status=Case.Status.DRAFT) for n in range(6)]
    attempts = []
    original = data_releases.members

    def always_publishing(ctx):
        attempts.append(1)
        result = original(ctx)
        draft = drafts[len(attempts) - 1]

        def write(out, member=result[0]):
            publish_elsewhere(draft.pk)
            member.write(out)

        return [Member(result[0].name, write), *result[1:]]

    monkeypatch.setattr(data_releases, "members", always_publishing)
    response = logged_in(researcher).post(
        reverse("admin:diegem_release_add"),
        {"title": "Mijn titel", "description": "Mijn beschrijving"},
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "De gegevens veranderden telkens terwijl de versie gemaakt werd (3 pogingen)" in page
    assert 'value="Mijn titel"' in page and "Mijn beschrijving" in page
    assert not [m for m in get_messages(response.wsgi_request) if "uitgebracht (" in str(m)]
    assert Release.objects.count() == 0
    assert len(attempts) == 3  # CUT_ATTEMPTS

    with pytest.raises(CommandError, match="De gegevens veranderden telkens"):
        call_command("cut_release", "--title", "Via de commandolijn")
    assert Release.objects.count() == 0
    assert len(attempts) == 6
