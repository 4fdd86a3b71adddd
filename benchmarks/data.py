"""The benchmarks' synthetic dataset, written once: reference data, organisations, rows of events to
import, and one builder per content type for the site benchmark.

Everything is a function of a record's number `n`, so that the same number always gives the same
record: a run can grow a kept database (`benchmark site --keep`) and the fault test can tell from a
slug what its row said.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

import tablib

from relations.models import Agreement, AssistanceProgram, Country, Event, Mission, Organisation, Pillar, Source, Track
from relations.workflow import PublicationStatus

#: Each country's code and the year it joined ASEAN (Canada: never).
COUNTRIES = {
    "BN": 1984,
    "KH": 1999,
    "CA": None,
    "ID": 1967,
    "LA": 1997,
    "MY": 1967,
    "MM": 1997,
    "PH": 1967,
    "SG": 1967,
    "TH": 1967,
    "TL": 2025,
    "VN": 1995,
}
TRACKS = range(1, 10)
PILLARS = ["economic", "political-security", "socio-cultural"]
# Each topic in English and in French.
TOPICS = [
    ("trade", "commerce"),
    ("security", "sécurité"),
    ("education", "éducation"),
    ("health", "santé"),
    ("energy", "énergie"),
    ("environment", "environnement"),
    ("investment", "investissement"),
    ("disaster", "catastrophes"),
    ("scholarship", "bourses"),
    ("fisheries", "pêches"),
    ("transport", "transports"),
    ("culture", "culture"),
]
BODY = (
    "The meeting reviewed cooperation under the work plan and agreed on next steps. Delegations from the "
    "member states and Canada exchanged views on regional developments and on projects under way. "
)
BODY_FR = (
    "La réunion a fait le point sur la coopération prévue au plan de travail et a convenu des prochaines "
    "étapes. Les délégations des États membres et du Canada ont échangé sur l'évolution de la région. "
)
FIRST_DAY = datetime.date(1977, 1, 1)
DAYS = (datetime.date(2026, 1, 1) - FIRST_DAY).days


def country_code(n):
    return list(COUNTRIES)[n % len(COUNTRIES)]


def reference_data():
    """The countries, tracks and pillars every benchmark's records name."""
    Country.objects.bulk_create(
        Country(code=code, name_en=f"Country {code}", name_fr=f"Pays {code}", asean_member_since=year)
        for code, year in COUNTRIES.items()
    )
    Track.objects.bulk_create(Track(number=n, name_en=f"Track {n}", name_fr=f"Voie {n}") for n in TRACKS)
    Pillar.objects.bulk_create(Pillar(slug=slug, name_en=slug, name_fr=f"{slug} (fr)") for slug in PILLARS)


# ---------------------------------------------------------------------------------------------
# Organisations: imported, exported, and linked to the site benchmark's records

DESCRIPTION = "Synthetic organisation number {n}, for the benchmark."


def organisation(n, description=DESCRIPTION):
    """Organisation number n's fields, without its country."""
    return {
        "slug": f"organisation-{n}",
        "name_en": f"Organisation {n}",
        "name_fr": f"Organisation nº {n}",
        "acronym_en": f"O{n}",
        "kind": Organisation.Kind.OTHER,
        "description_en": description.format(n=n),
    }


#: The columns of an organisation's row, as the import reads them: its fields, then its country's code.
ORGANISATION_COLUMNS = [*organisation(0), "country"]


def organisation_rows(count, description=DESCRIPTION):
    """`count` organisations to import: five fields and one foreign key."""
    dataset = tablib.Dataset()
    dataset.dict = [{**organisation(n, description), "country": country_code(n)} for n in range(count)]
    return dataset


# ---------------------------------------------------------------------------------------------
# Events to import: two foreign keys and one many-to-many


def event_pillars(n):
    """The pillars event row n names."""
    return ["economic", "political-security"] if n % 2 else ["socio-cultural"]


def event_row(n, prefix="event"):
    """Event row n, by column, slugged `<prefix>-<n>`."""
    return {
        "slug": f"{prefix}-{n}",
        "title_en": f"Event {n}",
        "title_fr": f"Événement {n}",
        "summary_en": "A synthetic event.",
        "summary_fr": "Un événement synthétique.",
        "kind": Event.Kind.FORUM,
        "start_date": f"{2000 + n % 25}-0{n % 9 + 1}-1{n % 9}",
        "end_date": "",
        "country": country_code(n),
        "track": str(n % 9 + 1),
        "pillars": "; ".join(event_pillars(n)),
    }


def event_rows(numbers, prefix="event", publication_status=None):
    """Events to import, one row for each of `numbers`; with a `publication_status` column when
    one is given (without, the import makes drafts)."""
    status = {"publication_status": publication_status} if publication_status else {}
    dataset = tablib.Dataset()
    dataset.dict = [{**event_row(n, prefix), **status} for n in numbers]
    return dataset


# ---------------------------------------------------------------------------------------------
# The site benchmark's records: one builder per content type


