"""Two researchers with the same case open: the second save does not write over the first's
changes unseen. It is refused, says who saved when, keeps everything typed, and a second save
after a look keeps the second version. Also when both are saved at the same moment."""

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from cases.models import Case, SourceCoding
from cases.roles import RESEARCHERS_GROUP
from cases.services import CaseChangedMeanwhile, case_write
from frameworks.models import Source
from tests.annotations.test_limits import all_at_once, http_post
from tests.conftest import logged_in
from tests.factories import cite, ensure_framework, make_case, make_user
from tests.html import form_values, parse, texts

pytestmark = pytest.mark.django_db


def researcher(username: str, first_name: str):
    return make_user(
        username,
        groups=(RESEARCHERS_GROUP,),
        is_staff=True,
        first_name=first_name,
        last_name="Onderzoeker",
    )


def opened_form(client, case) -> tuple[str, dict]:
    url = reverse("admin:cases_case_change", args=[case.pk])
    return url, form_values(client.get(url), "case_form")


def errors(response) -> list[str]:
    return texts(parse(response), "//ul[contains(@class, 'errorlist')]/li")


@pytest.fixture
def two(framework):
    return logged_in(researcher("an", "An")), logged_in(researcher("bo", "Bo"))


def test_a_form_opened_before_another_save_is_refused_and_keeps_what_was_typed(framework, two):
    an, bo = two
    case = make_case(slug="buurtkeuken", summary="Zoals het was.")
    url, an_form = opened_form(an, case)
    _url, bo_form = opened_form(bo, case)
    assert an.post(url, an_form | {"summary": "An's samenvatting."}).status_code == 302

    response = bo.post(url, bo_form | {"summary": "Bo's samenvatting.", "initiative": "Bo"})
    assert response.status_code == 200
    [message] = errors(response)
    assert message.startswith("An Onderzoeker bewaarde deze praktijk om ")
    assert message.endswith(
        ", nadat u ze opende. Uw wijzigingen zijn niet bewaard en staan hieronder nog; bekijk "
        "in ‘Geschiedenis’ wat er veranderde, en bewaar opnieuw om uw versie te houden."
    )
    page = parse(response)
    assert texts(page, "//textarea[@name='summary']") == ["Bo's samenvatting."]
    assert Case.objects.get(pk=case.pk).summary == "An's samenvatting."

    # Saved once more from the page that said so: Bo's version, on purpose.
    again = form_values(response, "case_form")
    assert bo.post(url, again).status_code == 302
    assert Case.objects.get(pk=case.pk).summary == "Bo's samenvatting."


def test_everyone_who_saved_since_is_named_before_oneself(framework, two):
    """Bo opened the case; An and Cas saved it, and Bo took a step from the list meanwhile."""
    an, bo = two
    cas = logged_in(researcher("cas", "Cas"))
    case = make_case(slug="buurtkeuken", summary="Zoals het was.")
    url, bo_form = opened_form(bo, case)
    for client, summary in ((an, "An's samenvatting."), (cas, "Cas' samenvatting.")):
        _url, form = opened_form(client, case)
        assert client.post(url, form | {"summary": summary}).status_code == 302
    changelist = reverse("admin:cases_case_changelist")
    bo.post(changelist, {"action": "unpublish", "_selected_action": [case.pk]})
    assert not Case.objects.get(pk=case.pk).is_public
    [message] = errors(bo.post(url, bo_form | {"summary": "Bo's samenvatting."}))
    assert message.startswith(
        "An Onderzoeker en Cas Onderzoeker bewaarden deze praktijk nadat u ze opende, het "
        "laatst om "
    )


def test_a_save_on_another_day_says_the_day(framework, two):
    an, bo = two
    case = make_case(slug="buurtkeuken", summary="Zoals het was.")
    url, bo_form = opened_form(bo, case)
    _url, an_form = opened_form(an, case)
    assert an.post(url, an_form | {"summary": "An's samenvatting."}).status_code == 302
    saved = datetime(2026, 12, 3, 16, 5, tzinfo=UTC)  # 17:05 in Brussels
    Case.objects.filter(pk=case.pk).update(updated_at=saved)
    Revision.objects.update(date_created=saved)
    bo_form["geopend_op"] = (saved - timedelta(days=1)).isoformat()
    [message] = errors(bo.post(url, bo_form | {"summary": "Bo's samenvatting."}))
    assert message.startswith(
        "An Onderzoeker bewaarde deze praktijk op 3 december 2026 om 17:05, nadat u ze opende."
    )


