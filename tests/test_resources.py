"""The resources: columns, round trips, the all-or-nothing import and its query counts."""

import datetime
import decimal
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from relations.dates import DatePrecision
from relations.formats import CSV, FORMULA_TRIGGERS, JSON, XLSX
from relations.models import Agreement, AssistanceProgram, Citation, Event, HeadOfMission, Mission, Organisation
from relations.resources import (
    RESOURCES,
    AgreementResource,
    EventResource,
    OrganisationResource,
    resource_for,
)

from .factories import (
    AgreementFactory,
    AssistanceProgramFactory,
    CitationFactory,
    CountryFactory,
    EventFactory,
    HeadOfMissionFactory,
    MissionFactory,
    OrganisationFactory,
    PillarFactory,
    SourceFactory,
)


def load(resource_class, content, fmt=CSV, dry_run=False):
    return resource_class().import_data(fmt().create_dataset(content), dry_run=dry_run)


def dump(resource_class, fmt=CSV):
    return fmt().export_data(resource_class().export())


def errors(result):
    """{(row, column): [messages]} of a result."""
    return {
        (row.number, column): messages for row in result.invalid_rows for column, messages in row.error_dict.items()
    }


def make_content():
    """Records of every type, with every kind of column filled in, accents included."""
    pillar = PillarFactory(slug="economie", name="Économie")
    organisation = OrganisationFactory(slug="asean-secretariat-x", name="Secrétariat de l'ASEAN", country__code="ID")
    agreement = AgreementFactory(
        slug="joint-declaration",
        title="Joint Declaration",
        adopted_on=datetime.date(2011, 10, 1),
        adopted_precision=DatePrecision.MONTH,
        country=organisation.country,
        period_start=2016,
        period_end=2020,
    )
    agreement.party_countries.add(organisation.country, CountryFactory(code="CA", name="Canada"))
    agreement.party_organisations.add(organisation)
    agreement.pillars.add(pillar)
    successor = AgreementFactory(slug="plan-of-action", title="Plan of Action", supersedes=agreement, country=None)
    event = EventFactory(
        slug="dialogue-1997",
        title="Dialogue à Kuala Lumpur",
        summary='=HYPERLINK("http://x")',  # a formula: neutralised in files, intact in the database
        start_date=datetime.date(1997, 5, 6),
        end_date=datetime.date(1997, 5, 7),
        country=organisation.country,
    )
    event.pillars.add(pillar)
    event.organisations.add(organisation)
    event.agreements.add(agreement, successor)
    MissionFactory(
        slug="mission-to-asean",
        country=organisation.country,
        opened_on=datetime.date(2016, 1, 1),
        opened_precision=DatePrecision.YEAR,
        closed_on=datetime.date(2020, 8, 1),
        closed_precision=DatePrecision.MONTH,
    ).accredited_organisations.add(organisation)
    program = AssistanceProgramFactory(
        slug="scholarships",
        amount=decimal.Decimal("10000000.00"),
        other_amount=decimal.Decimal("7500000.50"),
        other_currency="USD",
        body="-5 degrees\n@mention\t+1",
    )
    program.events.add(event)
    program.countries.add(organisation.country)
    source = SourceFactory(slug="rapport", title="Rapport annuel — Canada–ASEAN", language="fr", year=None)
    mission = Mission.objects.get(slug="mission-to-asean")
    HeadOfMissionFactory(
        mission=mission, name="Marie-Louise Hannan", start_date=datetime.date(2016, 8, 1), end_date=None
    )
    HeadOfMissionFactory(mission=mission, name="Unknown start", start_date=None, end_date=datetime.date(2015, 1, 1))
    for record in (event, agreement, mission, program):
        CitationFactory(**{"event": None, record._meta.model_name: record}, source=source, locator="§ 3 > a")
    CitationFactory(event=event, source=source, locator="§ 4", quote="« Le Canada… »", note="1997 or 1998")


def delete_everything():
    for resource in reversed(RESOURCES):
        resource._meta.model.objects.all().delete()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", [CSV, XLSX, JSON], ids=["csv", "xlsx", "json"])
def test_export_import_into_an_empty_database_export_gives_identical_files(fmt):
    make_content()
    first = {resource: dump(resource, fmt) for resource in RESOURCES}
    delete_everything()
    for resource in RESOURCES:
        result = load(resource, first[resource], fmt)
        assert not result.has_errors() and not result.has_validation_errors(), (resource, errors(result))
    second = {resource: dump(resource, fmt) for resource in RESOURCES}
    if fmt is XLSX:  # a workbook's bytes carry its creation time: compare the cells
        first = {resource: list(fmt().create_dataset(data)) for resource, data in first.items()}
        second = {resource: list(fmt().create_dataset(data)) for resource, data in second.items()}
    assert second == first
    event = Event.objects.get(slug="dialogue-1997")
    assert event.summary == '=HYPERLINK("http://x")'
    assert Agreement.objects.get(slug="plan-of-action").supersedes.slug == "joint-declaration"


