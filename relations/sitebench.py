"""The public site's benchmark (`manage.py benchmark site`): synthetic records and the pages measured.

`fill()` grows a database to a number of events, with agreements, missions and programs in
proportion (a tenth, a hundredth, a twentieth), each with its links, a citation and a history
entry, in bulk. `PAGES` is the one list of what is measured: every public page type, lists
unfiltered, filtered and on their last page.
"""

import datetime

from django.db import connection
from django.urls import reverse
from django.utils.translation import override

from .importing.columns import batched
from .models import (
    CONTENT_MODELS,
    Agreement,
    AssistanceProgram,
    Citation,
    Country,
    Event,
    Mission,
    Organisation,
    Pillar,
    PublicationStatus,
    Source,
    Track,
)

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

#: Each content type's share of the number of events.
PROPORTIONS = {Event: 1, Agreement: 10, Mission: 100, AssistanceProgram: 20}
BATCH = 2000
FIRST_DAY = datetime.date(1977, 1, 1)
DAYS = (datetime.date(2026, 1, 1) - FIRST_DAY).days


def counts_for(events):
    return {model: max(events // share, 1) for model, share in PROPORTIONS.items()}


def reference_data():
    if Country.objects.exists():  # a database kept from an earlier run (benchmark --keep)
        return
    Country.objects.bulk_create(
        Country(code=code, name_en=f"Country {code}", name_fr=f"Pays {code}", asean_member_since=year)
        for code, year in COUNTRIES.items()
    )
    Track.objects.bulk_create(Track(number=n, name_en=f"Track {n}", name_fr=f"Voie {n}") for n in range(1, 10))
    Pillar.objects.bulk_create(Pillar(slug=slug, name_en=slug, name_fr=f"{slug} (fr)") for slug in PILLARS)
    Organisation.objects.bulk_create(
        Organisation(slug=f"organisation-{n}", name_en=f"Organisation {n}", name_fr=f"Organisation nº {n}")
        for n in range(50)
    )
    Source.objects.bulk_create(
        Source(slug=f"source-{n}", title=f"Source {n}", author="Global Affairs Canada", language="en") for n in range(2)
    )


def status(n):
    if n % 10 == 9:
        return PublicationStatus.DRAFT
    if n % 50 == 1:
        return PublicationStatus.ARCHIVED
    return PublicationStatus.PUBLISHED


def common(model, n):
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


def day(n):
    return FIRST_DAY + datetime.timedelta(days=n * 7919 % DAYS)


def build(model, n, refs):
    country = refs["countries"][n % len(refs["countries"])]
    if model is Event:
        start = day(n)
        return Event(
            **common(model, n),
            kind=Event.Kind.values[n % len(Event.Kind.values)],
            start_date=start,
            end_date=start + datetime.timedelta(days=n % 3) if n % 2 else None,
            city_en="Jakarta",
            city_fr="Jakarta",
            country=country,
            track=refs["tracks"][n % len(refs["tracks"])],
        )
    if model is Agreement:
        return Agreement(
            **common(model, n),
            kind=Agreement.Kind.values[n % len(Agreement.Kind.values)],
            status=Agreement.Status.IN_FORCE,
            adopted_on=day(n),
            country=country,
        )
    if model is Mission:
        return Mission(
            **common(model, n),
            kind=Mission.Kind.EMBASSY,
            city_en="Jakarta",
            city_fr="Jakarta",
            country=country,
            opened_on=day(n),
        )
    year = day(n).year
    return AssistanceProgram(
        **common(model, n),
        amount=1000 * (n % 5000 + 1),
        currency="CAD",
        start_year=year,
        end_year=min(year + n % 6, 2030),
        sector=AssistanceProgram.Sector.values[n % len(AssistanceProgram.Sector.values)],
        status=AssistanceProgram.Status.ONGOING,
    )


# Each content type's many-to-many links in the synthetic data: (field, reference list, how many).
LINKS = {
    Event: [("pillars", "pillars", 1), ("organisations", "organisations", 1)],
    Agreement: [("party_countries", "countries", 2), ("pillars", "pillars", 1)],
    Mission: [("accredited_countries", "countries", 2)],
    AssistanceProgram: [
        ("countries", "countries", 2),
        ("pillars", "pillars", 1),
        ("organisations", "organisations", 1),
    ],
}


def fill(events):
    """Grow the database to `events` events and the other types in proportion."""
    refs = {
        "countries": list(Country.objects.order_by("code")),
        "tracks": list(Track.objects.all()),
        "pillars": list(Pillar.objects.all()),
        "organisations": list(Organisation.objects.all()),
        "sources": list(Source.objects.all()),
    }
    for model, target in counts_for(events).items():
        start = model.objects.count()
        for chunk in batched(range(start, target), BATCH):
            records = model.objects.bulk_create([build(model, n, refs) for n in chunk])
            model.history.bulk_history_create(records, default_change_reason="Benchmark")
            for field, ref, count in LINKS[model]:
                m2m = model._meta.get_field(field)
                through = m2m.remote_field.through
                source, target_field = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
                choices = refs[ref]
                through.objects.bulk_create(
                    through(**{source: record.pk, target_field: choices[(n // 7 + k * 5) % len(choices)].pk})
                    for n, record in zip(chunk, records, strict=True)
                    for k in range(count)
                )
            Citation.objects.bulk_create(
                Citation(
                    **{model._meta.model_name: record},
                    source=refs["sources"][n % 2],
                    locator=f"Section {n}",
                    quote="A verbatim passage.",
                )
                for n, record in zip(chunk, records, strict=True)
            )
    if connection.vendor == "postgresql":
        # As autovacuum would have done on a live database: statistics, and the visibility map
        # that lets an index-only scan skip the table.
        tables = sorted(connection.introspection.django_table_names(only_existing=True))
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(connection.ops.quote_name(t) for t in tables)}")


def sample(model, events):
    """A published record in the middle of its table."""
    middle = counts_for(events)[model] // 2
    return (
        model.objects.listed()
        .filter(slug__startswith=f"{model._meta.model_name}-")
        .order_by("pk")[middle // 2 : middle // 2 + 1]
        .get()
    )


# The list filters the benchmark applies: a typical combination for each content type, chosen so
# that each matches some records at every size from 1,000 events (an empty page needs a query less).
FILTERS = {
    Event: "country=ID&country=PH&pillar=economic&year_from=2000",
    Agreement: "country=ID&kind=agreement",
    Mission: "country=ID&kind=embassy",
    AssistanceProgram: "country=VN&sector=education",
}
SEARCH_WORDS = {"en": "trade", "fr": "commerce"}


def pages(events):
    """The pages measured, as (label, URL): the one list, kept here. English pages, then French ones."""
    with override("en"):
        result = english_pages(events)
    # French pages: the filtered list in French order (its own index) and a search with French stemming.
    with override("fr"):
        result += [
            ("event list, filtered, French", f"{reverse('relations:event-list')}?{FILTERS[Event]}"),
            ("search, French", f"{reverse('relations:search')}?q={SEARCH_WORDS['fr']}"),
        ]
    return result


def english_pages(events):
    result = [("home", reverse("relations:home"))]
    for model in CONTENT_MODELS:
        name = model._meta.model_name
        url = reverse(f"relations:{name}-list")
        result += [
            (f"{name} list", url),
            (f"{name} list, filtered", f"{url}?{FILTERS[model]}"),
            (f"{name} list, last page", f"{url}?page=last"),
        ]
    result += [
        (f"{model._meta.model_name} detail", sample(model, events).get_absolute_url()) for model in CONTENT_MODELS
    ]
    result += [
        ("search", f"{reverse('relations:search')}?q={SEARCH_WORDS['en']}"),
        ("timeline", reverse("relations:timeline")),
        ("country", reverse("relations:country-detail", kwargs={"code": "id"})),
    ]
    return result
