"""Import batches: every confirmed import is recorded, and "Undo this import" restores the database
exactly, or refuses, naming the records changed since, and changes nothing."""

import hashlib

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relations.models import Event, ImportBatch, Pillar

from .factories import EventFactory
from .test_admin_import_export import confirm, staff_with_roles, upload

HEADER = "slug,title_en,title_fr,summary_en,summary_fr,kind,start_date,end_date,country,pillars\r\n"


def everything():
    """Every row of every table an event import writes: the events with every field, and their links.
    Not `version`: an import and its undo are each a new version (a form opened before is stale)."""
    fields = [f.attname for f in Event._meta.concrete_fields if f.name != "version"]
    events = sorted(Event.objects.values_list(*fields))
    links = sorted(Event.pillars.through.objects.values_list("event_id", "pillar_id"))
    return events, links


@pytest.fixture
def events(reference_data):
    EventFactory(slug="kept", title="Kept as it is", country=None, track=None)
    changed = EventFactory(slug="changed", title="Before", summary="Before.", country=None, track=None)
    changed.pillars.set(Pillar.objects.filter(slug="economic"))


def the_file():
    return (
        HEADER
        + "kept,Kept as it is,Kept as it is (FR),A short summary.,A short summary. (FR),"
        + "dialogue,2016-06-15,2016-06-16,,\r\n"
        + "changed,After,Après,After.,Après.,summit,2017-08,,PH,political-security; socio-cultural\r\n"
        + "added,Added,Ajouté,New.,Nouveau.,dialogue,2016,,ID,economic\r\n"
    ).encode()


def undo_url(batch):
    return reverse("admin:relations_importbatch_undo", args=[batch.pk])


@pytest.mark.django_db
def test_an_import_is_recorded_and_its_undo_restores_every_row_exactly(admin_client, events):
    changed = Event.objects.get(slug="changed")
    content = the_file()
    before = everything()
    response = confirm(admin_client, Event, upload(admin_client, Event, content, name="events.csv"))
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert (batch.model, batch.file_name, batch.added, batch.changed, batch.unchanged) == (
        "relations.event",
        "events.csv",
        1,
        1,
        1,
    )
    assert batch.sha256 == hashlib.sha256(content).hexdigest()
    assert sorted(batch.rows.values_list("action", "object_id")) == [
        ("added", Event.objects.get(slug="added").pk),
        ("changed", changed.pk),
    ]
    row = batch.rows.get(action="changed")
    assert row.before["title_en"] == "Before" and row.after["title_en"] == "After"
    assert everything() != before

    page = admin_client.get(batch.get_absolute_url()).content.decode()
    assert "Undo this import" in page
    response = admin_client.post(undo_url(batch), follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "The import was undone: every record is as it was before it."
    ]
    assert everything() == before
    batch.refresh_from_db()
    assert batch.undone_at is not None and batch.undone_by.username == "admin"
    assert Event.objects.get(slug="changed").history.first().history_change_reason == "Import undone (events.csv)"
    # Undone once: a second undo is refused and changes nothing.
    response = admin_client.post(undo_url(batch), follow=True)
    assert [str(m) for m in response.context["messages"]] == ["This import was already undone."]
    assert everything() == before


@pytest.mark.django_db
def test_an_undo_that_would_overwrite_a_later_edit_is_refused_and_changes_nothing(admin_client, events):
    confirm(admin_client, Event, upload(admin_client, Event, the_file()))
    batch = ImportBatch.objects.get()
    later = Event.objects.get(slug="changed")
    later.title_en = "Edited by hand after the import"
    later.save()
    after_edit = everything()
    response = admin_client.post(undo_url(batch), follow=True)
    *_imported, message = [str(m) for m in response.context["messages"]]  # after the import's own messages
    assert message.startswith("Nothing was undone: these records were changed after the import")
    assert "Edited by hand after the import" in message
    assert everything() == after_edit
    batch.refresh_from_db()
    assert batch.undone_at is None


@pytest.mark.django_db
def test_an_importer_may_undo_drafts_but_not_what_the_public_sees(client, events):
    Event.objects.filter(slug="changed").update(publication_status="published")
    importer = staff_with_roles("Importer")
    client.force_login(importer)
    content = (HEADER + "added,Added,Ajouté,New.,Nouveau.,dialogue,2016,,ID,economic\r\n").encode()
    confirm(client, Event, upload(client, Event, content))
    batch = ImportBatch.objects.get()
    assert client.get(batch.get_absolute_url()).status_code == 200
    client.post(undo_url(batch))
    assert not Event.objects.filter(slug="added").exists()

    publisher = staff_with_roles("Importer", "Publisher")
    client.force_login(publisher)
    content = (HEADER + "changed,After,Après,After.,Après.,summit,2017-08,,PH,economic\r\n").encode()
    confirm(client, Event, upload(client, Event, content))
    batch = ImportBatch.objects.latest("pk")
    client.force_login(importer)
    response = client.post(undo_url(batch), follow=True)
    assert [str(m) for m in response.context["messages"]][-1] == (
        "Only a publisher may undo an import that changed what the public sees."
    )
    assert Event.objects.get(slug="changed").title_en == "After"


@pytest.mark.django_db
def test_the_imports_list_and_page_open_with_bounded_queries(admin_client, events, django_assert_max_num_queries):
    confirm(admin_client, Event, upload(admin_client, Event, the_file()))
    changelist = reverse("admin:relations_importbatch_changelist")
    with CaptureQueriesContext(connection) as one:
        assert admin_client.get(changelist).status_code == 200
    first = len(one.captured_queries)
    assert first > 0
    for _ in range(3):
        confirm(admin_client, Event, upload(admin_client, Event, the_file().replace(b"After", b"Again")))
    with django_assert_max_num_queries(first):
        response = admin_client.get(changelist)
    # Every confirmed import is recorded, one that changes nothing too.
    assert [(b.added, b.changed, b.unchanged) for b in response.context["cl"].result_list] == [
        (0, 0, 3),
        (0, 0, 3),
        (0, 1, 2),
        (1, 1, 1),
    ]
    batch = ImportBatch.objects.first()
    with django_assert_max_num_queries(30):
        assert admin_client.get(batch.get_absolute_url()).status_code == 200
    assert admin_client.get(reverse("admin:relations_importbatch_add")).status_code == 403