@pytest.mark.django_db
def test_reimporting_an_export_skips_every_row_and_an_edit_updates_instead_of_duplicating():
    make_content()
    exported = dump(EventResource)
    result = load(EventResource, exported.encode())
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 0, 1)

    edited = exported.replace("Dialogue à Kuala Lumpur", "Dialogue de Kuala Lumpur").replace("1997-05-07", "1997-05-08")
    result = load(EventResource, edited.encode())
    assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (0, 1, 0)
    assert Event.objects.count() == 1
    event = Event.objects.get()
    assert (event.title, event.end_date) == ("Dialogue de Kuala Lumpur", datetime.date(1997, 5, 8))
    assert event.agreements.count() == 2


@pytest.mark.django_db
def test_a_spreadsheet_saved_csv_imports_with_accents_and_retyped_dates(reference_data):
    # As Excel saves "CSV UTF-8": a byte-order mark, CRLF, dates in its own forms.
    content = (
        "\ufeffslug,title_en,summary_en,kind,start_date,end_date,country,pillars\r\n"
        "a,Réunion à Hà Nội,Résumé.,summit,2016/8/4,2016/8/5,VN,economic; political-security\r\n"
        "b,Forum de Phnom Penh,Ça va.,forum,Aug 2014,,KH,\r\n"
        "c,São Tomé,Déjà.,forum,4 August 2016,5 August 2016,,\r\n"
        "d,Year only,Y.,forum,1986,1986,,\r\n"
        "e,With time,T.,forum,2016-08-04 00:00:00,,,\r\n"
    ).encode()
    result = load(EventResource, content)
    assert errors(result) == {}
    events = {event.slug: event for event in Event.objects.all()}
    assert events["a"].title == "Réunion à Hà Nội"
    assert (events["a"].start_date, events["a"].date_precision) == (datetime.date(2016, 8, 4), "day")
    assert sorted(p.slug for p in events["a"].pillars.all()) == ["economic", "political-security"]
    assert (events["b"].start_date, events["b"].date_precision) == (datetime.date(2014, 8, 1), "month")
    assert (events["c"].end_date, events["d"].date_precision) == (datetime.date(2016, 8, 5), "year")
    assert events["e"].start_date == datetime.date(2016, 8, 4)


@pytest.mark.django_db
def test_a_file_with_one_bad_row_writes_nothing_and_names_row_and_column(reference_data):
    EventFactory(slug="kept", title="Kept", country=None, track=None)
    header = "slug,title_en,summary_en,kind,start_date,country\r\n"
    good = "".join(f"new-{n},New {n},S.,forum,2016,ID\r\n" for n in range(5))
    content = (header + "kept,Changed,S.,forum,2016,ID\r\n" + good + "bad,Bad,S.,forum,2016,XX\r\n").encode()
    result = load(EventResource, content)
    assert errors(result) == {(8, "country"): ["No country has the code “XX”."]}
    assert list(Event.objects.values_list("slug", "title_en", "title_fr")) == [("kept", "Kept", "Kept (FR)")]


@pytest.mark.django_db
def test_a_dry_run_reports_but_writes_nothing(reference_data):
    content = b"slug,title_en,summary_en,kind,start_date\r\nnew,New,S.,forum,2016\r\n"
    result = load(EventResource, content, dry_run=True)
    assert result.totals["new"] == 1
    assert not Event.objects.exists()


@pytest.mark.django_db
def test_unique_names_are_checked_against_the_file_and_the_database(reference_data):
    content = (
        "slug,name_en,name_fr,kind\r\n"
        "one,Same name,Même nom,other\r\n"
        "two,Same name,Même nom,other\r\n"
        "three,Association of Southeast Asian Nations,Association des nations de l'Asie du Sud-Est,other\r\n"
    ).encode()
    before = Organisation.objects.count()
    found = errors(load(OrganisationResource, content))
    for column in ("name_en", "name_fr"):
        assert "also in row 2" in found[3, column][0]
        assert "already belongs to the record “asean”" in found[4, column][0]
    assert Organisation.objects.count() == before


@pytest.mark.django_db
def test_an_agreement_may_supersede_one_of_the_same_file_but_not_an_unknown_one():
    content = (
        b"slug,title_en,summary_en,kind,supersedes\r\n"
        b"new-plan,New plan,S.,plan-of-action,old-plan\r\n"
        b"old-plan,Old plan,S.,plan-of-action,\r\n"
    )
    assert errors(load(AgreementResource, content)) == {}
    assert Agreement.objects.get(slug="new-plan").supersedes.slug == "old-plan"
    found = errors(load(AgreementResource, content.replace(b"old-plan\r\n", b"no-such-plan\r\n", 1)))
    assert found == {(2, "supersedes"): ["No agreement has the slug “no-such-plan”, in the database or in this file."]}


