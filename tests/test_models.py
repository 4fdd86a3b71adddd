import datetime
from decimal import Decimal

import pytest
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.urls import reverse

from relations.dates import DatePrecision, format_date, format_date_range, truncate_date
from relations.models import (
    Agreement,
    AssistanceProgram,
    Citation,
    Country,
    Event,
    HeadOfMission,
    Mission,
    Organisation,
    Pillar,
    Source,
    Track,
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
    TrackFactory,
)

D = datetime.date


# --- Dates at their precision --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        (D(1986, 1, 1), DatePrecision.YEAR, "1986"),
        (D(2014, 8, 1), DatePrecision.MONTH, "August 2014"),
        (D(2016, 8, 4), DatePrecision.DAY, "4 August 2016"),
        (None, DatePrecision.DAY, ""),
    ],
)
def test_format_date_shows_only_what_the_source_gives(value, precision, expected):
    assert format_date(value, precision) == expected


@pytest.mark.parametrize(
    ("start", "end", "precision", "expected"),
    [
        (D(1997, 5, 6), D(1997, 5, 7), DatePrecision.DAY, "6–7 May 1997"),
        (D(1997, 4, 30), D(1997, 5, 2), DatePrecision.DAY, "30 April – 2 May 1997"),
        (D(1999, 12, 30), D(2000, 1, 2), DatePrecision.DAY, "30 December 1999 – 2 January 2000"),
        (D(2014, 6, 1), D(2014, 8, 1), DatePrecision.MONTH, "June – August 2014"),
        (D(2016, 1, 1), D(2020, 1, 1), DatePrecision.YEAR, "2016 – 2020"),
        (D(2016, 8, 4), None, DatePrecision.DAY, "4 August 2016"),
        (D(2016, 8, 4), D(2016, 8, 4), DatePrecision.DAY, "4 August 2016"),
        (D(1986, 1, 1), D(1986, 1, 1), DatePrecision.YEAR, "1986"),
    ],
)
def test_format_date_range(start, end, precision, expected):
    assert format_date_range(start, end, precision) == expected


def test_truncate_date_keeps_only_the_known_part():
    day = D(2016, 8, 4)
    assert truncate_date(day, DatePrecision.DAY) == day
    assert truncate_date(day, DatePrecision.MONTH) == D(2016, 8, 1)
    assert truncate_date(day, DatePrecision.YEAR) == D(2016, 1, 1)
    assert truncate_date(None, DatePrecision.YEAR) is None


@pytest.mark.django_db
def test_clean_truncates_an_event_date_to_its_precision():
    event = EventFactory.build(
        country=CountryFactory(),
        track=TrackFactory(),
        start_date=D(2014, 8, 26),
        end_date=None,
        date_precision=DatePrecision.MONTH,
    )
    event.full_clean()
    assert event.start_date == D(2014, 8, 1)
    assert event.date_display == "August 2014"


@pytest.mark.django_db
def test_date_displays_of_each_content_type():
    assert EventFactory(start_date=D(1986, 1, 1), end_date=None, date_precision="year").date_display == "1986"
    assert AgreementFactory(adopted_on=D(2011, 10, 3)).date_display == "3 October 2011"
    assert MissionFactory(opened_on=D(2016, 1, 1), opened_precision="year").date_display == "2016"
    assert AssistanceProgramFactory(start_year=2017, end_year=2022).date_display == "2017–2022"
    assert AssistanceProgramFactory(start_year=1998, end_year=None).date_display == "1998"
    plan = AgreementFactory(period_start=2016, period_end=2020)
    assert plan.period_display == "2016–2020"
    mission = MissionFactory(closed_on=D(2020, 3, 1), closed_precision="month")
    assert mission.closed_display == "March 2020"
    head = HeadOfMissionFactory(start_date=D(2016, 1, 1), start_precision="month", end_date=None)
    assert head.term_display == "January 2016"
    head.end_date, head.end_precision = D(2019, 8, 1), "month"
    assert head.term_display == "January 2016 – August 2019"
    head.start_date = None
    assert head.term_display == "until August 2019"


# --- Database constraints: the data's rules hold whatever writes to it -----------------------


def assert_rejected(make):
    """The database refuses the row, and the refusal leaves the transaction usable."""
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


