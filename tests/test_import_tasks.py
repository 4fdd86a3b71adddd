"""Large imports off the request (relations.importing.tasks): a file above IMPORT_BACKGROUND_SIZE is
checked, then imported, by the import worker, with its progress on the preview's page; every check
and the all-or-nothing write still hold, the import is recorded and can be undone."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from relations.models import Country, Event, ImportBatch, ImportStage, KeptImportFile, Pillar

from .factories import EventFactory
from .test_admin_import_export import FORMAT_INDEX, confirm, upload, url
from .test_import_batches import HEADER, everything, the_file, undo_url


@pytest.fixture
def events(reference_data):
    """Those of tests/test_import_batches.py, which the_file() keeps, changes and adds to."""
    EventFactory(slug="kept", title="Kept as it is", country=None, track=None)
    changed = EventFactory(slug="changed", title="Before", summary="Before.", country=None, track=None)
    changed.pillars.set(Pillar.objects.filter(slug="economic"))


@pytest.fixture
def large(settings):
    """Every file is "large": checked and imported by the task."""
    settings.IMPORT_BACKGROUND_SIZE = 10


@pytest.fixture
def queued(settings, large, monkeypatch):
    """Tasks go to the database queue, as in production, and wait for `db_worker`. (The worker closes
    connections that are not in autocommit between tasks, as the test's transaction is not; here it
    must keep it, or PostgreSQL's test connection would be closed under the test.)"""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr("django_tasks_db.management.commands.db_worker.close_old_connections", lambda: None)


def work():
    """The import worker, until the queue is empty."""
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)


@pytest.mark.django_db
def test_a_large_file_is_checked_and_imported_by_the_task_and_can_be_undone(admin_client, events, large):
    before = everything()
    response = upload(admin_client, Event, the_file(), name="events.csv")
    kept = KeptImportFile.objects.get()
    assert response.status_code == 302 and response.url == kept.get_absolute_url()
    assert (kept.stage, kept.rows_done, kept.rows_total) == (ImportStage.CHECKED, 3, 3)
    assert everything() == before  # the check wrote nothing

    preview = admin_client.get(kept.get_absolute_url())
    page = preview.content.decode()
    assert "<strong>1</strong> new record" in page and "<strong>1</strong> changed" in page
    assert "title_en</code>: <del>Before</del>" in page and "<ins>After</ins>" in page
    assert 'http-equiv="refresh"' not in page

    response = confirm(admin_client, Event, preview)
    assert response.status_code == 302 and response.url == kept.get_absolute_url()
    kept.refresh_from_db()
    assert kept.stage == ImportStage.IMPORTED and kept.batch is not None and bytes(kept.data) == b""
    batch = ImportBatch.objects.get()
    assert (batch.file_name, batch.added, batch.changed, batch.unchanged) == ("events.csv", 1, 1, 1)
    assert Event.objects.get(slug="changed").title_en == "After"

    done = admin_client.get(kept.get_absolute_url(), follow=True)
    assert done.redirect_chain[-1][0] == batch.get_absolute_url()
    assert "The import is recorded" in " ".join(str(m) for m in done.context["messages"])
    assert not KeptImportFile.objects.exists()

    admin_client.post(undo_url(batch))
    assert everything() == before


