"""The editorial workflow: statuses, the steps and who may take them (relations.workflow), roles
enforced on the server, draft preview, history and restore."""

import itertools

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from relations import cache, workflow
from relations.formats import CSV
from relations.i18n import in_both_languages
from relations.management.commands.setup_roles import ROLES
from relations.models import Citation, Event
from relations.resources import EventResource, error_lines
from relations.workflow import PublicationStatus

from .factories import CitationFactory, CountryFactory, EventFactory, MissionFactory, SourceFactory, TrackFactory

DRAFT, REVIEW, PUBLISHED, ARCHIVED = (
    PublicationStatus.DRAFT,
    PublicationStatus.REVIEW,
    PublicationStatus.PUBLISHED,
    PublicationStatus.ARCHIVED,
)


def admin_url(model, view, *args):
    return reverse(f"admin:relations_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def roles(db):
    call_command("setup_roles", verbosity=0)


@pytest.fixture
def login(client, roles):
    """Log the client in as a new staff member with the given role (None: staff, no role)."""

    def log_in(role):
        user = User.objects.create_user(f"{role or 'staff'}".lower(), is_staff=True)
        if role:
            user.groups.add(Group.objects.get(name=role))
        client.force_login(user)
        return user

    return log_in


def run_action(client, action, *records):
    return client.post(
        admin_url(Event, "changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [record.pk for record in records]},
        follow=True,
    )


def status_of(record):
    record.refresh_from_db()
    return record.publication_status


def event_form(event, **overrides):
    """The change form of `event` as the admin would post it back, with `overrides`."""
    data = {
        **{name: getattr(event, name) for name in in_both_languages("title", "summary", "body", "city")},
        "slug": event.slug,
        "kind": event.kind,
        "start_date": event.start_date.isoformat(),
        "end_date": event.end_date.isoformat() if event.end_date else "",
        "date_precision": event.date_precision,
        "country": event.country_id,
        "track": event.track_id or "",
        "publication_status": event.publication_status,
        # The versions the form was made from, as the change form sends them (relations.admin.RecordForm).
        "based_on": f"{event.version}.0",
        "citations-TOTAL_FORMS": "0",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


# --- statuses -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_listed_shows_published_and_public_adds_archived():
    records = {status: EventFactory(publication_status=status) for status in PublicationStatus}
    assert list(Event.objects.listed()) == [records[PUBLISHED]]
    assert set(Event.objects.public()) == {records[PUBLISHED], records[ARCHIVED]}
    assert list(Event.objects.published()) == [records[PUBLISHED]]


# --- the rules: every step, for every role ------------------------------------------------------

#: The workflow's steps, and the least role that may take each (a Publisher may do what an Editor may).
STEPS = {
    (DRAFT, REVIEW): "Editor",
    (REVIEW, DRAFT): "Editor",
    (DRAFT, PUBLISHED): "Publisher",
    (REVIEW, PUBLISHED): "Publisher",
    (ARCHIVED, PUBLISHED): "Publisher",
    (PUBLISHED, ARCHIVED): "Publisher",
    (PUBLISHED, DRAFT): "Publisher",
    (ARCHIVED, DRAFT): "Publisher",
}
MAY = {"Editor": {"Editor"}, "Publisher": {"Editor", "Publisher"}, "Importer": set()}


class RoleUser:
    """A user holding exactly one role's permissions (setup_roles.ROLES), without the database."""

    def __init__(self, role):
        self.codenames = set(ROLES[role])

    def has_perm(self, perm):
        app_label, codename = perm.split(".")
        return app_label == "relations" and codename in self.codenames


def expected(source, target, role):
    if (source, target) not in STEPS:
        return workflow.NotAStep
    return None if STEPS[source, target] in MAY[role] else workflow.NotPermitted


@pytest.mark.parametrize(
    ("source", "target", "role"),
    [
        (source, target, role)
        for source, target in itertools.permutations(PublicationStatus, 2)
        for role in ("Editor", "Publisher", "Importer")
    ],
)
def test_every_step_for_every_role(source, target, role):
    record = EventFactory.build(publication_status=source)
    refusal = expected(source, target, role)
    if refusal is None:
        workflow.check(RoleUser(role), record, target)
    else:
        with pytest.raises(refusal):
            workflow.check(RoleUser(role), record, target)
    assert workflow.is_allowed(source, target) is ((source, target) in STEPS)


def test_the_steps_are_the_admin_actions_and_staying_put_is_no_step():
    assert set(STEPS) == workflow.TRANSITIONS
    assert all(workflow.is_allowed(status, status) for status in PublicationStatus)
    assert workflow.targets(DRAFT) == [REVIEW, PUBLISHED]
    assert set(workflow.PUBLIC_STATUSES) == {PUBLISHED, ARCHIVED}
    assert set(workflow.UNPUBLISHED_STATUSES) == {DRAFT, REVIEW}
    assert str(workflow.NotAStep(DRAFT, ARCHIVED)) == (
        "A record cannot go from “Draft” to “Archived”; from “Draft” it can go to “In review”, “Published”."
    )


@pytest.mark.parametrize(
    ("role", "settable", "public_open"),
    [
        ("Editor", [DRAFT, REVIEW], False),
        ("Publisher", list(PublicationStatus), True),
        ("Importer", [DRAFT, REVIEW], False),
    ],
)
def test_who_may_set_and_change_what(role, settable, public_open):
    user = RoleUser(role)
    assert workflow.settable_statuses(user, Event) == settable
    assert workflow.may_change_record(user, EventFactory.build(publication_status=DRAFT))
    assert workflow.may_change_record(user, EventFactory.build(publication_status=ARCHIVED)) is public_open
    # Reference data has no workflow, and a management command (no user) is trusted.
    assert workflow.may_publish(user, Citation) and workflow.may_publish(None, Event)


def test_publishing_needs_both_languages():
    record = EventFactory.build(publication_status=REVIEW, summary_fr="")
    with pytest.raises(workflow.Untranslated) as refusal:
        workflow.check(RoleUser("Publisher"), record, PUBLISHED)
    assert refusal.value.missing == ["summary_fr"]
    workflow.check(RoleUser("Publisher"), record, DRAFT)  # leaving it unpublished needs no translation


@pytest.mark.django_db
def test_a_transition_is_saved_with_its_history_entry_and_drops_the_cache_on_commit(
    login, django_capture_on_commit_callbacks
):
    publisher = login("Publisher")
    event = EventFactory(publication_status=REVIEW)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        workflow.transition(event, PUBLISHED, publisher)
    assert status_of(event) == PUBLISHED
    latest = event.history.first()
    assert (latest.publication_status, latest.history_user, latest.history_type) == (PUBLISHED, publisher, "~")
    assert cache._new_generation in callbacks  # relations.signals, on the save


@pytest.mark.django_db
def test_a_refused_transition_changes_nothing(login):
    editor = login("Editor")
    event = EventFactory(publication_status=REVIEW)
    with pytest.raises(workflow.NotPermitted):
        workflow.transition(event, PUBLISHED, editor)
    with pytest.raises(workflow.NotAStep):
        workflow.transition(event, ARCHIVED, editor)
    assert status_of(event) == REVIEW
    assert event.history.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "allowed"), [(PUBLISHED, True), (REVIEW, True), (ARCHIVED, False)])
def test_an_import_moves_a_status_only_along_a_step(status, allowed):
    event = EventFactory(slug="draft", publication_status=DRAFT)
    content = f"slug,kind,start_date,publication_status\r\ndraft,{event.kind},2016,{status}\r\n".encode()
    result = EventResource().import_data(CSV().create_dataset(content))
    if allowed:
        assert error_lines(result) == []
    else:
        assert error_lines(result) == [
            "Row 2, column “publication_status”: A record cannot go from “Draft” to “Archived”; "
            "from “Draft” it can go to “In review”, “Published”."
        ]
    assert status_of(event) == (status if allowed else DRAFT)


@pytest.mark.django_db
def test_a_new_record_may_be_imported_in_any_status():
    content = b"slug,title_en,title_fr,summary_en,summary_fr,kind,start_date,publication_status\r\n"
    content += b"x,X,X (FR),Y.,Y. (FR),dialogue,2016,archived\r\n"
    assert error_lines(EventResource().import_data(CSV().create_dataset(content))) == []
    assert Event.objects.get(slug="x").publication_status == ARCHIVED


@pytest.mark.django_db
def test_the_change_form_moves_a_status_only_along_a_step(client, login):
    login("Publisher")
    draft = EventFactory(publication_status=DRAFT)
    response = client.post(admin_url(Event, "change", draft.pk), event_form(draft, publication_status=ARCHIVED))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["publication_status"] == [
        "A record cannot go from “Draft” to “Archived”; from “Draft” it can go to “In review”, “Published”."
    ]
    assert status_of(draft) == DRAFT


# --- roles --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_setup_roles_is_idempotent_and_sets_each_role_exactly(roles):
    call_command("setup_roles", verbosity=0)
    assert set(Group.objects.values_list("name", flat=True)) == set(ROLES)
    codenames = {group.name: set(group.permissions.values_list("codename", flat=True)) for group in Group.objects.all()}
    assert {"add_event", "change_event", "view_event"} <= codenames["Editor"]
    assert not {"publish_event", "delete_event"} & codenames["Editor"]
    assert {"publish_event", "delete_event", "change_event"} <= codenames["Publisher"]
    assert codenames["Editor"] < codenames["Publisher"]
    assert "view_event" in codenames["Importer"]
    assert not {"add_event", "change_event", "delete_event", "publish_event"} & codenames["Importer"]


@pytest.mark.django_db
def test_setup_roles_dry_run_writes_nothing(db):
    call_command("setup_roles", "--dry-run", verbosity=0)
    assert not Group.objects.exists()


@pytest.mark.django_db
def test_an_editor_creates_drafts_and_submits_them_for_review(client, login):
    login("Editor")
    country = CountryFactory()
    event = EventFactory.build(country=country, track=None, slug="new-dialogue", publication_status=DRAFT)
    response = client.post(admin_url(Event, "add"), event_form(event))
    assert response.status_code == 302, response.context["adminform"].form.errors
    created = Event.objects.get(slug="new-dialogue")
    assert created.publication_status == DRAFT

    response = client.post(admin_url(Event, "change", created.pk), event_form(created, title_en="Retitled"))
    assert response.status_code == 302
    run_action(client, "submit_for_review", created)
    assert status_of(created) == REVIEW


@pytest.mark.django_db
def test_an_editor_cannot_publish_archive_or_delete_even_by_posting_directly(client, login):
    login("Editor")
    draft, published = EventFactory(publication_status=REVIEW), EventFactory(publication_status=PUBLISHED)
    run_action(client, "publish", draft)
    run_action(client, "archive", published)
    run_action(client, "delete_selected", draft)
    assert (status_of(draft), status_of(published)) == (REVIEW, PUBLISHED)

    # Setting the status in the form is refused: "published" is not a choice for an editor.
    response = client.post(admin_url(Event, "change", draft.pk), event_form(draft, publication_status=PUBLISHED))
    assert response.status_code == 200
    assert "publication_status" in response.context["adminform"].form.errors
    assert status_of(draft) == REVIEW

    # An editor's change to a public record is kept as its draft changes (tests/test_editorial.py); the
    # live record is untouched, and a return to draft is refused.
    response = client.post(admin_url(Event, "change", published.pk), event_form(published, title_en="Edited"))
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.title_en != "Edited"
    response = run_action(client, "return_to_draft", published)
    assert "only a publisher may change" in response.content.decode()
    assert status_of(published) == PUBLISHED

    assert client.post(admin_url(Event, "delete", draft.pk), {"post": "yes"}).status_code == 403
    assert Event.objects.count() == 2


@pytest.mark.django_db
def test_a_publisher_publishes_archives_unpublishes_and_deletes(client, login):
    login("Publisher")
    review, other = EventFactory(publication_status=REVIEW), EventFactory(publication_status=DRAFT)
    response = run_action(client, "publish", review)
    assert "Published: 1 record." in response.content.decode()
    assert status_of(review) == PUBLISHED
    run_action(client, "archive", review)
    assert status_of(review) == ARCHIVED
    run_action(client, "return_to_draft", review)
    assert status_of(review) == DRAFT

    response = client.post(admin_url(Event, "change", other.pk), event_form(other, publication_status=PUBLISHED))
    assert response.status_code == 302
    assert status_of(other) == PUBLISHED
    response = client.post(admin_url(Event, "change", other.pk), event_form(other, title_en="Corrected title"))
    assert response.status_code == 302

    assert client.post(admin_url(Event, "delete", other.pk), {"post": "yes"}).status_code == 302
    assert not Event.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_an_importer_sees_records_but_cannot_change_them(client, login):
    login("Importer")
    draft = EventFactory(publication_status=DRAFT)
    assert client.get(admin_url(Event, "changelist")).status_code == 200
    assert client.get(admin_url(Event, "change", draft.pk)).status_code == 200
    assert client.post(admin_url(Event, "change", draft.pk), event_form(draft, title_en="No")).status_code == 403
    assert client.get(admin_url(Event, "add")).status_code == 403
    run_action(client, "publish", draft)
    run_action(client, "submit_for_review", draft)
    assert status_of(draft) == DRAFT
    assert client.post(admin_url(Event, "delete", draft.pk), {"post": "yes"}).status_code == 403


@pytest.mark.django_db
def test_staff_without_a_role_cannot_open_the_records(client, login):
    login(None)
    assert client.get(admin_url(Event, "changelist")).status_code == 403


@pytest.mark.django_db
def test_an_editor_cannot_change_a_public_records_citations_on_their_own(client, login):
    login("Editor")
    published = CitationFactory(event=EventFactory(publication_status=PUBLISHED))
    draft = CitationFactory(event=EventFactory(publication_status=DRAFT))
    data = {
        "source": published.source_id,
        "locator": "Changed",
        "quote": "",
        **dict.fromkeys(in_both_languages("note"), ""),
    }
    response = client.post(admin_url(Citation, "change", published.pk), {**data, "event": published.event_id})
    assert response.status_code == 403
    response = client.post(admin_url(Citation, "change", draft.pk), {**data, "event": draft.event_id})
    assert response.status_code == 302
    # Nor attach a new citation to a public record.
    response = client.post(admin_url(Citation, "add"), {**data, "event": published.event_id})
    assert response.status_code == 200
    assert "event" in response.context["adminform"].form.errors
    assert client.post(admin_url(Citation, "delete", published.pk), {"post": "yes"}).status_code == 403


# --- public pages and the staff preview ---------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("status", [DRAFT, REVIEW])
def test_an_unpublished_record_is_a_404_for_the_public_and_a_preview_for_staff(client, login, status):
    record = EventFactory(publication_status=status, title="Work in progress")
    assert client.get(record.get_absolute_url()).status_code == 404

    login(None)  # staff, but not allowed to view events
    assert client.get(record.get_absolute_url()).status_code == 404

    login("Editor")
    response = client.get(record.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Work in progress" in page
    assert "a preview for staff" in page
    assert str(PublicationStatus(status).label) in page
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"


@pytest.mark.django_db
def test_an_archived_record_stays_at_its_url_marked_archived_and_out_of_lists(client):
    archived = EventFactory(publication_status=ARCHIVED, title="An old consultation")
    response = client.get(archived.get_absolute_url())
    assert response.status_code == 200
    assert "Archived" in response.content.decode()
    assert "preview" not in response.content.decode()
    assert "An old consultation" not in client.get(reverse("relations:home")).content.decode()


@pytest.mark.django_db
def test_a_published_page_has_no_banner(client):
    published = EventFactory(publication_status=PUBLISHED)
    response = client.get(published.get_absolute_url())
    assert "status-banner" not in response.content.decode()
    assert "X-Robots-Tag" not in response


# --- history ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_edit_in_the_admin_is_kept_in_the_history_with_who_and_what(client, login):
    editor = login("Editor")
    event = EventFactory(publication_status=DRAFT, title="First title")
    client.post(admin_url(Event, "change", event.pk), event_form(event, title_en="Second title"))
    latest = event.history.first()
    assert (latest.title_en, latest.history_type, latest.history_user) == ("Second title", "~", editor)
    delta = latest.diff_against(latest.prev_record)
    assert [(change.field, change.old, change.new) for change in delta.changes] == [
        ("title_en", "First title", "Second title")
    ]
    response = client.get(admin_url(Event, "history", event.pk))
    assert response.status_code == 200
    assert "Second title" in response.content.decode()


@pytest.mark.django_db
def test_a_workflow_action_is_kept_in_the_history_with_its_user(client, login):
    publisher = login("Publisher")
    event = EventFactory(publication_status=REVIEW)
    run_action(client, "publish", event)
    latest = event.history.first()
    assert (latest.publication_status, latest.history_user) == (PUBLISHED, publisher)


@pytest.mark.django_db
def test_an_earlier_version_can_be_restored(client, login):
    login("Editor")
    event = EventFactory(publication_status=DRAFT, title="The right title")
    first_version = event.history.first()
    event.title_en = "A wrong title"
    event.save()
    url = reverse("admin:relations_event_simple_history", args=[event.pk, first_version.history_id])
    assert client.get(url).status_code == 200
    response = client.post(url, event_form(first_version.instance))
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "The right title"
    assert event.history.count() == 3


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [("Importer", DRAFT), ("Importer", PUBLISHED)])
def test_restoring_is_refused_to_whoever_may_not_change_the_record(client, login, role, status):
    login(role)
    event = EventFactory(publication_status=status, title="Before")
    first_version = event.history.first()
    event.title_en = "After"
    event.save()
    url = reverse("admin:relations_event_simple_history", args=[event.pk, first_version.history_id])
    assert client.post(url, event_form(first_version.instance)).status_code == 403
    event.refresh_from_db()
    assert event.title == "After"


@pytest.mark.django_db
def test_bulk_create_with_history_keeps_one_entry_per_record():
    country, track = CountryFactory(), TrackFactory()
    events = [EventFactory.build(country=country, track=track) for _ in range(3)]
    bulk_create_with_history(events, Event)
    assert Event.objects.count() == 3
    assert Event.history.count() == 3
    assert set(Event.history.values_list("history_type", flat=True)) == {"+"}


@pytest.mark.django_db
def test_citations_and_heads_of_mission_have_history_too():
    citation = CitationFactory(source=SourceFactory())
    citation.locator = "Another section"
    citation.save()
    assert citation.history.count() == 2
    mission = MissionFactory()
    head = mission.heads.create(name="A. Head", title_en="Ambassador", title_fr="Ambassadeur")
    assert head.history.count() == 1


# --- date modified ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_date_modified_is_the_last_change_made_while_published(client, login):
    event = EventFactory(publication_status=DRAFT)
    event.publication_status = PUBLISHED
    event.save()
    published_at = event.history.first().history_date
    event.publication_status = ARCHIVED
    event.save()
    assert event.date_modified == published_at
    annotated = Event.objects.with_date_modified().get(pk=event.pk)
    assert annotated.date_modified == published_at

    event.publication_status = PUBLISHED
    event.title_en = "Corrected"
    event.save()
    assert Event.objects.with_date_modified().get(pk=event.pk).date_modified > published_at


@pytest.mark.django_db
def test_a_record_without_history_falls_back_to_its_last_modification():
    event = EventFactory(publication_status=PUBLISHED)
    event.history.all().delete()
    assert event.date_modified == event.updated_at
