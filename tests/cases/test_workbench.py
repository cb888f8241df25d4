"""The researchers' workbench: workflow buttons, evidence, history, dashboard, who gets in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.history import versions_of
from cases.models import Case, CaseTransition, CodingEvidence, SourceCoding
from diegem.lib.annotatable import text_revision
from frameworks.models import Domain, Source
from tests.cases.conftest import change_url
from tests.conftest import logged_in
from tests.factories import cite, code_case, make_annotation, make_case, make_user
from tests.html import form_values, parse, texts

pytestmark = pytest.mark.django_db

PRACTICE = (
    "Elke zaterdag koken buren samen in het buurthuis.\n\nZe leren elkaars recepten en talen."
)


def save_in_admin(client, case, **changes):
    data = form_values(client.get(change_url(case)), "case_form")
    data.update(changes)
    data.pop("_saveasnew", None)
    return client.post(change_url(case), data)


# --- workflow --------------------------------------------------------------------------------


def test_the_change_form_shows_the_status_the_steps_and_what_is_missing(
    framework, researcher_client
):
    case = make_case(coded=False, status=Case.Status.DRAFT)
    page = parse(researcher_client.get(change_url(case)))
    assert "Werkstroom: concept" in texts(page, "//section[contains(@class,'workflow')]/h2")[0]
    missing = texts(page, "//div[contains(@class,'workflow__missing')]//li")
    assert any("Ontmoeting" in item for item in missing) and len(missing) == 10
    assert texts(page, "//div[contains(@class,'workflow__actions')]/button") == [
        "Ter nalezing aanbieden"
    ]


def step(client, case, action, **changes):
    """Press a workflow button on the case form, with whatever else was typed."""
    return save_in_admin(client, case, _stap=action, **changes)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def test_workflow_buttons_move_the_case_and_log_each_step(framework, researcher_client, researcher):
    case = make_case(status=Case.Status.DRAFT)
    for action, expected in (
        ("submit", "in_review"),
        ("publish", "published"),
        ("unpublish", "draft"),
    ):
        response = step(researcher_client, case, action)
        assert response.status_code == 302 and response["Location"] == change_url(case)
        case.refresh_from_db()
        assert case.status == expected
    assert CaseTransition.objects.filter(case=case, actor=researcher).count() == 3


def test_the_workflow_buttons_are_submit_buttons_of_the_case_form(framework, researcher_client):
    case = make_case(status=Case.Status.IN_REVIEW)
    page = parse(researcher_client.get(change_url(case)))
    buttons = page.xpath(
        "//form[@id='case_form']//div[contains(@class,'workflow__actions')]/button"
    )
    assert [(b.get("type"), b.get("name"), b.get("value"), b.text_content()) for b in buttons] == [
        ("submit", "_stap", "publish", "Publiceren"),
        ("submit", "_stap", "return_to_draft", "Terug naar concept"),
    ]
    # Enter in a field submits the form's first submit button: that must be a plain save.
    first = page.xpath(
        "//form[@id='case_form']//*[(self::input or self::button) and @type='submit']"
    )[0]
    assert (first.get("name"), first.get("hidden")) == ("_save", "")


def test_a_workflow_button_saves_the_edits_then_moves_the_case(
    framework, researcher_client, researcher
):
    case = make_case(status=Case.Status.DRAFT, summary="Oude samenvatting.")
    response = step(
        researcher_client, case, "submit", summary="Nieuwe samenvatting,\r\nnet getypt."
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.summary == "Nieuwe samenvatting,\nnet getypt."
    assert case.status == Case.Status.IN_REVIEW
    assert CaseTransition.objects.get(case=case).actor == researcher
    assert versions_of(case).first().revision.get_comment() == "Samenvatting gewijzigd."
    page = researcher_client.get(change_url(case))
    assert messages_of(page) == [f"‘{case.title}’ is bewaard en is nu: ter nalezing."]


def test_an_invalid_form_moves_nothing_saves_nothing_and_keeps_what_was_typed(
    framework, researcher_client
):
    case = make_case(status=Case.Status.DRAFT, summary="Oude samenvatting.", title="Oude titel")
    response = step(researcher_client, case, "submit", summary="Een nieuwe samenvatting.", title="")
    assert response.status_code == 200
    page = parse(response)
    assert texts(
        page, "//div[contains(@class,'field-title')]//ul[contains(@class,'errorlist')]"
    ) == ["Dit veld is verplicht."]
    assert texts(page, "//textarea[@name='summary']") == ["Een nieuwe samenvatting."]
    case.refresh_from_db()
    assert (case.title, case.summary, case.status) == (
        "Oude titel",
        "Oude samenvatting.",
        Case.Status.DRAFT,
    )
    assert not CaseTransition.objects.filter(case=case).exists()
    assert not versions_of(case).exists()


def test_a_refused_step_keeps_the_saved_edits_and_says_what_is_missing(
    framework, researcher_client
):
    case = make_case(status=Case.Status.IN_REVIEW, summary="Oude samenvatting.")
    SourceCoding.objects.filter(case=case, source__key="strijd").delete()
    response = step(researcher_client, case, "publish", summary="Bijgewerkte samenvatting.")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.summary == "Bijgewerkte samenvatting."
    assert case.status == Case.Status.IN_REVIEW
    assert messages_of(researcher_client.get(change_url(case))) == [
        f"Uw wijzigingen zijn bewaard, maar ‘{case.title}’ is nog niet klaar om te publiceren: De bron ‘Strijd’ is niet gecodeerd."
    ]


def test_a_step_that_no_longer_fits_the_status_keeps_the_edits_and_says_why(
    framework, researcher_client
):
    case = make_case(status=Case.Status.DRAFT)
    data = form_values(researcher_client.get(change_url(case)), "case_form")
    Case.objects.filter(pk=case.pk).update(status=Case.Status.IN_REVIEW)  # a colleague was quicker
    data.update(title="Nieuwe titel", _stap="submit")
    researcher_client.post(change_url(case), data)
    case.refresh_from_db()
    assert (case.title, case.status) == ("Nieuwe titel", Case.Status.IN_REVIEW)
    assert messages_of(researcher_client.get(change_url(case))) == [
        "Uw wijzigingen zijn bewaard, maar de stap is niet gezet: "
        "De stap ‘Ter nalezing aanbieden’ kan niet vanuit de status ‘ter nalezing’."
    ]


def test_publishing_an_incomplete_case_is_refused_and_names_what_is_missing(
    framework, researcher_client
):
    case = make_case(status=Case.Status.IN_REVIEW)
    SourceCoding.objects.filter(case=case, source__key="strijd").delete()
    response = step(researcher_client, case, "publish")
    assert (
        "De bron ‘Strijd’ is niet gecodeerd."
        in researcher_client.get(response["Location"]).content.decode()
    )
    assert Case.objects.get(pk=case.pk).status == Case.Status.IN_REVIEW


# --- evidence ---------------------------------------------------------------------------------


def evidence_rows(data: dict, rows: list[dict]) -> dict:
    data["evidence-TOTAL_FORMS"] = str(len(rows))
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"evidence-{i}-{key}"] = value
    return data


def test_evidence_is_anchored_in_the_case_text_and_shown_beside_the_profile(
    framework, researcher_client, client
):
    case = make_case(practice=PRACTICE)
    encounter = Source.objects.get(key="ontmoeting")
    data = form_values(researcher_client.get(change_url(case)), "case_form")
    evidence_rows(
        data,
        [
            {
                "coding": f"source:{encounter.pk}",
                "case_field": "practice",
                "passage": "koken buren samen",
                "note": "wekelijks",
            }
        ],
    )
    response = researcher_client.post(change_url(case), data)
    assert response.status_code == 302, texts(parse(response), "//ul[contains(@class,'errorlist')]")
    evidence = CodingEvidence.objects.get(case=case)
    assert case.practice[evidence.position_start : evidence.position_end] == "koken buren samen"
    profile = parse(client.get(case.get_absolute_url()))
    item = texts(
        profile, "//li[contains(@class,'source--ontmoeting')]//ul[contains(@class,'evidence')]/li"
    )
    assert item and "koken buren samen" in item[0] and "wekelijks" in item[0]


def test_evidence_that_is_not_in_the_text_is_refused_and_nothing_saved(
    framework, researcher_client
):
    case = make_case(practice=PRACTICE, title="Oude titel")
    encounter = Source.objects.get(key="ontmoeting")
    data = form_values(researcher_client.get(change_url(case)), "case_form")
    data["title"] = "Nieuwe titel"
    evidence_rows(
        data,
        [
            {
                "coding": f"source:{encounter.pk}",
                "case_field": "practice",
                "passage": "staat er niet in",
            }
        ],
    )
    response = researcher_client.post(change_url(case), data)
    assert response.status_code == 200
    assert "staat niet in de gekozen tekstsectie" in response.content.decode()
    assert Case.objects.get(pk=case.pk).title == "Oude titel"
    assert not CodingEvidence.objects.exists()


def test_evidence_on_the_add_form_and_on_text_edited_in_the_same_save(framework, researcher_client):
    """Evidence is checked against the text as edited in the same save, also on a new case."""
    encounter = Source.objects.get(key="ontmoeting").pk
    add = form_values(researcher_client.get(reverse("admin:cases_case_add")), "case_form")
    add.update(
        {
            "title": "Nieuwe praktijk",
            "slug": "nieuwe-praktijk",
            "domain": str(Domain.objects.get(key="wonen").pk),
            "initiative": "vzw",
            "nis_code": "44021",
            "summary": "Kort.",
            "practice": "Buren koken samen op vrijdag.",
            "evidence-TOTAL_FORMS": "1",
            "evidence-0-coding": f"source:{encounter}",
            "evidence-0-case_field": "practice",
            "evidence-0-passage": "koken samen",
        }
    )
    encounter_row = next(
        k
        for k, v in add.items()
        if k.startswith("source_codings-") and k.endswith("-source") and v == str(encounter)
    )
    row = encounter_row.rsplit("-", 1)[0]
    add.update({f"{row}-strength": "2", f"{row}-grounds": "tekstbewijs"})
    response = researcher_client.post(reverse("admin:cases_case_add"), add)
    assert response.status_code == 302
    case = Case.objects.get(slug="nieuwe-praktijk")
    assert CodingEvidence.objects.get(case=case).quote_exact == "koken samen"
    # The first version says what the case holds as later versions say what changed.
    assert versions_of(case).first().revision.get_comment() == (
        "Praktijk toegevoegd; Ontmoeting: gecodeerd als matig, grond tekstbewijs; "
        "Tekstbewijs voor Ontmoeting toegevoegd: ‘koken samen’."
    )

    url = reverse("admin:cases_case_change", args=[case.pk])
    data = form_values(researcher_client.get(url), "case_form")
    data.update(
        {
            "practice": "Buren eten samen op zaterdag.",
            "evidence-TOTAL_FORMS": "2",
            "evidence-1-coding": f"source:{encounter}",
            "evidence-1-case_field": "practice",
            "evidence-1-passage": "eten samen",
        }
    )
    response = researcher_client.post(url, data)
    assert response.status_code == 302, [
        (f.formset.prefix, f.formset.errors) for f in response.context["inline_admin_formsets"]
    ]
    assert CodingEvidence.objects.filter(
        case=case, quote_exact="eten samen", anchor_state="anchored"
    ).exists()

    data = form_values(researcher_client.get(url), "case_form")
    data.update(
        {
            "practice": "Iets heel anders.",
            "evidence-TOTAL_FORMS": str(int(data["evidence-TOTAL_FORMS"]) + 1),
        }
    )
    index = int(data["evidence-TOTAL_FORMS"]) - 1
    data.update(
        {
            f"evidence-{index}-coding": f"source:{encounter}",
            f"evidence-{index}-case_field": "practice",
            f"evidence-{index}-passage": "eten samen op zaterdag",
        }
    )
    response = researcher_client.post(url, data)
    assert (
        response.status_code == 200
        and "staat niet in de gekozen tekstsectie" in response.content.decode()
    )


def test_evidence_follows_text_edits_or_leaves_the_page(framework, researcher_client, client):
    case = make_case(practice=PRACTICE)
    encounter = Source.objects.get(key="ontmoeting")
    data = form_values(researcher_client.get(change_url(case)), "case_form")
    evidence_rows(
        data,
        [
            {
                "coding": f"source:{encounter.pk}",
                "case_field": "practice",
                "passage": "Ze leren elkaars recepten",
            },
            {
                "coding": f"source:{encounter.pk}",
                "case_field": "practice",
                "passage": "koken buren samen",
            },
        ],
    )
    assert researcher_client.post(change_url(case), data).status_code == 302
    assert (
        save_in_admin(
            researcher_client,
            case,
            practice="Nieuw begin.\r\n\r\nZe leren elkaars recepten en talen.",
        ).status_code
        == 302
    )
    kept = CodingEvidence.objects.get(quote_exact="Ze leren elkaars recepten")
    lost = CodingEvidence.objects.get(quote_exact="koken buren samen")
    case.refresh_from_db()
    assert case.practice[kept.position_start : kept.position_end] == "Ze leren elkaars recepten"
    assert lost.anchor_state == "orphaned"
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Ze leren elkaars recepten" in page and "‘koken buren samen’" not in page


def test_a_passage_whose_note_changes_in_the_save_that_edits_its_text_follows_the_text(
    framework, researcher_client
):
    case = make_case(practice=PRACTICE)
    evidence = cite(case, "ontmoeting", "Ze leren elkaars recepten")
    data = form_values(researcher_client.get(change_url(case)), "case_form")
    data |= {
        "practice": "Nieuw begin.\r\n\r\n" + PRACTICE.replace("\n", "\r\n"),
        "evidence-0-note": "elke week",
    }
    assert researcher_client.post(change_url(case), data).status_code == 302
    case.refresh_from_db()
    evidence.refresh_from_db()
    assert evidence.note == "elke week"
    assert (
        case.practice[evidence.position_start : evidence.position_end]
        == "Ze leren elkaars recepten"
    )
    assert (evidence.anchor_state, evidence.text_revision) == (
        "anchored",
        text_revision(case.practice),
    )


# --- history --------------------------------------------------------------------------------


def test_every_save_keeps_a_version_that_can_be_compared_and_restored(
    framework, researcher_client, researcher, client
):
    case = make_case(
        practice=PRACTICE, title="Eerste titel", strengths={"ontmoeting": 3}, keywords=("koken",)
    )
    annotation = make_annotation(target=case, passage="Ze leren elkaars recepten")
    assert (
        save_in_admin(researcher_client, case, summary="Eerste samenvatting.").status_code == 302
    )  # version 1
    data = form_values(researcher_client.get(change_url(case)), "case_form")
    encounter_row = next(
        k
        for k, v in data.items()
        if k.startswith("source_codings-")
        and k.endswith("-source")
        and v == str(Source.objects.get(key="ontmoeting").pk)
    )
    prefix = encounter_row.rsplit("-", 1)[0]
    data.update(
        {
            "title": "Tweede titel",
            "practice": "Een inleidende zin.\r\n\r\n" + PRACTICE.replace("\n", "\r\n"),
            "keywords": "koken, taal",
            f"{prefix}-strength": "1",
        }
    )
    assert researcher_client.post(change_url(case), data).status_code == 302  # version 2

    history = parse(researcher_client.get(reverse("admin:cases_case_history", args=[case.pk])))
    rows = history.xpath("//table[@id='change-history']/tbody/tr")
    assert len(rows) == 2
    assert "Rita Onderzoek" in rows[0].text_content()
    newer, older = [row.xpath(".//input[@name='tot']/@value")[0] for row in rows]
    compare = parse(
        researcher_client.get(
            reverse("admin:cases_case_compare", args=[case.pk]), {"van": older, "tot": newer}
        )
    )
    changes = {
        row[0]: row
        for row in (
            texts(tr, "./*")
            for tr in compare.xpath("//table[contains(@class,'version-diff')]/tbody/tr")
        )
    }
    assert "Titel" in changes and texts(compare, "//table[contains(@class,'version-diff')]//ins")
    assert any("Ontmoeting" in label for label in changes)
    assert "Trefwoorden" in changes

    confirm = researcher_client.get(reverse("admin:cases_case_restore", args=[case.pk, older]))
    assert confirm.status_code == 200 and "Terugzetten" in confirm.content.decode()
    assert (
        researcher_client.post(
            reverse("admin:cases_case_restore", args=[case.pk, older])
        ).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.title == "Eerste titel" and case.practice == PRACTICE
    assert SourceCoding.objects.get(case=case, source__key="ontmoeting").strength == 3
    assert sorted(case.keywords.names()) == ["koken"]
    annotation.refresh_from_db()
    assert (
        case.practice[annotation.position_start : annotation.position_end]
        == "Ze leren elkaars recepten"
    )
    assert "Eerste titel" in client.get(case.get_absolute_url()).content.decode()
    assert (
        len(
            parse(researcher_client.get(reverse("admin:cases_case_history", args=[case.pk]))).xpath(
                "//table[@id='change-history']/tbody/tr"
            )
        )
        == 3
    )


def test_a_published_case_is_not_restored_to_an_incomplete_version(framework, researcher_client):
    case = make_case(coded=False, status=Case.Status.DRAFT)
    save_in_admin(researcher_client, case, summary="Nog onvolledig.")  # an incomplete version

    code_case(case)
    save_in_admin(researcher_client, case, summary="Nu volledig gecodeerd.")
    step(researcher_client, case, "submit")
    step(researcher_client, case, "publish")
    incomplete = (
        parse(researcher_client.get(reverse("admin:cases_case_history", args=[case.pk])))
        .xpath("//table[@id='change-history']/tbody/tr")[-1]
        .xpath(".//input[@name='tot']/@value")[0]
    )
    response = researcher_client.post(
        reverse("admin:cases_case_restore", args=[case.pk, incomplete]), follow=True
    )
    assert "Niet teruggezet" in response.content.decode()
    assert SourceCoding.objects.filter(case=case).count() == 4


def test_reversions_own_revert_is_not_offered(framework, researcher_client):
    case = make_case()
    save_in_admin(researcher_client, case, summary="Een andere samenvatting.")
    version = versions_of(case).first()
    response = researcher_client.get(
        reverse("admin:cases_case_revision", args=[case.pk, version.pk])
    )
    assert response.status_code == 302 and response["Location"].endswith(
        reverse("admin:cases_case_history", args=[case.pk])
    )


# --- dashboard ------------------------------------------------------------------------------


def test_dashboard_shows_the_plan_per_domain_and_what_each_case_lacks(framework, researcher_client):
    make_case(title="Af", domain="werken")
    make_case(title="Half", domain="werken", coded=False, status=Case.Status.DRAFT)
    make_case(title="Piloot", kind=Case.Kind.PILOT, domain="leren")
    page = parse(researcher_client.get(reverse("admin:cases_case_dashboard")))
    werken = page.xpath("//section[.//h2[@id='domain-werken']]")[0]
    assert "2 van 8 ingevoerd" in texts(werken, ".//h2")[0]
    assert "nog 6 in te voeren" in texts(werken, ".//p[contains(@class,'dashboard__counts')]")[0]
    rows = {row[0]: row for row in (texts(tr, "./*") for tr in werken.xpath(".//tbody/tr"))}
    assert rows["Af"][2] == "100% 100%" or rows["Af"][2].endswith("100%")
    assert "niet gecodeerd" in rows["Half"][4]
    pilots = texts(page, "//section[@aria-labelledby='pilots-title']//tbody/tr/th")
    assert pilots == ["Piloot"]


def test_dashboard_query_count_is_flat(framework, researcher_client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert researcher_client.get(reverse("admin:cases_case_dashboard")).status_code == 200
        return len(queries)

    make_case()
    few = count()
    for _ in range(30):
        make_case()
    assert count() == few


# --- who gets in -------------------------------------------------------------------------------

WORKBENCH = [
    ("admin:cases_case_changelist", ()),
    ("admin:cases_case_dashboard", ()),
    ("admin:cases_case_import", ()),
    ("admin:cases_case_add", ()),
]


@pytest.mark.parametrize("name, args", WORKBENCH)
def test_researchers_and_staff_reach_the_workbench(framework, researcher_client, name, args):
    assert researcher_client.get(reverse(name, args=args)).status_code == 200
    superuser = make_user(is_staff=True, is_superuser=True)
    assert logged_in(superuser).get(reverse(name, args=args)).status_code == 200


@pytest.mark.parametrize("name, args", WORKBENCH)
def test_reviewers_and_members_do_not(framework, reviewer, member_a, name, args):
    for user in (reviewer, member_a):
        response = logged_in(user).get(reverse(name, args=args))
        assert response.status_code == 302 and "/beheer/login/" in response["Location"]


def test_staff_without_the_researcher_role_is_refused(framework, staff_without_role):
    client = logged_in(staff_without_role)
    case = make_case()
    for url in (
        reverse("admin:cases_case_dashboard"),
        reverse("admin:cases_case_import"),
        reverse("admin:cases_case_history", args=[case.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(change_url(case), {"_stap": "unpublish"}).status_code == 403
    assert Case.objects.get(pk=case.pk).status == Case.Status.PUBLISHED
