"""Two researchers with the same case open: the second save does not write over the first's
changes unseen. It is refused, says who saved when, keeps everything typed, and a second save
after a look keeps the second version. Also when both are saved at the same moment."""

from collections import Counter

import pytest
from django.conf import settings
from django.urls import reverse

from cases.models import Case
from cases.roles import RESEARCHERS_GROUP
from cases.services import CaseChangedMeanwhile, case_write
from tests.annotations.test_limits import all_at_once, http_post
from tests.conftest import logged_in
from tests.factories import ensure_framework, make_case, make_user
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
