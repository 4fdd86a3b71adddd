"""A small, realistic record built with the factories: what the browser tests and the
query-count tests look at. `build(n)` makes n records of each type, all cross-linked."""

import datetime
from decimal import Decimal

from relations import models

from .factories import (
    AgreementFactory,
    AssistanceProgramFactory,
    CitationFactory,
    ClaimFactory,
    CountryFactory,
    EventFactory,
    HeadOfMissionFactory,
    MissionFactory,
    OrganisationFactory,
    PillarFactory,
    SourceFactory,
    TrackFactory,
)


def build(n=3):
    """n published records of each content type (and one draft of each), linked to each other,
    to countries, tracks, pillars, organisations and sources, each with two citations."""
    indonesia = CountryFactory(code="ID", name="Indonesia", asean_member_since=1967)
    philippines = CountryFactory(code="PH", name="Philippines", asean_member_since=1967)
    canada = CountryFactory(code="CA", name="Canada")
    countries = [indonesia, philippines, canada]
    track = TrackFactory(number=1, name="Government")
    track2 = TrackFactory(number=2, name="Nongovernment/professional")
    pillars = [
        PillarFactory(slug="political-security", name="Political-Security Community"),
        PillarFactory(slug="economic", name="Economic Community"),
    ]
    organisations = [
        OrganisationFactory(slug="asean-secretariat", name="ASEAN Secretariat", acronym="ASEC", country=indonesia),
        OrganisationFactory(slug="global-affairs-canada", name="Global Affairs Canada", country=canada),
    ]
    sources = [
        SourceFactory(slug="gac-backgrounder", title="Canada–ASEAN relations backgrounder"),
        SourceFactory(
            slug="saputra-2019", title="Pelaksanaan Multitrack Diplomacy", language="id", author="M. R. Saputra"
        ),
    ]
    records = {"events": [], "agreements": [], "missions": [], "programs": []}
    for i in range(n):
        year = 1977 + (i * 7) % 48
        agreement = AgreementFactory(
            title=f"Joint Declaration for Enhanced Partnership {i + 1}",
            slug=f"joint-declaration-{i}",
            summary="Leaders agreed to deepen cooperation in trade, security and development.",
            adopted_on=datetime.date(year, 10, 3),
            country=countries[i % 2],
            period_start=year,
            period_end=year + 5,
        )
        agreement.party_countries.add(*countries)
        agreement.party_organisations.add(organisations[0])
        agreement.pillars.add(pillars[i % 2])
        event = EventFactory(
            title=f"ASEAN–Canada Dialogue {i + 1}",
            slug=f"dialogue-{i}",
            summary="Senior officials reviewed the plan of action and the programs under way.",
            start_date=datetime.date(year, 6, 15),
            end_date=datetime.date(year, 6, 16),
            city="Makati",
            country=countries[i % 2],
            track=[track, track2][i % 2],
        )
        event.pillars.add(*pillars)
        event.organisations.add(*organisations)
        event.agreements.add(agreement)
        mission = MissionFactory(
            title=f"Mission of Canada to ASEAN {i + 1}",
            slug=f"mission-{i}",
            summary="Canada's permanent mission to the Association, accredited to its Secretariat.",
            city="Jakarta",
            country=indonesia,
            opened_on=datetime.date(year, 1, 1),
        )
        mission.accredited_countries.add(indonesia)
        mission.accredited_organisations.add(organisations[0])
        HeadOfMissionFactory(mission=mission, name=f"Head {i}")
        program = AssistanceProgramFactory(
            title=f"Southeast Asia Regional Program {i + 1}",
            slug=f"program-{i}",
            summary="Support for regional integration and disaster management.",
            amount=Decimal("10000000"),
            currency=models.Currency.CAD,
            start_year=year,
            end_year=year + 4,
            status=models.AssistanceProgram.Status.ONGOING,
        )
        program.pillars.add(*pillars)
        program.countries.add(indonesia, philippines)
        program.organisations.add(*organisations)
        program.agreements.add(agreement)
        program.events.add(event)
        for record in (event, agreement, mission, program):
            cited = [
                CitationFactory(**{"event": None, record._meta.model_name: record}, source=source) for source in sources
            ]
        if not records["events"] and len(cited) > 1:
            # The first event's sources disagree on its date: its page shows the discrepancy's table.
            ClaimFactory(discrepancy__citation=event.citations.first(), citation=event.citations.last())
        records["events"].append(event)
        records["agreements"].append(agreement)
        records["missions"].append(mission)
        records["programs"].append(program)
    draft = {"title": "Unpublished draft", "publication_status": models.PublicationStatus.DRAFT}
    for factory in (EventFactory, AgreementFactory, MissionFactory):
        factory(**draft, country=canada)
    AssistanceProgramFactory(**draft)
    records.update(countries=countries, pillars=pillars, organisations=organisations, sources=sources, track=track)
    return records
