import io
import re

import pytest
from django.core.management import CommandError, call_command

from relations.models import Country, Event, Organisation, Pillar, Source, Track


@pytest.mark.django_db
def test_loads_the_reference_data_into_an_empty_database(capsys):
    call_command("loadcontent")
    assert "reference.json: 61 added, 0 already present" in capsys.readouterr().out
    members = dict(Country.objects.asean_members().values_list("code", "asean_member_since"))
    assert members == {
        "ID": 1967,
        "MY": 1967,
        "PH": 1967,
        "SG": 1967,
        "TH": 1967,
        "BN": 1984,
        "VN": 1995,
        "LA": 1997,
        "MM": 1997,
        "KH": 1999,
        "TL": 2025,
    }
    assert not Country.objects.get(code="CA").is_asean_member
    assert list(Track.objects.values_list("number", flat=True)) == list(range(1, 10))
    assert set(Pillar.objects.values_list("slug", flat=True)) == {"political-security", "economic", "socio-cultural"}
    assert Source.objects.count() == 22
    assert Source.objects.filter(kind=Source.Kind.PRIMARY).count() == 19
    assert Organisation.objects.get(acronym_en="CABC").country.code == "SG"


@pytest.mark.django_db
def test_running_again_adds_nothing_and_keeps_staff_edits(capsys):
    call_command("loadcontent")
    Country.objects.filter(code="LA").update(name_en="Lao People's Democratic Republic")
    Track.objects.get(number=9).delete()
    capsys.readouterr()
    call_command("loadcontent")
    assert "reference.json: 1 added, 60 already present" in capsys.readouterr().out
    assert Country.objects.get(code="LA").name_en == "Lao People's Democratic Republic"
    assert Track.objects.filter(number=9).exists()


@pytest.mark.django_db
def test_dry_run_writes_nothing(capsys):
    call_command("loadcontent", "--dry-run")
    assert "61 added" in capsys.readouterr().out
    assert not Country.objects.exists()


@pytest.mark.django_db
def test_a_missing_fixture_is_a_clear_error():
    with pytest.raises(CommandError, match=r"No such fixture: nowhere\.json"):
        call_command("loadcontent", "nowhere.json")


@pytest.mark.django_db
def test_a_loaded_record_starts_its_history_dated_as_in_the_fixture(tmp_path, reference_data):
    fixture = tmp_path / "events.json"
    fixture.write_text(
        """[{"model": "relations.event", "fields": {
            "title_en": "A dialogue", "title_fr": "Un dialogue", "slug": "a-dialogue",
            "summary_en": "S.", "summary_fr": "S.", "body_en": "", "body_fr": "",
            "publication_status": "published", "created_at": "2020-01-02T03:04:05Z",
            "updated_at": "2021-02-03T04:05:06Z", "kind": "dialogue", "start_date": "2016-06-15",
            "date_precision": "day", "city_en": "", "city_fr": "", "country": ["SG"], "track": null}}]"""
    )
    call_command("loadcontent", str(fixture))
    event = Event.objects.get(slug="a-dialogue")
    entry = event.history.get()
    assert entry.history_type == "+"
    assert entry.history_change_reason == "Loaded from the fixtures"
    assert entry.history_date == event.updated_at
    assert event.date_modified.year == 2021


# The shipped fixtures loaded twice into an empty database: the second time changes nothing.


def snapshot():
    out = io.StringIO()
    call_command("dumpdata", "relations", natural_foreign=True, natural_primary=True, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_loadcontent_twice_adds_nothing_and_changes_nothing():
    call_command("loadcontent", stdout=io.StringIO())
    before = snapshot()
    out = io.StringIO()
    call_command("loadcontent", stdout=out)
    assert re.findall(r"(\d+) added", out.getvalue()) == ["0", "0", "0"]
    assert snapshot() == before


@pytest.mark.django_db
def test_loaddata_of_the_fixtures_is_idempotent():
    call_command("loaddata", "reference", "content", verbosity=0)
    before = snapshot()
    call_command("loaddata", "reference", "content", verbosity=0)
    assert snapshot() == before
