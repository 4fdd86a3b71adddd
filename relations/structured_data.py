"""schema.org JSON-LD for each detail page, built from the record (one function per type).

Types: Event; Legislation for agreements (schema.org's type for a legal instrument, with its date,
kind and legal force; a joint declaration is not a law, but Legislation is what carries a
"legislationDate" and "legislationLegalForce", and it is a CreativeWork that can name its
sources); GovernmentOrganization for missions; MonetaryGrant for assistance programs. Dates are
given at their precision ("2016", "2016-08", "2016-08-04"). The sources are `isBasedOn` for a
CreativeWork (Legislation) and `subjectOf` for the other types, which are not CreativeWorks.
An agreement's `legislationJurisdiction` is its parties: each country as a Country (an
AdministrativeArea), each organisation by name (Text), as schema.org allows; where it was adopted
is its `locationCreated`. Countries and organisations carry `sameAs` their Wikidata item where it
is known.

`json_ld()` writes the `<script type="application/ld+json">` block, escaped as Django's
`json_script` does, so no text in a record can close the element. It is a data block: browsers do
not run it, and the Content-Security-Policy does not apply to it.
"""

import json
from functools import singledispatch

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .dates import iso_date
from .models import Agreement, AssistanceProgram, Event, Mission

CONTEXT = "https://schema.org"
GOVERNMENT_OF_CANADA = {
    "@type": "GovernmentOrganization",
    "name": "Government of Canada",
    "url": "https://www.canada.ca/",
}

# As django.utils.html.json_script: <, > and & cannot end the script element or start a comment.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

# An agreement's status, as schema.org's LegislationLegalForceStatus.
LEGAL_FORCE = {
    Agreement.Status.IN_FORCE: "https://schema.org/InForce",
    Agreement.Status.COMPLETED: "https://schema.org/NotInForce",
    Agreement.Status.SUPERSEDED: "https://schema.org/NotInForce",
}


def json_ld(data):
    """The `<script type="application/ld+json">` element holding `data`, safely escaped."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def compact(data):
    """`data` without its empty values, so no property says nothing."""
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def source_work(citation):
    source = citation.source
    return compact(
        {
            "@type": "CreativeWork",
            "name": source.title,
            "author": source.author,
            "datePublished": str(source.year) if source.year else None,
            "inLanguage": source.language,
            "url": source.url,
        }
    )


def sources(record):
    seen, works = set(), []
    for citation in record.citations.all():
        if citation.source_id not in seen:
            seen.add(citation.source_id)
            works.append(source_work(citation))
    return works


def country_data(country):
    """A country as schema.org's Country (an AdministrativeArea), with its Wikidata item."""
    return compact(
        {"@type": "Country", "name": country.name, "identifier": country.code, "sameAs": country.wikidata_url}
    )


def organisation_data(organisation):
    return compact({"@type": "Organization", "name": organisation.name, "sameAs": organisation.wikidata_url})


def place(city, country):
    if not (city or country):
        return None
    address = compact(
        {"@type": "PostalAddress", "addressLocality": city, "addressCountry": getattr(country, "code", "")}
    )
    return compact(
        {
            "@type": "Place",
            "name": ", ".join(str(part) for part in (city, country) if part),
            "address": address,
            "containedInPlace": country_data(country) if country else None,
        }
    )


def jurisdiction(agreement):
    """The parties: each country as an AdministrativeArea, each organisation by its name (Text)."""
    return [
        *(country_data(country) for country in agreement.party_countries.all()),
        *(str(organisation.name) for organisation in agreement.party_organisations.all()),
    ]


def common(record, url):
    """What every record's description says, as its model's `schema_type`."""
    return {
        "@context": CONTEXT,
        "@type": record.schema_type,
        "@id": url,
        "url": url,
        "name": record.title,
        "description": record.summary,
    }


@singledispatch
def structured_data(record, url):
    """The record's schema.org description, as a dict; `url` is its permanent address. A content
    type with properties of its own registers its function below."""
    return compact({**common(record, url), "subjectOf": sources(record)})


@structured_data.register
def event_data(event: Event, url):
    return compact(
        {
            **common(event, url),
            "startDate": iso_date(event.start_date, event.date_precision),
            "endDate": iso_date(event.end_date, event.date_precision),
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": place(event.city, event.country),
            "attendee": [organisation_data(org) for org in event.organisations.all()],
            "subjectOf": sources(event),
        }
    )


@structured_data.register
def agreement_data(agreement: Agreement, url):
    return compact(
        {
            **common(agreement, url),
            "legislationType": str(agreement.get_kind_display()),
            "legislationDate": iso_date(agreement.adopted_on, agreement.adopted_precision),
            "legislationLegalForce": LEGAL_FORCE.get(agreement.status),
            "legislationJurisdiction": jurisdiction(agreement),
            "locationCreated": place(agreement.city, agreement.country),
            "sameAs": agreement.text_url,
            "dateModified": agreement.date_modified,
            "isBasedOn": sources(agreement),
        }
    )


@structured_data.register
def mission_data(mission: Mission, url):
    return compact(
        {
            **common(mission, url),
            "address": (place(mission.city, mission.country) or {}).get("address"),
            "foundingDate": iso_date(mission.opened_on, mission.opened_precision),
            "dissolutionDate": iso_date(mission.closed_on, mission.closed_precision),
            "parentOrganization": GOVERNMENT_OF_CANADA,
            "sameAs": mission.website,
            "subjectOf": sources(mission),
        }
    )


@structured_data.register
def program_data(program: AssistanceProgram, url):
    amount = None
    if program.amount is not None:
        value = int(program.amount) if program.amount == program.amount.to_integral() else float(program.amount)
        amount = {"@type": "MonetaryAmount", "currency": program.currency, "value": value}
    return compact(
        {
            **common(program, url),
            "amount": amount,
            "funder": GOVERNMENT_OF_CANADA,
            "sponsor": [organisation_data(org) for org in program.organisations.all()],
            "subjectOf": sources(program),
        }
    )