def event_rows(count, start=0):
    return "".join(
        f"event-{n},Event {n},S.,forum,2016-08-04,2016-08-05,ID,{n % 9 + 1},economic; socio-cultural,asean\r\n"
        for n in range(start, start + count)
    )


@pytest.mark.django_db
def test_import_queries_grow_with_batches_not_rows(reference_data, monkeypatch):
    monkeypatch.setattr(EventResource._meta, "batch_size", 50)
    header = "slug,title_en,summary_en,kind,start_date,end_date,country,track,pillars,organisations\r\n"

    def queries(content):
        with CaptureQueriesContext(connection) as captured:
            result = load(EventResource, content.encode())
        assert not result.has_validation_errors()
        return len(captured)

    small = queries(header + event_rows(50))
    large = queries(header + event_rows(250, start=50))  # five times the rows, five batches
    assert large <= small * 5
    updated = queries(header + event_rows(300).replace("Event", "Changed event"))  # six batches of updates
    assert updated <= small * 6 + 10
    assert Event.objects.count() == 300
    assert Event.objects.filter(title_en__startswith="Changed").count() == 300


@pytest.mark.django_db
def test_exports_neutralise_formulae_in_csv_and_xlsx():
    AssistanceProgramFactory(slug="p", title="=1+1", summary="+SUM(A1)", body="-2", amount_as_stated="@cmd")
    AssistanceProgramFactory(
        slug="q", title="\tTab", summary="\rReturn", body="'=already quoted", amount_as_stated="safe"
    )
    csv_text = dump(resource_for(AssistanceProgram))
    for cell in ["'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "'\tTab", '"\'\rReturn"', "''=already quoted"]:
        assert cell in csv_text, cell
    book = openpyxl.load_workbook(io.BytesIO(dump(resource_for(AssistanceProgram), XLSX)))
    cells = {cell.value for row in book.active.iter_rows() for cell in row if isinstance(cell.value, str)}
    assert {"'=1+1", "'+SUM(A1)", "'-2", "'@cmd", "'\tTab", "''=already quoted"} <= cells
    assert not any(cell.startswith(FORMULA_TRIGGERS) for cell in cells)
    assert not any(cell.data_type == "f" for row in book.active.iter_rows() for cell in row)


@pytest.mark.django_db
def test_export_queries_do_not_grow_with_rows(django_assert_max_num_queries):
    for _n in range(30):
        event = EventFactory()
        event.pillars.add(PillarFactory())
    with django_assert_max_num_queries(6):
        EventResource().export()


@pytest.mark.django_db
def test_mission_and_program_columns_export_as_typed():
    make_content()
    mission = dict(
        zip(*[row.split(",") for row in dump(resource_for(Mission)).lstrip("\ufeff").splitlines()], strict=True)
    )
    assert (mission["opened_on"], mission["closed_on"]) == ("2016", "2020-08")
    program = JSON().export_data(resource_for(AssistanceProgram)().export())
    assert '"amount": "10000000.00"' in program and '"other_currency": "USD"' in program


@pytest.mark.django_db
def test_citations_and_heads_of_mission_update_by_their_natural_keys():
    make_content()
    citations = dump(resource_for(Citation))
    result = load(resource_for(Citation), citations.replace("1997 or 1998", "1997 – not 1998").encode())
    assert (result.totals["update"], result.totals["skip"]) == (1, 4)
    assert Citation.objects.get(locator="§ 4").note == "1997 – not 1998"

    heads = dump(resource_for(HeadOfMission)).replace("Ambassador of Canada to ASEAN", "Ambassador")
    result = load(resource_for(HeadOfMission), heads.encode())
    assert (result.totals["new"], result.totals["update"]) == (0, 2)


@pytest.mark.django_db
def test_a_citation_names_exactly_one_record():
    make_content()
    content = "event,agreement,source,locator\r\ndialogue-1997,joint-declaration,rapport,§ 9\r\n,,rapport,§ 10\r\n"
    found = errors(load(resource_for(Citation), content.encode()))
    assert set(found) == {(2, "__all__"), (3, "__all__")}
    assert "exactly one record" in found[2, "__all__"][0]


@pytest.mark.django_db
def test_the_preview_shows_each_change_in_its_column():
    make_content()
    edited = dump(EventResource).replace("Dialogue à Kuala Lumpur", "Dialogue de Kuala Lumpur").replace(",ID,", ",CA,")
    result = load(EventResource, edited.encode(), dry_run=True)
    (row,) = result.rows
    # Only what changes, as (column, before, after), in plain text: the template escapes it.
    assert row.diff == [
        ("title_en", "Dialogue à Kuala Lumpur", "Dialogue de Kuala Lumpur"),
        ("title_fr", "Dialogue à Kuala Lumpur (FR)", "Dialogue de Kuala Lumpur (FR)"),
        ("country", "ID", "CA"),  # the replaced key, though no row names it
    ]