def test_a_save_that_changed_nothing_does_not_refuse_the_next(framework, two):
    an, bo = two
    case = make_case(slug="buurtkeuken", summary="Zoals het was.")
    url, an_form = opened_form(an, case)
    assert an.post(url, an_form | {"summary": "Eerst."}).status_code == 302
    url, an_form = opened_form(an, case)
    _url, bo_form = opened_form(bo, case)
    assert an.post(url, an_form).status_code == 302  # nothing changed: no version, same time
    assert bo.post(url, bo_form | {"summary": "Bo's samenvatting."}).status_code == 302
    assert Case.objects.get(pk=case.pk).summary == "Bo's samenvatting."


def test_a_workflow_step_since_opening_counts_as_a_save(framework, two):
    an, bo = two
    case = make_case(slug="buurtkeuken")
    url, bo_form = opened_form(bo, case)
    _url, an_form = opened_form(an, case)
    assert an.post(url, an_form | {"_stap": "unpublish"}).status_code == 302
    assert not Case.objects.get(pk=case.pk).is_public
    response = bo.post(url, bo_form | {"summary": "Bo's samenvatting."})
    [message] = errors(response)
    assert message.startswith("An Onderzoeker bewaarde deze praktijk om ")


def test_taking_it_offline_from_an_old_form_is_refused_too(framework, two):
    an, bo = two
    case = make_case(slug="buurtkeuken", summary="Zoals het was.")
    url, bo_form = opened_form(bo, case)
    _url, an_form = opened_form(an, case)
    assert an.post(url, an_form | {"summary": "An's samenvatting."}).status_code == 302
    response = bo.post(url, bo_form | {"_stap": "unpublish"})
    assert response.status_code == 200
    assert errors(response)[0].startswith("An Onderzoeker bewaarde deze praktijk om ")
    assert Case.objects.get(pk=case.pk).is_public


def test_your_own_second_save_says_it_was_yours(framework, two):
    an, _bo = two
    case = make_case(slug="buurtkeuken", summary="Zoals het was.")
    url, form = opened_form(an, case)
    form["summary"] = "An's samenvatting."
    assert an.post(url, form).status_code == 302
    response = an.post(url, form)  # a double click, or a second tab
    [message] = errors(response)
    assert message.startswith("U bewaarde deze praktijk intussen al (om ")
    assert Case.objects.get(pk=case.pk).summary == "An's samenvatting."


def test_a_write_without_a_time_is_not_checked(framework):
    """The import, restore, the seed and the commands write what they are given."""
    case = make_case(slug="buurtkeuken", summary="Zoals het was.")
    actor = researcher("an", "An")
    opened_at = Case.objects.get(pk=case.pk).updated_at
    case.summary = "Eerst."
    case_write(case=case, actor=actor, comment="Eerst.")
    case.summary = "Dan."
    with pytest.raises(CaseChangedMeanwhile):
        case_write(case=case, actor=actor, comment="Dan.", opened_at=opened_at)
    case_write(case=case, actor=actor, comment="Dan.")
    assert Case.objects.get(pk=case.pk).summary == "Dan."


@pytest.mark.parametrize("opened", ["", "gisteren", "2026-12-05T10:00:00"])
def test_a_time_that_is_not_one_is_not_checked(framework, two, opened):
    an, _bo = two
    case = make_case(slug="buurtkeuken", summary="Zoals het was.")
    url, form = opened_form(an, case)
    form |= {"geopend_op": opened, "summary": "Anders."}
    assert an.post(url, form).status_code == 302
    assert Case.objects.get(pk=case.pk).summary == "Anders."


@pytest.mark.django_db(transaction=True)
def test_two_forms_saved_at_the_same_moment_keep_one_and_refuse_the_other(live_server):
    ensure_framework()
    case = make_case(slug="buurtkeuken", summary="Zoals het was.")
    clients = [logged_in(researcher("an", "An")), logged_in(researcher("bo", "Bo"))]
    url = reverse("admin:cases_case_change", args=[case.pk])
    names = ["An", "Bo"]
    for round_ in range(3):
        forms = [form_values(client.get(url), "case_form") for client in clients]

        def save(n, forms=forms, round_=round_):
            session = clients[n].cookies[settings.SESSION_COOKIE_NAME].value
            data = forms[n] | {"summary": f"{names[n]}'s samenvatting, ronde {round_}."}
            return http_post(
                live_server, url, data, cookies={settings.SESSION_COOKIE_NAME: session}
            )

        statuses = all_at_once(2, save)
        assert Counter(statuses) == {302: 1, 200: 1}, round_
        saved = names[statuses.index(302)]
        assert Case.objects.get(pk=case.pk).summary == f"{saved}'s samenvatting, ronde {round_}."


def coding_row(form: dict, source_key: str) -> str:
    pk = str(Source.objects.get(key=source_key).pk)
    return next(
        key.removesuffix("-source")
        for key, value in form.items()
        if key.startswith("source_codings-") and key.endswith("-source") and value == pk
    )


