"""A published case stays complete, whichever way it is written: what publication refuses, a
write refuses too (the workbench's form, the import, restore), saying what would lack and
keeping what was typed; the case stays as it was. Nor is it deleted while published."""

import pytest
from django.urls import reverse

from cases.models import Case, Source
from cases.services import PublishedCaseIncomplete, case_write
from tests.conftest import logged_in
from tests.factories import good_row, make_case, make_user, run_import, wide_csv
from tests.html import form_values, parse, texts

pytestmark = pytest.mark.django_db

REFUSED = (
    "Deze praktijk is gepubliceerd en mag niet onvolledig worden; vul aan, of zet ze eerst "
    "offline: "
)


@pytest.fixture
def published(framework, researcher) -> Case:
    assert run_import(wide_csv([good_row()]), researcher).saved
    case = Case.objects.get(slug="buurtkeuken-gent")
    assert case.is_public and case.missing_for_publication() == []
    return case


def without_the_strijd_coding(case, client) -> tuple[str, dict]:
    """The case's workbench form as posted with its coding of "Strijd" ticked for deletion."""
    url = reverse("admin:cases_case_change", args=[case.pk])
    data = form_values(client.get(url), "case_form")
    strijd = str(Source.objects.get(key="strijd").pk)
    row = next(
        key.removesuffix("-source")
        for key, value in data.items()
        if key.startswith("source_codings-") and key.endswith("-source") and value == strijd
    )
    return url, data | {f"{row}-DELETE": "on"}


def test_the_workbench_refuses_to_delete_a_coding_of_a_published_case(published, researcher_client):
    url, data = without_the_strijd_coding(published, researcher_client)
    data["summary"] = "Een nieuwe samenvatting, nog niet bewaard."
    response = researcher_client.post(url, data)
    assert response.status_code == 200
    page = parse(response)
    assert texts(page, "//ul[contains(@class, 'errorlist')]/li") == [
        REFUSED + "De bron ‘Strijd’ is niet gecodeerd."
    ]
    assert texts(page, "//textarea[@name='summary']") == [
        "Een nieuwe samenvatting, nog niet bewaard."
    ]
    published.refresh_from_db()
    assert published.source_codings.count() == 4
    assert published.summary != "Een nieuwe samenvatting, nog niet bewaard."


def test_the_import_refuses_to_empty_the_text_of_a_published_case(published, researcher):
    report = run_import(wide_csv([good_row(praktijk="")]), researcher)
    assert not report.saved
    assert [row.errors for row in report.rows] == [
        [("status", REFUSED + "Er is nog geen enkele tekstsectie ingevuld.")]
    ]
    published.refresh_from_db()
    assert published.practice


def test_a_write_that_would_leave_it_incomplete_changes_nothing(published, researcher):
    published.summary = ""
    with pytest.raises(PublishedCaseIncomplete) as refused:
        case_write(case=published, actor=researcher, comment="Samenvatting gewist.")
    assert refused.value.missing == ["Het veld ‘samenvatting’ is leeg."]
    assert Case.objects.get(pk=published.pk).summary


def test_a_draft_may_be_incomplete(published, researcher):
    Case.objects.filter(pk=published.pk).update(status=Case.Status.DRAFT)
    draft = Case.objects.get(pk=published.pk)
    draft.summary = ""
    case_write(case=draft, actor=researcher, comment="Samenvatting gewist.")
    assert Case.objects.get(pk=published.pk).summary == ""


def test_a_published_case_is_taken_offline_before_it_can_be_deleted(framework):
    superuser = make_user("beheer", is_staff=True, is_superuser=True)
    public, draft = make_case(slug="openbaar"), make_case(slug="klad", status=Case.Status.DRAFT)
    workbench = logged_in(superuser)
    for case in (public, draft):
        workbench.post(reverse("admin:cases_case_delete", args=[case.pk]), {"post": "yes"})
    assert list(Case.objects.values_list("slug", flat=True)) == ["openbaar"]


def test_what_a_published_case_already_lacked_is_not_this_writes_to_refuse(published, researcher):
    """A source added to the framework since publication: the case lacks its coding, and a
    write that takes nothing away is saved."""
    Source.objects.create(key="nieuw", name="Een nieuwe bron", order=99)
    published.summary = "Een betere samenvatting."
    case_write(case=published, actor=researcher, comment="Samenvatting herschreven.")
    assert Case.objects.get(pk=published.pk).summary == "Een betere samenvatting."