@pytest.mark.django_db
def test_queued_in_the_database_the_worker_runs_it_and_the_page_shows_progress(admin_client, events, queued):
    before = everything()
    upload(admin_client, Event, the_file(), name="events.csv")
    kept = KeptImportFile.objects.get()
    assert kept.stage == ImportStage.QUEUED and DBTaskResult.objects.count() == 1

    # No worker yet: the page says it waits for one, with a progress bar and its text, and refreshes.
    page = admin_client.get(kept.get_absolute_url()).content.decode()
    assert "Waiting for the import worker to start." in page and "manage.py db_worker" in page
    assert '<progress aria-describedby="import-progress-text">' in page
    assert '<meta http-equiv="refresh" content="3">' in page

    # Part way through (as the worker saves it after each batch of rows).
    KeptImportFile.objects.filter(pk=kept.pk).update(stage=ImportStage.CHECKING, rows_done=2, rows_total=3)
    page = admin_client.get(kept.get_absolute_url()).content.decode()
    assert '<progress max="3" value="2" aria-describedby="import-progress-text">' in page
    assert "2 of 3 rows read and checked." in page
    KeptImportFile.objects.filter(pk=kept.pk).update(stage=ImportStage.QUEUED, rows_done=0)

    work()
    kept.refresh_from_db()
    assert (kept.stage, kept.rows_done) == (ImportStage.CHECKED, 3)
    preview = admin_client.get(kept.get_absolute_url())
    response = confirm(admin_client, Event, preview)
    confirm(admin_client, Event, preview)  # posted twice: queued once
    assert DBTaskResult.objects.count() == 2
    assert everything() == before  # nothing written until the worker runs it
    assert "Waiting for the import worker" in admin_client.get(response.url).content.decode()

    work()
    assert DBTaskResult.objects.successful().count() == 2
    kept.refresh_from_db()
    assert kept.stage == ImportStage.IMPORTED
    assert ImportBatch.objects.get().added == 1


@pytest.mark.django_db
def test_a_large_file_with_errors_shows_them_and_cannot_be_confirmed(admin_client, events, large):
    before = everything()
    content = HEADER + "bad,Bad,Mauvais,S.,S.,dialogue,04/08/2016,,ZZ,\r\n"
    upload(admin_client, Event, content.encode(), name="bad.csv")
    kept = KeptImportFile.objects.get()
    response = admin_client.get(kept.get_absolute_url())
    page = response.content.decode()
    assert "confirm_form" not in response.context and "<strong>1</strong> invalid" in page
    assert "<mark>04/08/2016</mark>" in page and "<mark>ZZ</mark>" in page
    # A confirmation forged for it queues nothing and imports nothing.
    response = admin_client.post(url(Event, "process_import"), {"kept": str(kept.pk)})
    assert response.status_code == 302
    kept.refresh_from_db()
    assert kept.stage == ImportStage.CHECKED and everything() == before and not ImportBatch.objects.exists()
    # "Check the same file again" after a fix in the registry: the worker checks it again.
    Country.objects.create(code="ZZ", name_en="Zedland", name_fr="Zédie")
    assert admin_client.post(kept.get_absolute_url()).status_code == 302
    kept.refresh_from_db()
    assert kept.stage == ImportStage.CHECKED and kept.preview["invalid"] == 1
    assert [error[1] for error in kept.preview["errors"]] == ["start_date"]


@pytest.mark.django_db
def test_a_large_unreadable_file_says_why_and_never_a_500(admin_client, events, large):
    before = everything()
    broken = SimpleUploadedFile("broken.xlsx", b"PK\x03\x04 not a workbook")
    data = {"import_file": broken, "format": FORMAT_INDEX["xlsx"], "resource": "0"}
    response = admin_client.post(url(Event, "import"), data, follow=True)
    assert response.status_code == 200
    messages = [str(m) for m in response.context["messages"]]
    assert messages == [
        "This file is not an Excel workbook (.xlsx), or it is damaged. Choose the format the file is saved in."
    ]
    assert response.redirect_chain[-1][0] == url(Event, "import")
    assert messages and messages[0] in response.content.decode()
    assert not KeptImportFile.objects.exists() and everything() == before


@pytest.mark.django_db
def test_small_files_stay_in_the_request(admin_client, events, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    preview = upload(admin_client, Event, the_file(), name="events.csv")
    assert preview.status_code == 200 and "confirm_form" in preview.context
    assert confirm(admin_client, Event, preview).status_code == 302
    assert ImportBatch.objects.get().added == 1 and not DBTaskResult.objects.exists()
