"""The editorial journey in real Chromium, through the admin as staff use it: an editor corrects a
live record, submits it with a comment; a publisher finds it on the dashboard, compares, returns
it; the editor fixes it; the publisher publishes; the public page shows the change. A publisher
schedules a go-live in the admin and `publish_scheduled` (as cron runs it) takes it. The new admin
pages meet WCAG 2.1 AA (axe) in English and French."""

from datetime import timedelta

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.utils import timezone

from relations.models import Event, PublicationStatus

from ..factories import CitationFactory, EventFactory
from .test_accessibility import WCAG_TAGS, describe

axe = Axe()
PASSWORD = "a long test password"


@pytest.fixture
def people(transactional_db):
    call_command("setup_roles", verbosity=0)
    for name, role in [("editor", "Editor"), ("publisher", "Publisher")]:
        user = User.objects.create_user(name, password=PASSWORD, is_staff=True)
        user.groups.add(Group.objects.get(name=role))


def sign_in(browser, server, name, locale="en-CA"):
    context = browser.new_context(locale=locale, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{server.url}/admin/login/")
    page.fill("#id_username", name)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{server.url}/admin/")
    return page


def assert_accessible(page, context=None):
    """No WCAG 2.1 A/AA violation on the page, or in the part of it `context` selects."""
    results = axe.run(page, context=context, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    assert not violations, f"{page.url}\n{describe(violations)}"


def flash(page):
    return page.locator(".messagelist").inner_text()


def test_an_editors_correction_goes_live_only_once_a_publisher_approves_it(browser, server, people):
    event = EventFactory(title="ASEAN-Canada Dialogue", summary="The dialogue met in Makati.")
    CitationFactory(event=event, quote="The Dialogue met in Makati City.")
    public = f"{server.url}{event.get_absolute_url()}"
    change = f"{server.url}/admin/relations/event/{event.pk}/change/"

    editor = sign_in(browser, server, "editor")
    editor.goto(change)
    editor.fill("#id_summary_en", "The dialogue met in Makati City, Manila.")
    editor.click("input[name=_save] >> nth=0")
    assert "Saved as draft changes." in flash(editor)
    assert "Draft changes by editor" in editor.locator(".editorial-panel").inner_text()
    editor.fill("#submit-comment", "City name corrected from the source.")
    editor.click("text=Submit for review")
    assert "Submitted for review." in flash(editor)
    anonymous = browser.new_page()
    anonymous.goto(public)
    assert "The dialogue met in Makati." in anonymous.content()

    publisher = sign_in(browser, server, "publisher")
    awaiting = publisher.locator("#dashboard-review")
    assert "(1)" in awaiting.locator("h3").inner_text()
    assert_accessible(publisher)
    awaiting.locator("a", has_text="ASEAN-Canada Dialogue").click()
    assert "City name corrected from the source." in publisher.locator(".editorial-notes").inner_text()
    # The change form's new part; Django's own autocomplete widgets lack a label for their search box.
    assert_accessible(publisher, ".editorial-panel")
    publisher.click("text=Compare the draft with the live version")
    row = publisher.locator(".draft-diff tbody tr", has_text="Summary (English)")
    assert "Makati City, Manila" in row.locator("ins").inner_text()
    assert_accessible(publisher)
    publisher.go_back()
    publisher.fill("#return-comment", "Manila is wrong: Makati City is its own city.")
    publisher.click("text=Return for changes")
    assert "Returned to its editors for changes." in flash(publisher)

    editor.goto(change)
    assert "Manila is wrong" in editor.locator(".editorial-notes").inner_text()
    editor.fill("#id_summary_en", "The dialogue met in Makati City.")
    editor.click("input[name=_save] >> nth=0")
    editor.click("text=Submit for review")

    publisher.goto(change)
    publisher.click("text=Preview the draft as the public page")
    assert "The dialogue met in Makati City." in publisher.locator("main").inner_text()
    publisher.go_back()
    publisher.click("text=Publish the draft changes")
    assert "Published: the public page now shows the changes." in flash(publisher)
    anonymous.goto(public)
    assert "The dialogue met in Makati City." in anonymous.locator("main").inner_text()


def test_the_new_admin_pages_meet_wcag_in_french(browser, server, people):
    event = EventFactory(title="Dialogue", summary="Live.")
    first = event.history.get()
    CitationFactory(event=event, quote="Cited.")
    event.save()  # a second version, for the History page's comparison form
    second = event.history.first()
    editor = sign_in(browser, server, "editor", locale="fr-CA")
    editor.goto(f"{server.url}/admin/relations/event/{event.pk}/change/")
    editor.fill("#id_summary_en", "Draft.")
    editor.click("input[name=_save] >> nth=0")
    assert editor.locator("html").get_attribute("lang") == "fr"
    assert "Modifications provisoires" in editor.locator(".editorial-panel").inner_text()
    assert_accessible(editor, ".editorial-panel")
    editor.goto(f"{server.url}/admin/relations/event/{event.pk}/draft/compare/")
    assert_accessible(editor)
    editor.goto(f"{server.url}/admin/")
    assert_accessible(editor)
    editor.goto(f"{server.url}/admin/relations/event/{event.pk}/history/")
    assert editor.locator(".versions-compare-form").count() == 1
    # Its new parts (simple-history's own intro paragraph is not ours).
    assert_accessible(editor, ".versions-compare-form, .editorial-history")
    editor.goto(f"{server.url}/admin/relations/event/{event.pk}/history/compare/?a={first.pk}&b={second.pk}")
    assert "Citation\u00a0:" in editor.locator(".draft-diff").inner_text()
    assert_accessible(editor)


def test_a_go_live_scheduled_in_the_admin_is_taken_by_the_command(browser, server, people):
    event = EventFactory(title="Ministerial Meeting", publication_status=PublicationStatus.REVIEW)
    public = f"{server.url}{event.get_absolute_url()}"
    publisher = sign_in(browser, server, "publisher")
    publisher.goto(f"{server.url}/admin/relations/event/{event.pk}/change/")
    # A minute ago, in the site's time zone as the field is read: due when the command next runs.
    due = timezone.localtime(timezone.now() - timedelta(minutes=1))
    publisher.fill("#publish-at", due.strftime("%Y-%m-%dT%H:%M"))
    publisher.click("text=Save the schedule")
    assert "Schedule saved." in flash(publisher)
    assert "Scheduled to be published on" in publisher.locator(".editorial-scheduled").inner_text()
    anonymous = browser.new_page()
    assert anonymous.goto(public).status == 404  # scheduling alone publishes nothing

    call_command("publish_scheduled", verbosity=0)

    assert Event.objects.get(pk=event.pk).publication_status == PublicationStatus.PUBLISHED
    assert anonymous.goto(public).status == 200
    assert "Ministerial Meeting" in anonymous.locator("main").inner_text()
    publisher.goto(f"{server.url}/admin/relations/event/{event.pk}/history/")
    assert "Scheduled step taken" in publisher.locator("#change-history").inner_text()
    older, newer = event.history.last(), event.history.first()
    publisher.goto(f"{server.url}/admin/relations/event/{event.pk}/history/compare/?a={older.pk}&b={newer.pk}")
    assert "Publication status" in publisher.locator(".draft-diff").inner_text()
    assert_accessible(publisher)