def test_a_form_read_before_publication_neither_unpublishes_nor_empties_it(framework, researcher):
    from cases.services import case_transition

    case = make_case(slug="onderweg", status=Case.Status.IN_REVIEW)
    read_earlier = Case.objects.get(pk=case.pk)  # a form opened while it was in review
    case_transition(case=case, action="publish", actor=researcher)
    read_earlier.summary = "Bewaard vanuit het oude formulier."
    case_write(case=read_earlier, actor=researcher, comment="Samenvatting herschreven.")
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.summary) == (
        Case.Status.PUBLISHED,
        "Bewaard vanuit het oude formulier.",
    )
    read_earlier.summary = ""
    with pytest.raises(PublishedCaseIncomplete):
        case_write(case=read_earlier, actor=researcher, comment="Samenvatting gewist.")


def test_taking_it_offline_saves_the_edits_it_refused_while_published(published, researcher_client):
    url, data = without_the_strijd_coding(published, researcher_client)
    data["_stap"] = "unpublish"
    response = researcher_client.post(url, data, follow=True)
    assert texts(parse(response), "//ul[contains(@class, 'messagelist')]/li") == [
        "‘Buurtkeuken Gent’ is bewaard en is nu: concept."
    ]
    stored = Case.objects.get(pk=published.pk)
    assert (stored.status, stored.source_codings.count()) == (Case.Status.DRAFT, 3)


def with_a_rationale_emptied(case, client) -> tuple[str, dict, str]:
    """The workbench form as posted with the rationale of the "Strijd" coding emptied."""
    url, data = without_the_strijd_coding(case, client)
    row = next(key.removesuffix("-DELETE") for key in data if key.endswith("-DELETE"))
    del data[f"{row}-DELETE"]
    data[f"{row}-rationale"] = ""
    return url, data, row


def test_an_emptied_rationale_is_refused_while_published(published, researcher_client):
    url, data, row = with_a_rationale_emptied(published, researcher_client)
    response = researcher_client.post(url, data)
    assert response.status_code == 200
    assert texts(parse(response), f"//*[@id='id_{row}-rationale']/../ul[@class='errorlist']/li")
    assert Case.objects.get(pk=published.pk).source_codings.get(source__key="strijd").rationale


def test_taking_it_offline_saves_an_emptied_rationale_into_the_draft(published, researcher_client):
    """A draft needs no rationale: the form checks the rows as the draft they are written into."""
    url, data, _row = with_a_rationale_emptied(published, researcher_client)
    data["_stap"] = "unpublish"
    response = researcher_client.post(url, data, follow=True)
    assert texts(parse(response), "//ul[contains(@class, 'messagelist')]/li") == [
        "‘Buurtkeuken Gent’ is bewaard en is nu: concept."
    ]
    stored = Case.objects.get(pk=published.pk)
    assert stored.status == Case.Status.DRAFT
    assert stored.source_codings.get(source__key="strijd").rationale == ""


def test_offline_halen_by_someone_who_may_not_publish_leaves_the_rationale(published):
    """The button is not offered to them; posted anyway, the case stays published and complete."""
    from cases.roles import RESEARCHER_PERMISSIONS
    from diegem.lib.roles import ensure_group

    ensure_group("Invoerders", [p for p in RESEARCHER_PERMISSIONS if p[1] != "publish_case"])
    client = logged_in(make_user("invoerder", groups=("Invoerders",), is_staff=True))
    url, data, _row = with_a_rationale_emptied(published, client)
    data["_stap"] = "unpublish"
    response = client.post(url, data)
    assert response.status_code == 200
    assert texts(parse(response), "//ul[contains(@class, 'errorlist')]/li") == [
        "U mag deze stap niet zetten.",
        REFUSED + "De codering van de bron ‘Strijd’ heeft geen onderbouwing.",
    ]
    stored = Case.objects.get(pk=published.pk)
    assert stored.status == Case.Status.PUBLISHED
    assert stored.source_codings.get(source__key="strijd").rationale