def test_a_row_a_colleague_deleted_comes_back_as_this_forms_version(framework, two):
    """An deletes the coding of "Strijd" of a draft; Bo, who opened it before and rewrote that
    coding's rationale, is refused, sees the row still, and saves it back on purpose."""
    an, bo = two
    case = make_case(slug="buurtkeuken", status=Case.Status.DRAFT)
    url, an_form = opened_form(an, case)
    _url, bo_form = opened_form(bo, case)
    row = coding_row(an_form, "strijd")
    assert an.post(url, an_form | {f"{row}-DELETE": "on"}).status_code == 302
    assert not case.source_codings.filter(source__key="strijd").exists()

    bo_row = coding_row(bo_form, "strijd")
    response = bo.post(url, bo_form | {f"{bo_row}-rationale": "Bo's motivering."})
    assert response.status_code == 200
    [message] = errors(response)
    assert message.startswith("An Onderzoeker bewaarde deze praktijk om ")
    again = form_values(response, "case_form")
    # (A browser drops the newline after <textarea>: the helper keeps it.)
    assert again[coding_row(again, "strijd") + "-rationale"].strip() == "Bo's motivering."
    response = bo.post(url, again)
    assert response.status_code == 302, errors(response)
    assert case.source_codings.get(source__key="strijd").rationale == "Bo's motivering."


def test_a_row_both_deleted_stays_deleted(framework, two):
    an, bo = two
    case = make_case(slug="buurtkeuken", status=Case.Status.DRAFT)
    url, an_form = opened_form(an, case)
    _url, bo_form = opened_form(bo, case)
    assert (
        an.post(url, an_form | {coding_row(an_form, "strijd") + "-DELETE": "on"}).status_code == 302
    )
    bo_form[coding_row(bo_form, "strijd") + "-DELETE"] = "on"
    again = form_values(bo.post(url, bo_form), "case_form")
    assert bo.post(url, again).status_code == 302
    assert not case.source_codings.filter(source__key="strijd").exists()


@pytest.mark.parametrize(
    "tampered",
    [
        {"source_codings-0-id": "abc"},
        {"source_codings-INITIAL_FORMS": "x"},
        {"source_codings-TOTAL_FORMS": ""},
        {"source_codings-0-id": "999999"},
        {"source_codings-INITIAL_FORMS": "1000000", "source_codings-TOTAL_FORMS": "1000000"},
        {"source_codings-0-id": " 05"},
        {"source_codings-0-id": "999999", "source_codings-²-x": "1"},
        {"source_codings-0-id": "999999", "source_codings-0-source": "²"},
    ],
)
def test_rows_posted_out_of_shape_are_never_a_500(framework, two, tampered):
    an, _bo = two
    case = make_case(slug="buurtkeuken", status=Case.Status.DRAFT)
    url, form = opened_form(an, case)
    assert an.post(url, form | tampered).status_code in (200, 302)


def test_with_sources_left_to_code_the_blank_rows_stay_untouched(framework, two):
    """The rows offered for uncoded sources are paired with what they offered, not with what
    the database lacks by the time of the save: An deleting a coding no longer makes an
    untouched blank row of Bo's read as changed (and refused)."""
    an, bo = two
    case = make_case(slug="buurtkeuken", status=Case.Status.DRAFT)
    SourceCoding.objects.filter(
        case=case, source__key__in=["ontmoeting", "normen-en-waarden"]
    ).delete()
    url, bo_form = opened_form(bo, case)
    _url, an_form = opened_form(an, case)
    assert (
        an.post(url, an_form | {coding_row(an_form, "strijd") + "-DELETE": "on"}).status_code == 302
    )

    response = bo.post(url, bo_form | {"summary": "Bo's samenvatting."})
    assert [message[:35] for message in errors(response)] == ["An Onderzoeker bewaarde deze prakti"]
    assert bo.post(url, form_values(response, "case_form")).status_code == 302
    assert sorted(case.source_codings.values_list("source__key", flat=True)) == [
        "strijd",
        "wederzijdse-afhankelijkheid",
    ]


def test_a_source_a_colleague_coded_meanwhile_stays_coded(framework, two):
    an, bo = two
    case = make_case(slug="buurtkeuken", status=Case.Status.DRAFT)
    SourceCoding.objects.filter(case=case, source__key="ontmoeting").delete()
    url, bo_form = opened_form(bo, case)
    _url, an_form = opened_form(an, case)
    row = coding_row(an_form, "ontmoeting")
    an_form |= {
        f"{row}-strength": "2",
        f"{row}-grounds": "interpretatie",
        f"{row}-rationale": "An.",
    }
    assert an.post(url, an_form).status_code == 302

    response = bo.post(url, bo_form | {"summary": "Bo's samenvatting."})
    assert [message[:35] for message in errors(response)] == ["An Onderzoeker bewaarde deze prakti"]
    assert bo.post(url, form_values(response, "case_form")).status_code == 302
    assert case.source_codings.get(source__key="ontmoeting").rationale == "An."
    assert Case.objects.get(pk=case.pk).summary == "Bo's samenvatting."