@pytest.mark.django_db
def test_an_event_cannot_end_before_it_starts():
    assert_rejected(lambda: EventFactory(start_date=D(2016, 6, 16), end_date=D(2016, 6, 15)))
    event = EventFactory.build(
        country=CountryFactory(), track=TrackFactory(), start_date=D(2016, 6, 16), end_date=D(2016, 6, 15)
    )
    with pytest.raises(ValidationError, match="The end cannot be before the start"):
        event.full_clean()


@pytest.mark.django_db
def test_period_and_term_ends_cannot_precede_their_starts():
    assert_rejected(lambda: AgreementFactory(period_start=2020, period_end=2016))
    assert_rejected(lambda: MissionFactory(opened_on=D(2016, 1, 1), closed_on=D(2015, 1, 1)))
    assert_rejected(lambda: HeadOfMissionFactory(start_date=D(2016, 1, 1), end_date=D(2015, 12, 1)))
    assert_rejected(lambda: AssistanceProgramFactory(start_year=2020, end_year=2019))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"amount": Decimal("-1")},
        {"amount": Decimal("100"), "currency": ""},
        {"amount": None, "currency": "CAD"},
        {"amount": Decimal("100"), "currency": "EUR"},
        {"other_amount": Decimal("-5"), "other_currency": "USD"},
        {"other_amount": Decimal("5"), "other_currency": ""},
    ],
)
def test_amounts_are_not_negative_and_carry_a_known_currency(fields):
    assert_rejected(lambda: AssistanceProgramFactory(**fields))


@pytest.mark.django_db
def test_an_amount_in_two_currencies_is_kept():
    program = AssistanceProgramFactory(
        amount=Decimal("5700000000"), currency="USD", other_amount=Decimal("6100000000"), other_currency="CAD"
    )
    program.refresh_from_db()
    assert (program.other_amount, program.other_currency) == (Decimal("6100000000.00"), "CAD")
    assert program.amount_display == "USD 5.7 billion (CAD 6.1 billion)"
    assert AssistanceProgramFactory(amount=Decimal("4300000.50"), currency="USD").amount_display == "USD 4,300,000.50"
    assert AssistanceProgramFactory(amount=None, currency="").amount_display == ""


@pytest.mark.django_db
def test_reference_data_rules():
    assert_rejected(lambda: TrackFactory(number=10))
    assert_rejected(lambda: TrackFactory(number=0))
    assert_rejected(
        lambda: Country.objects.create(
            code="XX", name_en="Before ASEAN", name_fr="Avant l'ANASE", asean_member_since=1950
        )
    )
    with pytest.raises(ValidationError):
        Country(code="id", name_en="Lower case", name_fr="Minuscules").full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [EventFactory, AgreementFactory, MissionFactory, AssistanceProgramFactory])
def test_slugs_are_unique(factory):
    factory(slug="the-same")
    assert_rejected(lambda: factory(slug="the-same"))


@pytest.mark.django_db
def test_a_citation_belongs_to_exactly_one_record():
    source = SourceFactory()
    assert_rejected(lambda: Citation.objects.create(source=source, locator="Nowhere"))
    assert_rejected(
        lambda: Citation.objects.create(
            source=source, locator="Twice", event=EventFactory(), agreement=AgreementFactory()
        )
    )
    citation = Citation.objects.create(source=source, locator="Once", mission=MissionFactory())
    assert citation.record_type == "mission"


@pytest.mark.django_db
def test_a_record_cites_a_locator_once_but_may_cite_many():
    event = EventFactory()
    source = SourceFactory()
    CitationFactory(event=event, source=source, locator="A. 1986")
    CitationFactory(event=event, source=source, locator="B. 1997")
    assert_rejected(lambda: CitationFactory(event=event, source=source, locator="A. 1986"))
    assert event.citations.count() == 2
    # Another record may cite the same passage.
    CitationFactory(event=EventFactory(), source=source, locator="A. 1986")


@pytest.mark.django_db
def test_deleting_a_record_deletes_its_citations_but_a_cited_source_is_protected():
    citation = CitationFactory()
    with pytest.raises(ProtectedError, match="protected"), transaction.atomic():
        citation.source.delete()
    citation.event.delete()
    assert not Citation.objects.exists()


