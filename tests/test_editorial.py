"""Editorial work through the admin's own forms, as a browser posts them: working copies of public
records, publishing and discarding them, moderation with comments, no lost update, restore."""

import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from django.utils.translation import override as translation_override

from relations import workflow
from relations.models import EditorialNote, Event, Mission, Pillar, Revision
from relations.workflow import PublicationStatus

from .factories import (
    CitationFactory,
    EventFactory,
    HeadOfMissionFactory,
    MissionFactory,
    OrganisationFactory,
    PillarFactory,
)

DRAFT, REVIEW, PUBLISHED, ARCHIVED = PublicationStatus


class FormReader(HTMLParser):
    """The fields of one form on a page, with the values a browser would post unchanged."""

    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select = self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "file"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if attrs.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.fields.append((self._select, attrs.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the newline that follows <textarea>.
            name, value = self._textarea
            self.fields.append((name, value[1:] if value.startswith("\n") else value))
            self._textarea = None


def change_form(client, record):
    """The record's change form as the admin serves it: (url, {name: [values]})."""
    url = admin_url(record, "change", record.pk)
    response = client.get(url)
    assert response.status_code == 200
    reader = FormReader(f"{record._meta.model_name}_form")
    reader.feed(response.content.decode())
    data = {}
    for name, value in reader.fields:
        data.setdefault(name, []).append(value)
    return url, data


def post(client, url, data, **changes):
    data = {**data, **{name: [value] if isinstance(value, str) else value for name, value in changes.items()}}
    data["_save"] = ["Save"]
    return client.post(url, data)


def admin_url(record_or_model, view, *args):
    return reverse(f"admin:relations_{record_or_model._meta.model_name}_{view}", args=args)


def step_url(record, step):
    return reverse(
        f"admin:relations_{record._meta.model_name}_draft_step", kwargs={"object_id": record.pk, "step": step}
    )


@pytest.fixture
def roles(db):
    call_command("setup_roles", verbosity=0)


def user_with(role, name=None):
    user = User.objects.create_user(name or role.lower(), is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def editor(roles, client):
    user = user_with("Editor")
    client.force_login(user)
    return user


@pytest.fixture
def publisher(roles):
    return user_with("Publisher")


def public_page(client, record):
    client.logout()
    page = client.get(record.get_absolute_url())
    return page.status_code, page.content.decode()


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []


@pytest.mark.django_db
def test_an_editors_correction_of_a_published_record_is_a_draft_until_published(client, editor, publisher):
    event = EventFactory(title="Dialogue in Makati", summary="The old summary.")
    citation = CitationFactory(event=event, quote="The old quote.")
    pillar = PillarFactory()
    status, before = public_page(client, event)
    assert status == 200
    client.force_login(editor)

    url, data = change_form(client, event)
    response = post(
        client,
        url,
        data,
        summary_en="The corrected summary.",
        **{"citations-0-quote": "The corrected quote.", "pillars": [str(pillar.pk)]},
    )
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    assert response.url == url
    assert messages_of(client.get(url)) == [
        "Saved as draft changes. The public page is unchanged until a publisher publishes them."
    ]
    event.refresh_from_db()
    citation.refresh_from_db()
    # Nothing public changed: the record, its citation, its links and its page are as they were.
    assert (event.summary_en, event.publication_status, citation.quote) == (
        "The old summary.",
        PUBLISHED,
        "The old quote.",
    )
    assert list(event.pillars.all()) == []
    status, after = public_page(client, event)
    assert (status, after) == (200, before)

    # The editor sees the draft in the form, with who made it and a preview.
    client.force_login(editor)
    html = client.get(url).content.decode()
    assert "Draft changes by editor" in html and "Live" in html
    _, shown = change_form(client, event)
    assert shown["summary_en"] == ["The corrected summary."]
    assert shown["citations-0-quote"] == ["The corrected quote."]
    assert shown["pillars"] == [str(pillar.pk)]
    preview = client.get(reverse("admin:relations_event_draft_preview", kwargs={"object_id": event.pk}))
    assert preview.status_code == 200
    assert "The corrected summary." in preview.content.decode() and "The corrected quote." in preview.content.decode()
    event.refresh_from_db()
    assert event.summary_en == "The old summary."  # the preview wrote nothing

    # An editor may not publish it; a publisher does, and the public page shows it.
    client.post(step_url(event, "publish"))
    assert Revision.objects.of(event).exists()
    client.force_login(publisher)
    compare = client.get(reverse("admin:relations_event_draft_compare", kwargs={"object_id": event.pk}))
    rows = {label: (live, draft) for label, live, draft in compare.context["rows"]}
    assert rows == {
        "Summary (English)": ("The old summary.", "The corrected summary."),
        "Citation 1: Quote": ("The old quote.", "The corrected quote."),
        "Pillars": ("", str(pillar)),
    }
    response = client.post(step_url(event, "publish"), follow=True)
    assert "Published: the public page now shows the changes." in messages_of(response)
    event.refresh_from_db()
    citation.refresh_from_db()
    assert (event.summary_en, event.publication_status, citation.quote) == (
        "The corrected summary.",
        PUBLISHED,
        "The corrected quote.",
    )
    assert list(event.pillars.all()) == [pillar]
    assert not Revision.objects.of(event).exists()
    status, after = public_page(client, event)
    assert status == 200 and "The corrected summary." in after


@pytest.mark.django_db
def test_a_mission_draft_keeps_its_heads_of_mission_apart(client, editor, publisher):
    mission = mission_with_a_head()
    url, data = change_form(client, mission)
    assert post(client, url, data, **{"heads-0-name": "A. New Name"}).status_code == 302
    assert list(mission.heads.values_list("name", flat=True)) == ["Head one"]
    client.force_login(publisher)
    client.post(step_url(mission, "publish"))
    assert list(mission.heads.values_list("name", flat=True)) == ["A. New Name"]


def mission_with_a_head():
    head = HeadOfMissionFactory(name="Head one")
    return Mission.objects.get(pk=head.mission_id)


@pytest.mark.django_db
def test_discarding_drops_the_draft_and_keeps_the_live_version(client, editor):
    event = EventFactory(summary="Live.")
    url, data = change_form(client, event)
    post(client, url, data, summary_en="Draft.")
    response = client.post(step_url(event, "discard"), follow=True)
    assert "Draft changes discarded: the live version is unchanged." in messages_of(response)
    assert not Revision.objects.of(event).exists()
    event.refresh_from_db()
    assert event.summary_en == "Live."
    assert change_form(client, event)[1]["summary_en"] == ["Live."]


@pytest.mark.django_db
def test_publishing_still_needs_both_languages(client, editor, publisher):
    event = EventFactory()
    url, data = change_form(client, event)
    response = post(client, url, data, summary_fr="")
    assert response.status_code == 200  # the form says what is missing; nothing is kept
    assert "Publishing needs this text in English and in French" in response.content.decode()
    assert not Revision.objects.of(event).exists()


@pytest.mark.django_db
def test_moderation_submit_with_a_comment_return_and_publish(client, editor, publisher):
    event = EventFactory(summary="Live.")
    url, data = change_form(client, event)
    post(client, url, data, summary_en="Fixed a typo.")
    response = client.post(step_url(event, "submit"), {"comment": "Please check the date."}, follow=True)
    assert "Submitted for review." in messages_of(response)
    assert Revision.objects.awaiting_review().filter(object_id=event.pk).exists()

    # An editor may not return it; a publisher returns it with a comment.
    client.post(step_url(event, "return"), {"comment": "No."})
    assert Revision.objects.awaiting_review().filter(object_id=event.pk).exists()
    client.force_login(publisher)
    response = client.post(step_url(event, "return"), {"comment": "The summary needs a source."}, follow=True)
    assert "Returned to its editors for changes." in messages_of(response)
    assert not Revision.objects.awaiting_review().filter(object_id=event.pk).exists()
    notes = [(note.action, note.comment, note.user) for note in EditorialNote.objects.of(event)]
    assert notes[:2] == [
        ("returned", "The summary needs a source.", publisher),
        ("submitted", "Please check the date.", editor),
    ]
    page = client.get(url).content.decode()
    assert "The summary needs a source." in page and "Please check the date." in page


@pytest.mark.django_db
def test_a_draft_record_is_submitted_for_review_with_its_comment(client, editor):
    event = EventFactory(publication_status=DRAFT)
    response = client.post(step_url(event, "submit"), {"comment": "Ready."}, follow=True)
    assert "Submitted for review." in messages_of(response)
    event.refresh_from_db()
    assert event.publication_status == REVIEW
    assert EditorialNote.objects.of(event).get().comment == "Ready."


# --- no lost update -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_stale_save_is_refused_the_newer_kept_and_the_input_kept(client, roles):
    first, second = user_with("Publisher", "first"), user_with("Publisher", "second")
    event = EventFactory(publication_status=DRAFT, title="Title", summary="Original.")
    client.force_login(first)
    url, first_form = change_form(client, event)
    client.force_login(second)
    _, second_form = change_form(client, event)
    assert post(client, url, second_form, summary_en="Second's summary.").status_code == 302

    client.force_login(first)
    response = post(client, url, first_form, title_en="First's title")
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["adminform"].form.non_field_errors() == [
        "Not saved: second saved this record after you opened it. Changed meanwhile: Summary (English). Your "
        "input is still in the form below: check it against the newer version (open the record in another "
        "tab), then save again to replace it."
    ]
    event.refresh_from_db()
    assert (event.title_en, event.summary_en) == ("Title", "Second's summary.")
    # The first user's input is still in the form, and saving again (deliberately) replaces the newer.
    reader = FormReader("event_form")
    reader.feed(html)
    again = {}
    for name, value in reader.fields:
        again.setdefault(name, []).append(value)
    assert again["title_en"] == ["First's title"]
    assert post(client, url, again).status_code == 302
    event.refresh_from_db()
    assert event.title_en == "First's title"


@pytest.mark.django_db
def test_a_stale_save_of_a_working_copy_is_refused(client, roles):
    first, second = user_with("Editor", "first"), user_with("Editor", "second")
    event = EventFactory(summary="Live.")
    client.force_login(first)
    url, first_form = change_form(client, event)
    client.force_login(second)
    _, second_form = change_form(client, event)
    assert post(client, url, second_form, summary_en="Second's draft.").status_code == 302
    client.force_login(first)
    response = post(client, url, first_form, summary_en="First's draft.")
    assert response.status_code == 200
    assert "Not saved: second saved this record after you opened it." in response.content.decode()
    assert Revision.objects.of(event).get().data["summary_en"] == ["Second's draft."]


@pytest.mark.django_db
def test_a_forged_version_is_refused_not_a_500(client, editor):
    event = EventFactory(publication_status=DRAFT)
    url, data = change_form(client, event)
    assert post(client, url, data, based_on="not-a-version").status_code == 200


# --- restore ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_restore_makes_a_draft_and_never_changes_the_live_status(client, roles):
    publisher = user_with("Publisher")
    client.force_login(publisher)
    event = EventFactory(publication_status=REVIEW, summary="In review.")
    event.summary_en = "In review."
    event.save()
    in_review = event.history.first()
    workflow.transition(event, PUBLISHED, publisher)
    event.refresh_from_db()
    url, data = change_form(client, event)
    post(client, url, data, summary_en="Corrected.")
    client.post(step_url(event, "publish"))
    event.refresh_from_db()
    assert event.summary_en == "Corrected."

    history_url = reverse("admin:relations_event_simple_history", args=[event.pk, in_review.history_id])
    response = client.post(history_url, {"_save": "Restore"}, follow=True)
    assert any("restored as draft changes" in message for message in messages_of(response)), messages_of(response)
    event.refresh_from_db()
    assert (event.publication_status, event.summary_en) == (PUBLISHED, "Corrected.")
    status, page = public_page(client, event)
    assert status == 200 and "Corrected." in page
    revision = Revision.objects.of(event).get()
    assert revision.data["summary_en"] == ["In review."]
    assert revision.restored_from == in_review.history_date
    client.force_login(publisher)
    assert "restored from the version of" in client.get(url).content.decode()


@pytest.mark.django_db
def test_restoring_a_draft_keeps_its_status(client, roles):
    publisher = user_with("Publisher")
    client.force_login(publisher)
    event = EventFactory(publication_status=DRAFT, summary="First.")
    event.save()
    first = event.history.first()
    event.summary_en = "Second."
    event.publication_status = REVIEW
    event.save()
    history_url = reverse("admin:relations_event_simple_history", args=[event.pk, first.history_id])
    client.post(history_url, {"_save": "Restore"})
    event.refresh_from_db()
    assert (event.publication_status, event.summary_en) == (REVIEW, "First.")
    assert event.history.first().history_change_reason.startswith("Restored")


# --- the dashboard ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admins_first_page_lists_what_awaits_review_for_a_publisher(client, editor, publisher):
    in_review = EventFactory(publication_status=REVIEW, title="Waiting record")
    live = EventFactory(title="Live record")
    url, data = change_form(client, live)
    post(client, url, data, summary_en="Corrected.")
    client.post(step_url(live, "submit"), {"comment": ""})
    EventFactory(publication_status=DRAFT, summary_fr="", title="Untranslated")

    # The editor sees their drafts, not a review queue.
    html = client.get(reverse("admin:index")).content.decode()
    assert "Awaiting review" not in html
    assert 'My drafts <span class="dashboard-count">(1)</span>' in html and "Live record" in html

    client.force_login(publisher)
    html = client.get(reverse("admin:index")).content.decode()
    assert 'Awaiting review <span class="dashboard-count">(2)</span>' in html
    assert f'href="{admin_url(in_review, "change", in_review.pk)}">Waiting record</a>' in html
    assert f'href="{admin_url(live, "change", live.pk)}">Live record</a>' in html
    assert "draft changes by editor" in html
    assert 'Missing a translation <span class="dashboard-count">(1)</span>' in html
    assert reverse("admin:relations_event_changelist") + "?missing=fr" in html


def make_records(count, user):
    """`count` records in every status, each with a citation, the published ones with submitted draft
    changes; and a live event with `count` citations, pillars and organisations (links), and drafts
    changes; a live mission with `count` heads of mission. Returns the change forms' URLs."""
    for number in range(count):
        event = EventFactory(publication_status=[DRAFT, REVIEW, PUBLISHED][number % 3])
        CitationFactory(event=event)
        if event.is_public:
            revision = workflow.save_revision(event, {"summary_en": ["Draft."]}, user)
            revision.submitted_at = event.updated_at
            revision.save()
    event = EventFactory()
    CitationFactory.create_batch(count, event=event)
    event.pillars.set(PillarFactory.create_batch(count))
    event.organisations.set(OrganisationFactory.create_batch(count))
    mission = MissionFactory()
    HeadOfMissionFactory.create_batch(count, mission=mission)
    return [admin_url(event, "change", event.pk), admin_url(mission, "change", mission.pk)]


# The same bound at both sizes: a page whose queries grew with the records, citations, heads of
# mission or links would pass at 3 and fail at 30.
QUERY_BOUNDS = {"dashboard": 38, "event": 16, "event draft": 27, "mission": 13}


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_dashboard_and_change_form_queries_are_bounded_at_two_sizes(
    client, publisher, size, django_assert_max_num_queries
):
    client.force_login(publisher)
    event_url, mission_url = make_records(size, publisher)
    pages = {"dashboard": reverse("admin:index"), "event": event_url, "mission": mission_url}
    for name, page in pages.items():
        with django_assert_max_num_queries(QUERY_BOUNDS[name]):
            assert client.get(page).status_code == 200
    url, data = change_form(client, Event.objects.get(pk=event_url.split("/")[-3]))
    post(client, url, data, summary_en="Draft.")
    with django_assert_max_num_queries(QUERY_BOUNDS["event draft"]):
        response = client.get(event_url)
    assert "Draft." in response.content.decode()


# --- reference data -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_publishers_change_reference_data_and_it_has_history(client, editor, publisher):
    pillar = PillarFactory(name="Economic")
    url = admin_url(pillar, "change", pillar.pk)
    data = {"name_en": "Economic community", "name_fr": "Communauté économique", "slug": pillar.slug}
    assert client.post(url, data).status_code == 403
    assert client.post(admin_url(Pillar, "add"), {**data, "slug": "new"}).status_code == 403
    assert not workflow.may_change_reference(editor) and workflow.may_change_reference(publisher)
    client.force_login(publisher)
    assert client.post(url, data).status_code == 302
    pillar.refresh_from_db()
    assert pillar.name_en == "Economic community"
    latest = pillar.history.first()
    assert (latest.history_user, latest.name_en) == (publisher, "Economic community")
    assert client.get(admin_url(pillar, "history", pillar.pk)).status_code == 200


# --- scheduled publishing -----------------------------------------------------------------------


@pytest.mark.django_db
def test_scheduled_steps_are_taken_by_the_command_and_failures_reported(client, editor, publisher):
    import datetime
    from io import StringIO

    from django.core.management.base import CommandError
    from django.utils import timezone

    past = timezone.now() - datetime.timedelta(minutes=5)
    ready = EventFactory(publication_status=REVIEW, title="Ready")
    untranslated = EventFactory(publication_status=REVIEW, title="Untranslated", summary_fr="")
    expiring = EventFactory(title="Expiring")
    live = EventFactory(title="Live", summary="Old.")
    later = EventFactory(publication_status=REVIEW, title="Later")
    url, data = change_form(client, live)
    post(client, url, data, summary_en="New.")

    client.force_login(editor)  # an editor may not schedule
    client.post(step_url(ready, "schedule"), {"publish_at": "2020-01-01T10:00"})
    ready.refresh_from_db()
    assert ready.go_live_at is None
    client.force_login(publisher)
    response = client.post(step_url(ready, "schedule"), {"publish_at": "not a time"}, follow=True)
    assert messages_of(response)[-1] == "“not a time” is not a date and time."
    workflow.schedule(ready, publisher, publish_at=past)
    workflow.schedule(untranslated, publisher, publish_at=past)
    workflow.schedule(expiring, publisher, archive_at=past)
    workflow.schedule(later, publisher, publish_at=timezone.now() + datetime.timedelta(days=1))
    response = client.post(step_url(live, "schedule"), {"publish_at": "2020-01-01T10:00"}, follow=True)
    assert messages_of(response)[-1] == "Schedule saved."
    assert 'Scheduled <span class="dashboard-count">(5)</span>' in client.get(reverse("admin:index")).content.decode()

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="3 scheduled step"):
        call_command("publish_scheduled", "--dry-run", stdout=out, stderr=err)
    assert "would publish: event “Ready”" in out.getvalue()
    assert "FAILED publish: event “Untranslated”" in err.getvalue() and "summary (French)" in err.getvalue()
    ready.refresh_from_db()
    assert ready.publication_status == REVIEW  # the dry run wrote nothing

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=re.escape("3 scheduled step(s) taken, 1 failed")):
        call_command("publish_scheduled", stdout=out, stderr=err)
    for record in (ready, untranslated, expiring, live, later):
        record.refresh_from_db()
    assert (ready.publication_status, ready.go_live_at) == (PUBLISHED, None)
    assert ready.history.first().history_change_reason == workflow.SCHEDULED_REASON
    assert untranslated.publication_status == REVIEW and untranslated.go_live_at is not None
    assert expiring.publication_status == ARCHIVED
    assert live.summary_en == "New." and not Revision.objects.of(live).exists()
    assert later.publication_status == REVIEW
    # Once the failure is fixed, the next run succeeds.
    untranslated.summary_fr = "Traduit."
    untranslated.save()
    out = StringIO()
    call_command("publish_scheduled", stdout=out)
    assert "1 scheduled step(s) taken, 0 failed." in out.getvalue()


# --- history ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_history_shows_a_citation_edit_field_by_field_with_human_labels(client, roles):
    publisher = user_with("Publisher")
    client.force_login(publisher)
    event = EventFactory(publication_status=DRAFT)
    CitationFactory(event=event, quote="The old quote.", locator="Section 1")
    url, data = change_form(client, event)
    assert post(client, url, data, **{"citations-0-quote": "The new quote."}).status_code == 302
    first = event.history.last()
    client.post(reverse("admin:relations_event_simple_history", args=[event.pk, first.history_id]), {"_save": "1"})

    response = client.get(admin_url(event, "history", event.pk))
    html = response.content.decode()
    assert '<th scope="col">Publication status</th>' in html and "publication_status" not in html
    rows = response.context["part_changes"]
    assert rows[0]["changes"] == [("Quote", "The old quote.", "The new quote.")]
    assert rows[0]["user"] == publisher and rows[0]["part"].startswith("Citation: ")
    assert "Restored from the version of" in html
    with translation_override("fr"):
        html = client.get(admin_url(event, "history", event.pk), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Statut de publication" in html and "Rétablie à partir de la version du" in html


@pytest.mark.django_db
def test_any_two_versions_can_be_compared(client, roles):
    publisher = user_with("Publisher")
    client.force_login(publisher)
    event = EventFactory(publication_status=DRAFT, title="One", summary="First.")
    for title in ("Two", "Three"):
        event.title_en = title
        event.save()
    first, last = event.history.last(), event.history.first()
    compare = reverse("admin:relations_event_versions_compare", args=[event.pk])
    history = client.get(admin_url(event, "history", event.pk)).content.decode()
    assert f'action="{compare}"' in history
    response = client.get(compare, {"a": last.history_id, "b": first.history_id})
    assert response.context["rows"] == [("Title (English)", "One", "Three")]
    assert response.context["older"] == first  # whichever order they are given in
    for bad in ({"a": "x", "b": "1"}, {"a": first.history_id}, {"a": first.history_id, "b": first.history_id}):
        response = client.get(compare, bad, follow=True)
        assert messages_of(response)[-1] == "Choose two different versions of this record to compare."


@pytest.mark.django_db
def test_comparing_two_versions_covers_citations_and_heads_of_mission(client, roles):
    client.force_login(user_with("Publisher"))
    mission = MissionFactory(publication_status=DRAFT, title="Mission")
    first = mission.history.first()
    citation = CitationFactory(event=None, mission=mission, quote="The old quote.", locator="p. 1")
    head = HeadOfMissionFactory(mission=mission, name="A. Envoy")
    mission.save()
    second = mission.history.first()
    citation.quote = "The new quote."
    citation.save()
    head.delete()
    mission.save()
    third = mission.history.first()
    compare = reverse("admin:relations_mission_versions_compare", args=[mission.pk])

    rows = client.get(compare, {"a": second.history_id, "b": third.history_id}).context["rows"]
    assert (f"Citation: {citation}: Quote", "The old quote.", "The new quote.") in rows
    assert (f"Head of mission: {head}", "removed", "") in rows
    rows = client.get(compare, {"a": first.history_id, "b": second.history_id}).context["rows"]
    assert [row for row in rows if row[0].startswith("Citation")] == [(f"Citation: {citation}", "", "added")]
    french = client.get(compare, {"a": second.history_id, "b": third.history_id}, HTTP_ACCEPT_LANGUAGE="fr")
    assert (f"Citation\u00a0: {citation}\u00a0: Extrait", "The old quote.", "The new quote.") in french.context["rows"]
    assert (f"Chef de mission\u00a0: {head}", "suppression", "") in french.context["rows"]


# --- imports ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_import_is_labelled_in_the_history_and_makes_an_older_form_stale(client, roles, reference_data):
    from .test_admin_import_export import confirm, upload

    publisher = user_with("Publisher")
    importer = User.objects.create_superuser("importer", password="a long password here")
    event = EventFactory(slug="forum", publication_status=DRAFT, title="Forum", summary="Before.", country=None)
    client.force_login(publisher)
    url, opened = change_form(client, event)  # opened before the import
    version = event.version

    client.force_login(importer)
    content = (
        "slug,title_en,title_fr,summary_en,summary_fr,kind,start_date,end_date,country,pillars\r\n"
        "forum,Forum,Forum (FR),After the import.,Après l’importation.,dialogue,2016-06-15,,,\r\n"
    ).encode()
    assert confirm(client, Event, upload(client, Event, content, name="forums-2016.csv")).status_code == 302
    event.refresh_from_db()
    assert event.summary_en == "After the import." and event.version == version + 1
    assert event.history.first().history_change_reason == "Imported from forums-2016.csv"

    client.force_login(publisher)
    response = post(client, url, opened, title_en="Forum, renamed")
    assert response.status_code == 200
    (message,) = response.context["adminform"].form.non_field_errors()
    assert message.startswith("Not saved: importer saved this record after you opened it. Changed meanwhile:")
    assert "Summary (English)" in message
    event.refresh_from_db()
    assert (event.title_en, event.summary_en) == ("Forum", "After the import.")
    for language, label in [("en", "Imported from forums-2016.csv"), ("fr", "Importé depuis forums-2016.csv")]:
        with translation_override(language):
            html = client.get(admin_url(event, "history", event.pk), HTTP_ACCEPT_LANGUAGE=language).content
        assert label in html.decode()
