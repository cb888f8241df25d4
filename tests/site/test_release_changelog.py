"""A release's CHANGELOG: the coding changes the public saw since the previous release, per case, dated."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from reversion.models import Revision, Version

from cases import services
from cases.models import Case, SourceCoding, TensionPosition
from diegem.data_releases import release_cut
from diegem.releases import Release
from tests.factories import make_case
from tests.site.release_helpers import members

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BRUSSELS)


def save_version(case, researcher, moment, **changes):
    """Write the case through the service (one version), then date that version at `moment`."""
    rows = []
    for key, value in changes.items():
        coding = SourceCoding.objects.filter(case=case, source__key=key).first()
        if coding is not None:
            coding.strength = value
        else:
            coding = TensionPosition.objects.get(case=case, tension_field__key=key)
            coding.position = value
        rows.append(coding)
    services.case_write(
        case=case, codings=services.Rows(save=rows), actor=researcher, comment="bewerkt"
    )
    revision = Version.objects.get_for_object(case).first().revision
    Revision.objects.filter(pk=revision.pk).update(date_created=moment)


def cut_at(title, moment) -> Release:
    release = release_cut(title=title)
    Release.objects.filter(pk=release.pk).update(cut_at=moment)
    release.refresh_from_db()
    return release


def test_the_changes_since_the_previous_release_written_out(framework, researcher):
    case = make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    save_version(case, researcher, at(2026, 1, 10, 10, 0))
    cut_at("Eerste", at(2026, 2, 1, 12, 0))
    save_version(case, researcher, at(2026, 3, 5, 14, 30), ontmoeting=3)
    save_version(case, researcher, at(2026, 3, 6, 9, 15), **{"consensus-conflict": 2})
    release = release_cut(title="Tweede")
    text = members(bytes(release.archive))["CHANGELOG.md"].decode()
    assert text.startswith(
        "# Wijzigingen in versie 2 / Changes in release 2\n\n"
        "Coderingen (sterkte, positie, grond) die veranderden sinds versie 1 (2026-02-01 12:00)"
    )
    assert (
        "## Buurtrestaurant De Tafel (`de-tafel`)\n\n"
        "- 2026-03-05 14:30: Ontmoeting: zwak (interpretatie): Onderbouwing voor Ontmoeting. → "
        "sterk (interpretatie): Onderbouwing voor Ontmoeting.\n"
        "- 2026-03-06 09:15: consensus – conflict: in het midden (interpretatie): Onderbouwing voor "
        "consensus – conflict. → sterk conflict (interpretatie): Onderbouwing voor consensus – conflict.\n"
    ) in text
    # The change before the first release is in neither the second's changelog…
    assert "2026-01-10" not in text
    # …and the page shows the same text.
    assert release.changelog == text


def test_a_release_without_changes_says_so(framework, researcher):
    case = make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    save_version(case, researcher, at(2026, 1, 10, 10, 0))
    cut_at("Eerste", at(2026, 2, 1, 12, 0))
    text = release_cut(title="Tweede").changelog
    assert text.endswith("\nGeen wijzigingen in de codering. No changes in the coding.\n")


def test_draft_states_before_publication_stay_out(framework, researcher):
    """A case coded as a draft, recoded, then published: only "gepubliceerd", never the draft values."""
    case = make_case(title="Buurtrestaurant De Tafel", slug="de-tafel", status=Case.Status.DRAFT)
    SourceCoding.objects.filter(case=case).update(rationale="GEHEIM-TUSSENSTAND")
    save_version(case, researcher, at(2026, 1, 10, 10, 0), ontmoeting=0)
    SourceCoding.objects.filter(case=case).update(rationale="Definitief.")
    save_version(case, researcher, at(2026, 1, 11, 10, 0), ontmoeting=2)
    case.refresh_from_db()
    services.case_transition(case=case, action="submit", actor=researcher)
    services.case_transition(case=case, action="publish", actor=researcher)
    text = release_cut(title="Eerste").changelog
    assert "## Buurtrestaurant De Tafel (`de-tafel`)" in text
    assert ": gepubliceerd / published" in text
    assert "GEHEIM" not in text
    assert "afwezig" not in text


def test_a_case_withdrawn_since_the_previous_release_is_named_as_that_release_named_it(
    framework, researcher
):
    gone = make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    save_version(gone, researcher, at(2026, 1, 10, 10, 0))
    staying = make_case(title="Repair Café", slug="repair-cafe")
    save_version(staying, researcher, at(2026, 1, 10, 10, 0))
    cut_at("Eerste", at(2026, 2, 1, 12, 0))
    gone = services.case_transition(case=gone, action="unpublish", actor=researcher)
    gone.title, gone.slug = "GEHEIME-CONCEPTTITEL", "geheime-concepttitel"
    services.case_write(case=gone, actor=researcher, comment="herwerkt als concept")

    text = members(bytes(release_cut(title="Tweede").archive))["CHANGELOG.md"].decode()

    withdrawn = text.split("## Niet meer gepubliceerd / Withdrawn\n\n")[1]
    assert withdrawn.splitlines()[0].endswith(
        ": Buurtrestaurant De Tafel (`de-tafel`): niet meer gepubliceerd, dus niet in deze "
        "versie / no longer published, so not in this release"
    )
    assert "Repair Café" not in withdrawn
    assert "GEHEIME" not in text and "geheime" not in text


def test_the_first_release_names_no_case_as_withdrawn(framework, researcher):
    gone = make_case(title="Buurtrestaurant De Tafel", slug="de-tafel")
    save_version(gone, researcher, at(2026, 1, 10, 10, 0))
    services.case_transition(case=gone, action="unpublish", actor=researcher)
    assert "Withdrawn" not in release_cut(title="Eerste").changelog
