"""Small factories: each test makes only the data it needs."""

import datetime

import factory

from relations import models


class Factory(factory.django.DjangoModelFactory):
    """Takes a text once, as `title="…"`, for a model that keeps it per language (`title_en`, `title_fr`).

    The English is the text given, the French the same text marked "(FR)", so a page shows which
    language it reads; `title_fr="…"` sets the French itself.
    """

    class Meta:
        abstract = True

    @classmethod
    def _adjust_kwargs(cls, **kwargs):
        for name in list(kwargs):
            if f"{name}_en" in cls.translated_names():
                value = kwargs.pop(name)
                kwargs.setdefault(f"{name}_en", value)
                kwargs.setdefault(f"{name}_fr", f"{value} (FR)" if value else value)
        return kwargs

    @classmethod
    def translated_names(cls):
        return {field.name for field in cls._meta.model._meta.get_fields() if field.name.endswith("_en")}


class CountryFactory(Factory):
    class Meta:
        model = models.Country
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")
    name = factory.Sequence(lambda n: f"Country {n}")


class OrganisationFactory(Factory):
    class Meta:
        model = models.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    country = factory.SubFactory(CountryFactory)


class TrackFactory(Factory):
    class Meta:
        model = models.Track
        django_get_or_create = ["number"]

    number = factory.Sequence(lambda n: n % 9 + 1)
    name = factory.LazyAttribute(lambda track: f"Track name {track.number}")


class PillarFactory(Factory):
    class Meta:
        model = models.Pillar

    name = factory.Sequence(lambda n: f"Pillar {n}")
    slug = factory.Sequence(lambda n: f"pillar-{n}")


class SourceFactory(Factory):
    class Meta:
        model = models.Source

    title = factory.Sequence(lambda n: f"Source document {n}")
    slug = factory.Sequence(lambda n: f"source-{n}")
    author = "Global Affairs Canada"
    year = 2024
    language = "en"


class RecordFactory(Factory):
    class Meta:
        abstract = True

    title = factory.Sequence(lambda n: f"Record {n}")
    slug = factory.Sequence(lambda n: f"record-{n}")
    summary = "A short summary."
    publication_status = models.PublicationStatus.PUBLISHED


class AgreementFactory(RecordFactory):
    class Meta:
        model = models.Agreement

    kind = models.Agreement.Kind.JOINT_DECLARATION
    status = models.Agreement.Status.IN_FORCE
    adopted_on = datetime.date(2011, 10, 3)
    country = factory.SubFactory(CountryFactory)


class EventFactory(RecordFactory):
    class Meta:
        model = models.Event

    kind = models.Event.Kind.DIALOGUE
    start_date = datetime.date(2016, 6, 15)
    end_date = datetime.date(2016, 6, 16)
    city = "Makati"
    country = factory.SubFactory(CountryFactory)
    track = factory.SubFactory(TrackFactory)


class MissionFactory(RecordFactory):
    class Meta:
        model = models.Mission

    kind = models.Mission.Kind.MISSION_TO_ORGANISATION
    city = "Jakarta"
    country = factory.SubFactory(CountryFactory)
    opened_on = datetime.date(2016, 1, 1)
    opened_precision = models.DatePrecision.YEAR


class HeadOfMissionFactory(Factory):
    class Meta:
        model = models.HeadOfMission

    mission = factory.SubFactory(MissionFactory)
    name = factory.Sequence(lambda n: f"Head {n}")
    title = "Ambassador of Canada to ASEAN"
    start_date = datetime.date(2016, 1, 1)
    start_precision = models.DatePrecision.MONTH


class AssistanceProgramFactory(RecordFactory):
    class Meta:
        model = models.AssistanceProgram

    amount = 10_000_000
    currency = models.Currency.CAD
    amount_as_stated = "$10 million over five years"
    start_year = 2017
    end_year = 2022
    sector = models.AssistanceProgram.Sector.EDUCATION


class CitationFactory(Factory):
    class Meta:
        model = models.Citation

    event = factory.SubFactory(EventFactory)
    source = factory.SubFactory(SourceFactory)
    locator = factory.Sequence(lambda n: f"Section {n}")
    quote = "A verbatim passage."


class DiscrepancyFactory(Factory):
    """Sources disagreeing on a record's date: the value on `citation` is followed."""

    class Meta:
        model = models.Discrepancy

    citation = factory.SubFactory(CitationFactory)
    field = models.Discrepancy.Field.DATE
    value = "6–7 May 1997"
    reason = "The record follows the joint press statement: a primary source."


class ClaimFactory(Factory):
    class Meta:
        model = models.Claim

    discrepancy = factory.SubFactory(DiscrepancyFactory)
    citation = factory.LazyAttribute(lambda claim: claim.discrepancy.citation)
    value = "1986 (the heading)"


class EraFactory(Factory):
    class Meta:
        model = models.Era

    slug = factory.Sequence(lambda n: f"era-{n}")
    name = factory.Sequence(lambda n: f"Era {n}")
    start_year = 1982
    end_year = 1997