# --- Publication -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [EventFactory, AgreementFactory, MissionFactory, AssistanceProgramFactory])
def test_published_leaves_out_drafts(factory):
    published = factory(publication_status="published")
    factory(publication_status="draft")
    assert list(factory._meta.model.objects.published()) == [published]


@pytest.mark.django_db
def test_a_new_record_is_a_draft():
    event = Event.objects.create(
        title_en="T",
        title_fr="T (FR)",
        slug="t",
        summary_en="S",
        summary_fr="S (FR)",
        kind="dialogue",
        start_date=D(2004, 1, 1),
        date_precision="year",
    )
    assert event.publication_status == "draft"
    assert not event.is_published


# --- Natural keys, strings and addresses ---------------------------------------------------


def all_kinds_of_object():
    citation = CitationFactory(event=EventFactory(country=CountryFactory(code="ID")))
    return [
        CountryFactory(code="CA"),
        OrganisationFactory(),
        TrackFactory(number=5),
        PillarFactory(),
        citation.source,
        citation.event,
        AgreementFactory(),
        MissionFactory(),
        HeadOfMissionFactory(),
        AssistanceProgramFactory(),
        citation,
    ]


@pytest.mark.django_db
def test_every_model_is_found_by_its_natural_key():
    for obj in all_kinds_of_object():
        manager = type(obj)._default_manager
        assert manager.get_by_natural_key(*obj.natural_key()) == obj


@pytest.mark.django_db
def test_every_model_has_a_string_and_an_address():
    for obj in all_kinds_of_object():
        assert str(obj)
        assert obj.get_absolute_url().startswith("/")
    # Unsaved: TrackFactory gets or creates by number, and which numbers exist depends on test order.
    assert str(Track(number=3, name_en="Business", name_fr="Affaires")) == "Track 3: Business"
    assert CountryFactory(code="VN").get_absolute_url() == reverse("relations:country-detail", kwargs={"code": "vn"})


@pytest.mark.django_db
def test_a_record_and_its_links_survive_a_natural_key_round_trip():
    """Dumped with natural keys, deleted and loaded back, a record keeps its links and citations."""
    pillar = PillarFactory(slug="economic")
    organisation = OrganisationFactory(slug="asean")
    agreement = AgreementFactory(slug="jdti")
    agreement.pillars.add(pillar)
    event = EventFactory(slug="aem-5", country=CountryFactory(code="LA"), track=TrackFactory(number=1))
    event.pillars.add(pillar)
    event.organisations.add(organisation)
    event.agreements.add(agreement)
    CitationFactory(event=event, source=SourceFactory(slug="saputra-2019"), locator="Track 3 > 7.")
    program = AssistanceProgramFactory(slug="scholarships")
    program.events.add(event)
    mission = MissionFactory(slug="mission-to-asean", country=event.country)
    HeadOfMissionFactory(mission=mission, name="Marie-Louise Hannan")

    models = [
        Country,
        Organisation,
        Track,
        Pillar,
        Source,
        Agreement,
        Event,
        Mission,
        HeadOfMission,
        AssistanceProgram,
        Citation,
    ]
    querysets = [model.objects.all() for model in models]
    dumped = serializers.serialize(
        "json", [obj for qs in querysets for obj in qs], use_natural_foreign_keys=True, use_natural_primary_keys=True
    )
    assert '"pk"' not in dumped  # every model is referred to by its natural key
    for model in reversed(models):
        model.objects.all().delete()

    for obj in serializers.deserialize("json", dumped, handle_forward_references=True):
        obj.save()

    event = Event.objects.get(slug="aem-5")
    assert event.country.code == "LA"
    assert [a.slug for a in event.agreements.all()] == ["jdti"]
    assert [o.slug for o in event.organisations.all()] == ["asean"]
    assert event.citations.get().source.slug == "saputra-2019"
    assert [e.slug for e in AssistanceProgram.objects.get(slug="scholarships").events.all()] == ["aem-5"]
    assert Mission.objects.get(slug="mission-to-asean").heads.get().name == "Marie-Louise Hannan"


def test_a_source_names_its_language():
    assert Source(language="id").language_name == "Indonesian"
    assert Source(language="en").language_name == "English"
    assert Source(language="xx-unknown").language_name == "xx-unknown"
