"""schema.org JSON-LD on each detail page: the type that fits, dates at their precision, sources,
and escaping that no record's text can break out of."""

import datetime
import json
import re
from decimal import Decimal

import pytest

from relations.dates import DatePrecision
from relations.structured_data import json_ld

from .factories import (
    AgreementFactory,
    AssistanceProgramFactory,
    CitationFactory,
    CountryFactory,
    EventFactory,
    MissionFactory,
    OrganisationFactory,
)


def json_ld_of(client, record):
    page = client.get(record.get_absolute_url()).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    return json.loads(block)


@pytest.mark.django_db
def test_an_event_is_an_event_dated_at_its_precision_with_its_place_and_sources(client):
    event = EventFactory(
        start_date=datetime.date(2014, 8, 1),
        end_date=None,
        date_precision=DatePrecision.MONTH,
        city="Nay Pyi Taw",
        country=CountryFactory(code="MM", name="Myanmar", wikidata_id="Q836"),
    )
    CitationFactory(event=event)
    data = json_ld_of(client, event)
    assert data["@context"] == "https://schema.org" and data["@type"] == "Event"
    assert data["startDate"] == "2014-08" and "endDate" not in data
    assert data["url"] == "http://testserver" + event.get_absolute_url()
    assert data["location"]["address"] == {
        "@type": "PostalAddress",
        "addressLocality": "Nay Pyi Taw",
        "addressCountry": "MM",
    }
    assert data["location"]["containedInPlace"] == {
        "@type": "Country",
        "name": "Myanmar",
        "identifier": "MM",
        "sameAs": "https://www.wikidata.org/wiki/Q836",
    }
    assert data["subjectOf"][0]["@type"] == "CreativeWork"


@pytest.mark.django_db
def test_the_other_types(client):
    agreement = AgreementFactory(
        adopted_on=datetime.date(1981, 1, 1),
        adopted_precision=DatePrecision.YEAR,
        city="Kuala Lumpur",
        country=CountryFactory(code="MY", name="Malaysia"),
    )
    agreement.party_countries.add(CountryFactory(code="CA", name="Canada", wikidata_id="Q16"))
    agreement.party_organisations.add(OrganisationFactory(name="Association of Southeast Asian Nations"))
    CitationFactory(event=None, agreement=agreement)
    data = json_ld_of(client, agreement)
    # The parties, as schema.org allows: an AdministrativeArea (Country is one) or Text.
    assert data["legislationJurisdiction"] == [
        {"@type": "Country", "name": "Canada", "identifier": "CA", "sameAs": "https://www.wikidata.org/wiki/Q16"},
        "Association of Southeast Asian Nations",
    ]
    assert data["locationCreated"]["@type"] == "Place" and data["locationCreated"]["name"] == "Kuala Lumpur, Malaysia"
    assert data["@type"] == "Legislation"
    assert (data["legislationDate"], data["legislationType"]) == ("1981", "Joint declaration")
    assert data["legislationLegalForce"] == "https://schema.org/InForce"
    assert data["isBasedOn"][0]["name"].startswith("Source document")

    mission = MissionFactory(country=CountryFactory(code="ID", name="Indonesia"))
    data = json_ld_of(client, mission)
    assert data["@type"] == "GovernmentOrganization"
    assert (data["foundingDate"], data["address"]["addressCountry"]) == ("2016", "ID")
    assert data["parentOrganization"]["name"] == "Government of Canada"

    program = AssistanceProgramFactory(amount=Decimal("12500000.50"), currency="USD")
    data = json_ld_of(client, program)
    assert data["@type"] == "MonetaryGrant"
    assert data["amount"] == {"@type": "MonetaryAmount", "currency": "USD", "value": 12500000.5}
    assert data["funder"]["name"] == "Government of Canada"


def test_the_block_cannot_be_closed_by_the_data():
    html = json_ld({"name": "</script><script>alert(1)</script> & <!--"})
    assert html.count("</script>") == 1 and "<script>alert" not in html and "<!--" not in html
    inner = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert json.loads(inner)["name"] == "</script><script>alert(1)</script> & <!--"
