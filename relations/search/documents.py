"""What search reads of a record: its entry's text in each language, its year, countries and pillars.

Everything the record says is there: title, summary and body; its kind; its city, with the city's
other names from its country's "also known as"; the countries and organisations it names, with
their acronyms and other names in both languages (a reader types "ASEAN" on a French page too);
its track and pillars; a mission's heads and their titles; its citations' sources, locators and
quotes; its dates written out in each language ("12 May 1997", "May 1997", "1997") and every
year it spans. Each model declares the related rows this reads in `search_related` (below).
"""

import datetime
import functools

from django.db import models
from django.utils import translation

from ..dates import DatePrecision, format_date
from ..i18n import LANGUAGE_CODES, localized
from ..models import Country, Organisation, Pillar, Track

# A program or plan over decades still gets one entry per year, but no more than this many.
MAX_YEARS = 40


def relations_of(model):
    """The names of `model`'s foreign keys and many-to-many fields to reference data, by kind."""
    found = {Country: [], Organisation: [], Pillar: [], Track: []}
    for field in model._meta.get_fields():
        if isinstance(field, models.ForeignKey | models.ManyToManyField) and field.related_model in found:
            found[field.related_model].append(field)
    return found


def loading(model):
    """`model`'s records with everything their entry reads, in a fixed number of queries."""
    relations = relations_of(model)
    select = [field.name for fields in relations.values() for field in fields if not field.many_to_many]
    prefetch = [field.name for fields in relations.values() for field in fields if field.many_to_many]
    prefetch.append("citations__source")
    if hasattr(model, "heads"):
        prefetch.append("heads")
    return model._default_manager.select_related(*select).prefetch_related(*prefetch)


def related(record, kind):
    """The reference rows of `kind` (Country, …) that `record` names, through any of its fields."""
    rows = []
    for field in relations_of(type(record))[kind]:
        if field.many_to_many:
            rows.extend(getattr(record, field.name).all())
        elif (row := getattr(record, field.name)) is not None:
            rows.append(row)
    return list(dict.fromkeys(rows))


def other_names(row):
    """The other names of a country (its first "also known as" line) or an organisation, in both
    languages, with an organisation's acronyms."""
    names = []
    for code in LANGUAGE_CODES:
        text = getattr(row, localized("also_known_as", code))
        if isinstance(row, Country):
            text = text.splitlines()[0] if text.strip() else ""
        names.extend(name.strip() for name in text.replace("\n", ",").split(","))
        if isinstance(row, Organisation):
            names.append(getattr(row, localized("acronym", code)))
    return [name for name in dict.fromkeys(names) if name]


def city_names(city, countries):
    """`city` and its other names, from the city lines of its countries' "also known as"."""
    if not city:
        return []
    names = [city]
    wanted = {part.strip().casefold() for part in city.replace("(", ",").replace(")", ",").split(",")}
    for country in countries:
        for code in LANGUAGE_CODES:
            for line in getattr(country, localized("also_known_as", code)).splitlines()[1:]:
                line_names = [name.strip() for name in line.split(",") if name.strip()]
                if wanted & {name.casefold() for name in line_names}:
                    names.extend(line_names)
    return list(dict.fromkeys(names))


def record_dates(record):
    """The record's date (a date and its precision, or a year) and the years it spans."""
    model = type(record)
    start = getattr(record, model.date_field)
    end = getattr(record, model.end_date_field) if model.end_date_field else None
    precision = getattr(record, model.date_precision_field) if model.date_precision_field else DatePrecision.YEAR
    if isinstance(start, int):
        start = datetime.date(start, 1, 1)
    if isinstance(end, int):
        end = datetime.date(end, 1, 1)
    if start is None:
        return None, DatePrecision.YEAR, []
    last = end.year if end and end.year >= start.year else start.year
    years = list(range(start.year, min(last, start.year + MAX_YEARS) + 1))
    for first_name, last_name in (("period_start", "period_end"), ("start_year", "end_year")):
        first, until = getattr(record, first_name, None), getattr(record, last_name, None)
        if first:
            years.extend(range(first, min(until or first, first + MAX_YEARS) + 1))
    return start, precision, sorted(set(years))


def date_words(start, precision, years):
    """The record's date as a reader may type it in the active language, and its years."""
    words = list(written_dates(start, precision, translation.get_language())) if start is not None else []
    words.extend(str(year) for year in years)
    return words


@functools.lru_cache(maxsize=4096)
def written_dates(start, precision, language):
    """`start` written out to the day and to the month, as far as `precision` allows, in `language`
    (the active one: an argument for the cache). Records share dates: each is written once."""
    return tuple(
        format_date(start, shown)
        for shown in (DatePrecision.DAY, DatePrecision.MONTH)
        if DatePrecision.values.index(precision) >= DatePrecision.values.index(shown)
    )


@functools.lru_cache(maxsize=256)
def kind_label(model, kind, language):
    """The label of `model`'s kind `kind` in `language` (the active one), or "" for a model
    without kinds: what get_kind_display() gives, without reading every choice's label again."""
    if kind is None:
        return ""
    return str(dict(model._meta.get_field("kind").flatchoices).get(kind, kind))


def entry_fields(record):
    """The SearchEntry fields for `record` (a listed record of any content type), and its
    countries and pillars (for the facets)."""
    countries = related(record, Country)
    organisations = related(record, Organisation)
    pillars = related(record, Pillar)
    tracks = related(record, Track)
    start, precision, years = record_dates(record)
    citations = list(record.citations.all())
    heads = list(record.heads.all()) if hasattr(record, "heads") else []
    fields = {
        "record_type": record._meta.model_name,
        "record_id": record.pk,
        "year": start.year if start else None,
        "date": start,
    }
    aliases = [name for row in [*countries, *organisations] for name in other_names(row)]
    quotes = [text for citation in citations for text in (citation.locator, citation.quote, citation.source.title)]
    for code in LANGUAGE_CODES:
        with translation.override(code):
            names = [
                *city_names(getattr(record, "city", ""), countries),
                *(country.name for country in countries),
                *(organisation.name for organisation in organisations),
                *aliases,
                *(head.name for head in heads),
                *(head.title for head in heads),
                *(str(track) for track in tracks),
                *(pillar.name for pillar in pillars),
                kind_label(type(record), getattr(record, "kind", None), code),
                *date_words(start, precision, years),
            ]
            fields[localized("title", code)] = record.title
            fields[localized("summary", code)] = record.summary
            fields[localized("names", code)] = " · ".join(name for name in names if name)
            fields[localized("body", code)] = "\n".join(
                [record.body, *(head.note for head in heads), *(citation.note for citation in citations), *quotes]
            )
    return fields, countries, pillars