@dataclass
class References:
    """The reference data the records link to, read once per fill."""

    countries: list
    tracks: list
    pillars: list
    organisations: list
    sources: list

    @classmethod
    def load(cls):
        return cls(
            countries=list(Country.objects.order_by("code")),
            tracks=list(Track.objects.all()),
            pillars=list(Pillar.objects.all()),
            organisations=list(Organisation.objects.all()),
            sources=list(Source.objects.all()),
        )

    def country(self, n):
        return self.countries[n % len(self.countries)]


def site_reference_data():
    """The reference data, fifty organisations and two sources; nothing in a database kept from an
    earlier run (benchmark --keep)."""
    if Country.objects.exists():
        return
    reference_data()
    Organisation.objects.bulk_create(Organisation(**organisation(n)) for n in range(50))
    Source.objects.bulk_create(
        Source(slug=f"source-{n}", title=f"Source {n}", author="Global Affairs Canada", language="en") for n in range(2)
    )


def pick(choices, n, count=1):
    """`count` of `choices` for record n: spread over them, and always the same for the same n."""
    return [choices[(n // 7 + k * 5) % len(choices)] for k in range(count)]


def status(n):
    if n % 10 == 9:
        return PublicationStatus.DRAFT
    if n % 50 == 1:
        return PublicationStatus.ARCHIVED
    return PublicationStatus.PUBLISHED


def day(n):
    return FIRST_DAY + datetime.timedelta(days=n * 7919 % DAYS)


def common(model, n):
    """The fields every content type has, for record n of `model`."""
    (topic, sujet), (other, autre) = TOPICS[n % len(TOPICS)], TOPICS[(n // len(TOPICS)) % len(TOPICS)]
    name = model._meta.model_name
    return {
        "slug": f"{name}-{n}",
        "title_en": f"{topic.capitalize()} {name} number {n}",
        "title_fr": f"{sujet.capitalize()} : fiche {name} nº {n}",
        "summary_en": f"A synthetic {name} on {topic} and {other}, for the benchmark.",
        "summary_fr": f"Une fiche synthétique sur {sujet} et {autre}, pour la mesure.",
        "body_en": BODY * 3,
        "body_fr": BODY_FR * 3,
        "publication_status": status(n),
    }


# Each builder returns record n, unsaved, and its many-to-many links ({field: [references]}).


def event(n, refs):
    start = day(n)
    record = Event(
        **common(Event, n),
        kind=Event.Kind.values[n % len(Event.Kind.values)],
        start_date=start,
        end_date=start + datetime.timedelta(days=n % 3) if n % 2 else None,
        city_en="Jakarta",
        city_fr="Jakarta",
        country=refs.country(n),
        track=refs.tracks[n % len(refs.tracks)],
    )
    return record, {"pillars": pick(refs.pillars, n), "organisations": pick(refs.organisations, n)}


def agreement(n, refs):
    record = Agreement(
        **common(Agreement, n),
        kind=Agreement.Kind.values[n % len(Agreement.Kind.values)],
        status=Agreement.Status.IN_FORCE,
        adopted_on=day(n),
        country=refs.country(n),
    )
    return record, {"party_countries": pick(refs.countries, n, 2), "pillars": pick(refs.pillars, n)}


def mission(n, refs):
    record = Mission(
        **common(Mission, n),
        kind=Mission.Kind.EMBASSY,
        city_en="Jakarta",
        city_fr="Jakarta",
        country=refs.country(n),
        opened_on=day(n),
    )
    return record, {"accredited_countries": pick(refs.countries, n, 2)}


def program(n, refs):
    year = day(n).year
    record = AssistanceProgram(
        **common(AssistanceProgram, n),
        amount=1000 * (n % 5000 + 1),
        currency="CAD",
        start_year=year,
        end_year=min(year + n % 6, 2030),
        sector=AssistanceProgram.Sector.values[n % len(AssistanceProgram.Sector.values)],
        status=AssistanceProgram.Status.ONGOING,
    )
    return record, {
        "countries": pick(refs.countries, n, 2),
        "pillars": pick(refs.pillars, n),
        "organisations": pick(refs.organisations, n),
    }


class Synthetic(NamedTuple):
    """How the site benchmark makes one content type's records, and filters its list (a filter that
    matches nothing would measure an empty page, which needs a query less)."""

    model: type
    plural: str  # as the benchmark's report counts them
    per_events: int  # one record for this many events
    build: Callable  # (n, References) -> (unsaved record, {many-to-many field: [references]})
    list_filter: str  # a typical combination, matching some records at every size from 1,000 events

    @property
    def name(self):
        return self.model._meta.model_name


EVENTS = Synthetic(Event, "events", 1, event, "country=ID&country=PH&pillar=economic&year_from=2000")
#: The content types in the synthetic data, in the order the site benchmark fills and measures them.
CONTENT_TYPES = [
    EVENTS,
    Synthetic(Agreement, "agreements", 10, agreement, "country=ID&kind=agreement"),
    Synthetic(Mission, "missions", 100, mission, "country=ID&kind=embassy"),
    Synthetic(AssistanceProgram, "programs", 20, program, "country=VN&sector=education"),
]


def count(kind, events):
    """How many records of `kind` the data has at `events` events."""
    return max(events // kind.per_events, 1)
