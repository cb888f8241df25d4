"""axe-core finds no WCAG 2.1 A/AA violation on the public pages."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Browser, Page

from annotations import workshop_sessions as sessions
from annotations.models import Annotation, Follow, Notification, Reading
from annotations.notification_services import unsubscribe_token
from annotations.roles import REVIEWERS_GROUP
from cases.models import Case
from cases.roles import RESEARCHERS_GROUP
from tests.browser.conftest import WCAG_AA, axe_clean
from tests.factories import make_annotation, make_member, make_reading, make_reply, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/kader/",
    "/kader/ontmoeting/",
    "/bronnen/ontmoeting/",
    "/spanningsvelden/consensus-conflict/",
    "/praktijken/",
    "/praktijken/?domein=wonen&bron-ontmoeting=2",
    # The map of places and its text alternative; "houdt beide polen vast" as a filter.
    "/kaart/",
    "/kaart/?consensus-conflict-beide=ja",
    "/praktijken/torekes/",
    "/praktijken/bestaat-niet/",
    "/kader/wederzijdse-afhankelijkheid/",
    "/organisaties/",
    "/account/aanmelden/",
    "/account/wachtwoord-vergeten/",
    "/zoeken/?q=ontmoeting",
    "/zoeken/?q=ontmoetng",
    "/praktijken/?q=buurt&bron-ontmoeting=1&consensus-conflict-tot=0",
    "/vergelijken/?praktijk=torekes&praktijk=mater-dei&praktijk=chiro-brussel",
    "/vergelijken/?praktijk=torekes&praktijk=mater-dei&praktijk=chiro-brussel&praktijk=spring-global-mail",
    "/overzicht/",
    "/literatuur/",
    "/literatuur/werk/?stem=denker&werk=Durkheim+%281984%29",
    "/data/",
    # How coding is done and the reliability table (double coding).
    "/methode/",
    # Every pilot's profile (the grounds of each coding, its evidence), and pages restricted to text evidence.
    "/praktijken/mater-dei/",
    "/praktijken/chiro-brussel/",
    "/praktijken/spring-global-mail/",
    "/overzicht/?grond=tekstbewijs",
    "/spanningsvelden/consensus-conflict/?grond=tekstbewijs",
    "/bronnen/ontmoeting/?grond=tekstbewijs",
    "/praktijken/?grond=tekstbewijs&bron-ontmoeting=2",
    # Waar staat uw praktijk?: the empty form, a result, bad input; joining a workshop.
    "/uw-praktijk/",
    "/uw-praktijk/?bron-ontmoeting=1&gewenst-bron-ontmoeting=3&consensus-conflict=beide"
    "&gewenst-consensus-conflict=2&notitie-bron-ontmoeting=Buurt",
    "/uw-praktijk/?bron-ontmoeting=9&gewenst-bron-strijd=2",
    "/werkvorm/",
    "/werkvorm/?code=zz",
    "/werkvorm/ABCDEF/",
    # An unsubscribe link that was altered: a page that says so.
    "/meldingen/uitschrijven/niet-geldig/",
]


@pytest.fixture
def seeded(transactional_db):
    call_command("seed", verbosity=0)


@pytest.mark.parametrize("path", PAGES)
def test_public_page_has_no_wcag_violations(live_server, page: Page, seeded, path):
    page.goto(live_server.url + path)
    results = Axe().run(page, options=WCAG_AA)
    violations = results.response["violations"]
    assert violations == [], "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
    )


# Pages whose phone layout differs from the laptop's (other elements shown), checked at 390 px.
PHONE_PAGES = [
    "/",
    "/praktijken/?bron-strijd=1&consensus-conflict-van=1",
    "/spanningsvelden/consensus-conflict/",
    "/vergelijken/?praktijk=torekes&praktijk=mater-dei&praktijk=chiro-brussel&praktijk=spring-global-mail",
    "/overzicht/",
    "/praktijken/torekes/",
    "/spanningsvelden/consensus-conflict/?grond=tekstbewijs",
    "/methode/",
]


def test_phone_layouts_have_no_wcag_violations(live_server, browser: Browser, seeded):
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    for path in PHONE_PAGES:
        page.goto(live_server.url + path)
        axe_clean(page)
    context.close()


def test_member_and_reviewer_pages_have_no_wcag_violations(live_server, page: Page, seeded):

    member = make_member(username="lid", password="een-lang-wachtwoord-7")
    make_user("moderator", password="een-lang-wachtwoord-7", groups=(REVIEWERS_GROUP,))
    pending = make_annotation(author=member, status="pending", body="Wacht nog")
    online = make_annotation(author=member, status="approved", body="Staat online")
    # Notifications (one unread in the header, one a decision) and a follow.
    other = make_member(username="ander")
    Notification.objects.create(
        recipient=member, annotation=make_annotation(author=other), kind="note", reason="section"
    )
    event = online.events.create(action="approve", old_status="pending", new_status="approved")
    Notification.objects.create(
        recipient=member, annotation=online, kind="decision", reason="author", event=event
    )
    Follow.objects.create(user=member, case=Case.objects.get(slug="torekes"))
    # The note's own page with a thread: a public reply and the member's pending one.
    first = make_reply(online, author=member, body="Een antwoord")
    make_reply(online, reply_to=first, author=member, status="pending", body="Nog een")
    assert Annotation.objects.count() > 2
    closed = sessions.open_workshop(user=member)
    sessions.close_workshop(workshop=closed)
    open_one = sessions.open_workshop(user=member, title="Buurthuis")

    for username, paths in {
        "lid": [
            f"/werkvorm/{closed.code}/",
            f"/werkvorm/{open_one.code}/",
            f"/werkvorm/{open_one.code}/scherm/",
            f"/werkvorm/{closed.code}/scherm/",
            "/werkvorm/sessies/",
            "/werkvorm/nieuw/",
            "/uw-praktijk/bewaard/",
            "/uw-praktijk/?bron-ontmoeting=1&gewenst-bron-ontmoeting=3",
            "/kader/ontmoeting/",
            "/kanttekeningen/nieuw/?doel=section:ontmoeting",
            "/kanttekeningen/mijn/",
            f"/kanttekeningen/{pending.pk}/bewerken/",
            "/praktijken/torekes/",
            "/account/instellingen/",
            "/meldingen/",
            f"/meldingen/uitschrijven/{unsubscribe_token(member)}/",
            f"/kanttekeningen/{online.pk}/",
            f"/kanttekeningen/{online.pk}/?op={first.pk}",
        ],
        "moderator": ["/moderatie/", "/moderatie/?lijst=gemeld"],
    }.items():
        page.context.clear_cookies()
        page.goto(live_server.url + "/account/aanmelden/")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord-7")
        page.get_by_role("button", name="Aanmelden").click()
        for path in paths:
            page.goto(live_server.url + path)
            axe_clean(page)
        # The account menu, open.
        page.locator("summary.account__toggle").click()
        axe_clean(page)


def test_reading_pages_have_no_wcag_violations(live_server, page: Page, seeded):
    """Proposing a reading (and its errors), the readings beside a coding opened, the queue and the researchers' page."""
    member = make_member(username="lid", password="een-lang-wachtwoord-7")
    make_user("moderator", password="een-lang-wachtwoord-7", groups=(REVIEWERS_GROUP,))
    make_user(
        "onderzoeker",
        password="een-lang-wachtwoord-7",
        groups=(RESEARCHERS_GROUP,),
        is_staff=True,
    )
    case = Case.objects.get(slug="torekes")
    approved = make_reading(
        case, source="ontmoeting", value={"undetermined": True}, author=member, passage=None
    )
    Reading.objects.filter(annotation=approved).update(
        answer="Dank u.", answer_html="<p>Dank u.</p>", answered_at=timezone.now()
    )
    pending = make_reading(
        case, tension_field="consensus-conflict", author=member, status="pending"
    )

    def log_in_as(username):
        page.context.clear_cookies()
        page.goto(live_server.url + "/account/aanmelden/")
        page.get_by_label("Gebruikersnaam").fill(username)
        page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord-7")
        page.get_by_role("button", name="Aanmelden").click()

    log_in_as("lid")
    page.goto(live_server.url + "/praktijken/torekes/lezing/consensus-conflict/")
    axe_clean(page)
    page.get_by_role("button", name="Indienen voor moderatie").click()  # nothing chosen: errors
    axe_clean(page)
    page.goto(live_server.url + "/praktijken/torekes/")
    page.locator("#codering-ontmoeting details.readings summary").click()
    axe_clean(page)
    page.goto(live_server.url + f"/lezingen/{pending.pk}/bewerken/")
    axe_clean(page)

    log_in_as("moderator")
    page.goto(live_server.url + "/moderatie/")
    axe_clean(page)

    log_in_as("onderzoeker")
    page.goto(live_server.url + f"/lezingen/{approved.pk}/antwoorden/")
    axe_clean(page)
