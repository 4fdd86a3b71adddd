"""exportrecords and importrecords: the resources from the command line, with --dry-run."""

import io

import pytest
from django.core.management import CommandError, call_command

from relations.models import Event, Organisation

from .factories import EventFactory


@pytest.mark.django_db
def test_export_everything_then_import_it_into_an_empty_database(tmp_path, reference_data):
    EventFactory(slug="dialogue", country=None, track=None)
    call_command("exportrecords", output_dir=tmp_path, stdout=io.StringIO())
    files = sorted(tmp_path.glob("*.csv"))
    assert [path.stem for path in files] == [
        "agreements",
        "assistance-programs",
        "citations",
        "countries",
        "events",
        "heads-of-mission",
        "missions",
        "organisations",
        "pillars",
        "sources",
        "tracks",
    ]
    before = (tmp_path / "events.csv").read_bytes()

    Event.objects.all().delete()
    Organisation.objects.all().delete()
    call_command("importrecords", *[str(path) for path in files], "--dry-run")
    assert not Event.objects.exists()
    call_command("importrecords", *[str(path) for path in files])
    assert Event.objects.filter(slug="dialogue").exists()
    call_command("exportrecords", "events", output_dir=tmp_path / "again")
    assert (tmp_path / "again" / "events.csv").read_bytes() == before


@pytest.mark.django_db
def test_a_bad_row_in_any_file_imports_nothing_and_names_row_and_column(tmp_path, reference_data, capsys):
    (tmp_path / "pillars.csv").write_text("slug,name_en,name_fr\nnew-pillar,New pillar,Nouveau pilier\n")
    (tmp_path / "events.csv").write_text("slug,title_en,summary_en,kind,start_date,country\nx,X,S.,forum,2016,XX\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("importrecords", str(tmp_path / "events.csv"), str(tmp_path / "pillars.csv"))
    assert "Row 2, column “country”: No country has the code “XX”." in capsys.readouterr().err
    assert not Event.objects.exists()
    from relations.models import Pillar

    assert not Pillar.objects.filter(slug="new-pillar").exists()


def test_a_file_not_named_after_its_records_needs_model(tmp_path):
    (tmp_path / "data.csv").write_text("slug\n")
    with pytest.raises(CommandError, match="use --model"):
        call_command("importrecords", str(tmp_path / "data.csv"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("events.xlsx", b"PK\x03\x04 not really a workbook", "not an Excel workbook (.xlsx), or it is damaged"),
        ("events.json", b"[" * 100_000, "its JSON is nested too deeply"),
    ],
)
def test_a_file_that_cannot_be_read_is_a_message_not_a_traceback(tmp_path, reference_data, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        call_command("importrecords", str(path), stdout=io.StringIO())
    assert message in str(error.value) and str(error.value).startswith(str(path))