def test_evidence_a_restore_wrote_anew_is_not_doubled_by_an_old_form(framework, two):
    """A restore writes the evidence rows anew, under new ids; Bo's form, opened before,
    finds them again by their coding and passage instead of adding each a second time."""
    an, bo = two
    case = make_case(
        slug="buurtkeuken",
        status=Case.Status.DRAFT,
        practice="Buren koken samen. Iedereen is welkom aan tafel.",
    )
    cite(case, "ontmoeting", "Buren koken samen")
    url, an_form = opened_form(an, case)
    assert an.post(url, an_form | {"summary": "Eerste versie."}).status_code == 302
    _url, an_form = opened_form(an, case)
    assert an.post(url, an_form | {"summary": "Tweede versie."}).status_code == 302
    _url, bo_form = opened_form(bo, case)
    first = Version.objects.get_for_object(case).order_by("pk").first()
    before = list(case.evidence.values_list("pk", flat=True))
    restore = reverse("admin:cases_case_restore", args=[case.pk, first.pk])
    assert an.post(restore).status_code == 302
    assert list(case.evidence.values_list("pk", flat=True)) != before  # written anew

    response = bo.post(url, bo_form | {"summary": "Bo's samenvatting."})
    assert [message[:35] for message in errors(response)] == ["An Onderzoeker bewaarde deze prakti"]
    assert bo.post(url, form_values(response, "case_form")).status_code == 302
    assert list(case.evidence.values_list("quote_exact", flat=True)) == ["Buren koken samen"]


def test_the_time_said_is_the_colleagues_not_ones_own_later_step(framework, two):
    an, bo = two
    case = make_case(slug="buurtkeuken", summary="Zoals het was.")
    url, bo_form = opened_form(bo, case)
    _url, an_form = opened_form(an, case)
    assert an.post(url, an_form | {"summary": "An's samenvatting."}).status_code == 302
    ans = timezone.now() - timedelta(hours=1)  # An saved an hour ago, Bo opened before that
    Case.objects.filter(pk=case.pk).update(updated_at=ans)
    Revision.objects.update(date_created=ans)
    bo_form["geopend_op"] = (ans - timedelta(hours=1)).isoformat()
    changelist = reverse("admin:cases_case_changelist")
    bo.post(changelist, {"action": "unpublish", "_selected_action": [case.pk]})  # Bo, now
    [message] = errors(bo.post(url, bo_form | {"summary": "Bo's samenvatting."}))
    # An's time, not Bo's step an hour later ("om 14:03:09" today; with the date before it
    # when an hour ago was yesterday in Brussels, as between midnight and one).
    said = message.split(", nadat u ze opende.")[0]
    assert said.startswith("An Onderzoeker bewaarde deze praktijk ")
    assert timezone.localtime(ans).strftime("%H:%M") in said
    assert timezone.localtime().strftime("%H:%M") not in said


def test_a_write_that_names_nobody_is_not_hidden_behind_ones_own(framework, two):
    """Bo saved from another tab; then a command wrote the case: Bo's first tab is told that
    someone saved it, not only that Bo did."""
    _an, bo = two
    case = make_case(slug="buurtkeuken", summary="Zoals het was.")
    url, first_tab = opened_form(bo, case)
    _url, second_tab = opened_form(bo, case)
    assert bo.post(url, second_tab | {"summary": "Uit het tweede tabblad."}).status_code == 302
    stored = Case.objects.get(pk=case.pk)
    stored.summary = "Door een opdracht."
    case_write(case=stored, actor=None, comment="Door een opdracht.")
    [message] = errors(bo.post(url, first_tab | {"summary": "Uit het eerste tabblad."}))
    assert message.startswith("Iemand bewaarde deze praktijk om ")


@pytest.mark.parametrize("chosen", ["", "abc", "²"])
def test_an_offered_row_emptied_or_odd_is_never_a_500(framework, two, chosen):
    """The select of an offered row set to its empty option (or posted odd) is no coding."""
    an, _bo = two
    case = make_case(slug="buurtkeuken", status=Case.Status.DRAFT)
    SourceCoding.objects.filter(case=case, source__key="ontmoeting").delete()
    url, form = opened_form(an, case)
    response = an.post(url, form | {coding_row(form, "ontmoeting") + "-source": chosen})
    assert response.status_code in (200, 302)
    assert not case.source_codings.filter(source__key="ontmoeting").exists()
