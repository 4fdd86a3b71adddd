"""What the map, the charts and the drawn timeline show: the queries that count (each bounded,
whatever the number of records) and the geometry the SVG templates lay out.

Hand-laid SVG in templates rather than a charting library (pygal and the like): their output
carries inline styles and scripts that the site's strict Content-Security-Policy refuses, and
their labels would escape the translation catalogue. A bar is a rectangle; laying one out is a
few lines of arithmetic, kept here so that the templates only place what these functions computed.
"""

import datetime
import json
import math
import unicodedata
from functools import cache
from pathlib import Path

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Count, F, Q, Sum, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext

from .amounts import format_amount
from .cache import per_generation
from .i18n import localized
from .models import CONTENT_MODELS, AssistanceProgram, Country, Era, Mission, content_model
from .selectors import in_years, timeline_entry, timeline_rows

MAP_FILE = Path(__file__).resolve().parent / "data" / "asean-map.json"

# The shades of the map and its legend: 0 records, then four steps up to the most named country.
SHADES = 4


@cache
def map_geometry():
    """The projected outlines (relations/data/asean-map.json, made by scripts/build_map.mjs)."""
    return json.loads(MAP_FILE.read_text(encoding="utf-8"))


def counts_by_country(model):
    """{country id: how many listed `model` records name it}, as the list page's country filter
    selects them (a record naming a country twice, as its place and as a party, counts once).

    One query, a GROUP BY over the (country, record) pairs of each way the type names a country:
    it reads each listed record's pairs once, where a count per country would read them per country.
    """
    pairs = [
        model.objects.listed()
        .filter(**{f"{lookup}__isnull": False})
        .annotate(pair_country=F(lookup), pair_record=F("pk"))
        .values_list("pair_country", "pair_record")
        .order_by()
        for lookup in model.reference_lookups["country"]
    ]
    if len(pairs) == 1:
        grouped = pairs[0].values("pair_country").annotate(n=Count("pair_record")).values_list("pair_country", "n")
        return dict(grouped)
    # Django cannot group a UNION; the database can, around the SQL Django wrote for it.
    sql, params = pairs[0].union(*pairs[1:]).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT pair_country, COUNT(DISTINCT pair_record) FROM ({sql}) pairs GROUP BY pair_country", params
        )
        return dict(cursor.fetchall())


def countries_with_counts():
    """Every country with how many listed records of each type name it (`counts`, in the order of
    CONTENT_MODELS, and `total`): a query a type, once per change (they read every listed record's
    countries), and one for the countries."""
    per_type = per_generation("map-counts", lambda: [counts_by_country(model) for model in CONTENT_MODELS])
    countries = list(Country.objects.all())
    for country in countries:
        country.counts = [counts.get(country.pk, 0) for counts in per_type]
        country.total = sum(country.counts)
    return sort_by_name(countries)


def sort_by_name(countries):
    """Countries in the alphabetical order of the page's language (« Viet Nam » after « Thaïlande »,
    whatever the database's collation): accents only break ties."""

    def key(country):
        name = country.name
        plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
        return (plain.casefold(), name)

    return sorted(countries, key=key)


def shade_steps(highest):
    """The legend's steps: (first, last) counts of each shade above 0."""
    step = max(1, math.ceil(highest / SHADES))
    return [(1 + i * step, (i + 1) * step) for i in range(SHADES) if 1 + i * step <= max(highest, 1)]


def shade_of(count, steps):
    if not count:
        return 0
    return next(i + 1 for i, (_first, last) in enumerate(steps) if count <= last)


# Missions at one place drawn one by one up to this many; beyond, one marker for them all, naming
# the first few, which links to the missions list of that country.
MISSIONS_PER_MARKER = 5


def mission_markers(geometry):
    """Canada's listed missions and offices in the region, by place (their city, or the country's
    middle): a marker each, or one for a place with more than MISSIONS_PER_MARKER (one query)."""
    places = {}
    for mission in Mission.objects.listed().select_related("country").order_by(localized("title")):
        shape = geometry["countries"].get(mission.country.code)
        point = geometry["cities"].get(mission.city_en) or (shape and shape["anchor"])
        if point:
            place = places.setdefault(tuple(point), {"missions": [], "count": 0, "country": mission.country})
            place["count"] += 1
            if len(place["missions"]) <= MISSIONS_PER_MARKER:
                place["missions"].append(mission)
    markers = []
    for (x, y), place in places.items():
        if place["count"] <= MISSIONS_PER_MARKER:
            markers += [{"mission": mission, "x": x, "y": y} for mission in place["missions"]]
        else:
            named = place["missions"][:MISSIONS_PER_MARKER]
            url = reverse("relations:mission-list") + "?" + urlencode({"country": place["country"].code})
            markers.append(
                {
                    "x": x,
                    "y": y,
                    "group": {"count": place["count"], "named": named, "more": place["count"] - len(named), "url": url},
                    "place": named[0].city or place["country"].name,
                }
            )
    return markers


def member_map(countries):
    """The map of the member states: each with its outline, shade and link; the legend; and a
    marker for each of Canada's listed missions and offices in the region (one query)."""
    geometry = map_geometry()
    members = [country for country in countries if country.code in geometry["countries"]]
    steps = shade_steps(max((country.total for country in members), default=0))
    shapes = []
    for country in members:
        shape = geometry["countries"][country.code]
        x, y = shape["anchor"]
        shapes.append(
            {
                "country": country,
                "path": shape["path"],
                "shade": shade_of(country.total, steps),
                # Small states (Singapore, Brunei) get a dot, so that there is something to click.
                "dot": (x, y) if len(shape["path"]) < 600 else None,
            }
        )
    missions = per_generation("map-missions", lambda: mission_markers(geometry), vary=translation.get_language())
    legend = [{"shade": 0, "first": 0, "last": 0}] + [
        {"shade": i + 1, "first": first, "last": last} for i, (first, last) in enumerate(steps)
    ]
    return {
        "width": geometry["width"],
        "height": geometry["height"],
        "context": geometry["context"],
        "shapes": shapes,
        "missions": missions,
        "legend": legend,
        "types": [model._meta.verbose_name_plural for model in CONTENT_MODELS],
    }


# ---------------------------------------------------------------------------------------------
# Assistance programs: by start year and by sector, each currency apart
# ---------------------------------------------------------------------------------------------

# How many programs a bar's table cell and tooltip name, with their source's wording, before "and N more".
NAMED_PER_BAR = 3
# What a named program shows: its title, address and amounts (amount_display reads both).
PROGRAM_FIGURE_FIELDS = (
    *("slug", "title_en", "title_fr", "start_year", "sector"),
    *("amount", "currency", "amount_as_stated", "other_amount", "other_currency"),
)


def program_figures(programs):
    """Charts of the listed `programs` (a list page's filtered queryset): programs per start year,
    and committed amounts per sector in each currency, never summed across currencies.

    Two queries whatever the number of programs: the counts and sums per start year, sector and
    currency, and the few largest programs of each bar with the source's wording of the figure.
    """
    programs = programs.order_by()
    rows = programs.values("start_year", "sector", "currency").annotate(n=Count("pk"), total=Sum("amount"))
    ranked = (
        programs.filter(amount__isnull=False)
        .annotate(
            **{
                f"rank_{field}": Window(
                    RowNumber(), partition_by=[F(field), F("currency")], order_by=[F("amount").desc(), "pk"]
                )
                for field in ("start_year", "sector")
            }
        )
        .filter(Q(rank_start_year__lte=NAMED_PER_BAR) | Q(rank_sector__lte=NAMED_PER_BAR))
        .only(*PROGRAM_FIGURE_FIELDS)
    )
    # Both read every program the filters keep: counted once per change and filter.
    rows, largest = per_generation(
        "program-figures", lambda: (list(rows), list(ranked)), vary=(sql_of(rows), sql_of(ranked))
    )
    by_year = bars(rows, largest, "start_year")
    by_sector = bars(rows, largest, "sector")
    sector_labels = dict(AssistanceProgram.Sector.choices)
    for bar in by_sector:
        bar["label"] = sector_labels.get(bar["key"]) or gettext("No sector given")
    for bar in by_year:
        bar["label"] = str(bar["key"])
    undated = sum(bar["count"] for bar in by_year if bar["key"] is None)
    by_year = [bar for bar in by_year if bar["key"] is not None]
    currencies = sorted({currency for bar in by_sector for currency in bar["amounts"]})
    return {
        "years": column_chart(by_year),
        "undated": undated,
        "sectors": [amount_chart(by_sector, currency) for currency in currencies],
        "total": sum(bar["count"] for bar in by_sector),
    }


def bars(rows, largest, field):
    """One bar a value of `field`: its programs' count, their amounts summed per currency, and the
    largest few programs with an amount (title, address, amount, the source's wording)."""
    found = {}
    for row in rows:
        bar = found.setdefault(row[field], {"key": row[field], "count": 0, "amounts": {}, "named": []})
        bar["count"] += row["n"]
        if row["currency"]:
            bar["amounts"][row["currency"]] = bar["amounts"].get(row["currency"], 0) + row["total"]
    for program in largest:
        if getattr(program, f"rank_{field}") <= NAMED_PER_BAR:
            found[getattr(program, field)]["named"].append(program)
    ordered = sorted(found.values(), key=lambda bar: bar_order(field, bar["key"]))
    for bar in ordered:
        bar["totals"] = [
            (currency, format_amount(total, currency)) for currency, total in sorted(bar["amounts"].items())
        ]
        bar["named"].sort(key=lambda program: (program.currency, -program.amount))
        bar["more"] = bar["count"] - len(bar["named"])
    return ordered


def bar_order(field, key):
    """Years in order, undated last; sectors in the order of their choices, none last."""
    if field == "start_year":
        return (key is None, key or 0)
    values = AssistanceProgram.Sector.values
    return (key not in values, values.index(key) if key in values else 0)


# The charts' frame, in SVG units: the plot area and the room for labels around it.
CHART_WIDTH, CHART_HEIGHT, CHART_LEFT, CHART_BOTTOM = 640, 240, 40, 40


def nice_ceiling(value):
    """The smallest of 1, 2, 5 × a power of ten at or above `value`, for the top of an axis."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def column_chart(bars_):
    """Programs per start year as columns on a continuous axis of years (an empty year shows)."""
    if not bars_:
        return None
    first, last = bars_[0]["key"], bars_[-1]["key"]
    years = last - first + 1
    top = nice_ceiling(max(bar["count"] for bar in bars_))
    plot = CHART_WIDTH - CHART_LEFT
    slot = plot / years
    for bar in bars_:
        bar["height"] = round(bar["count"] / top * CHART_HEIGHT, 1)
        bar["x"] = round(CHART_LEFT + (bar["key"] - first) * slot + slot * 0.15, 1)
        bar["y"] = round(CHART_HEIGHT - bar["height"], 1)
        bar["width"] = round(max(slot * 0.7, 2), 1)
        bar["label_x"] = round(bar["x"] + bar["width"] / 2, 1)
    ticks = [{"value": v, "y": round(CHART_HEIGHT - v / top * CHART_HEIGHT, 1)} for v in axis_values(top)]
    year_ticks = [
        {"year": year, "x": round(CHART_LEFT + (year - first + 0.5) * slot, 1)}
        for year in range(first, last + 1)
        if year in (first, last) or (year % 5 == 0 and first + 2 < year < last - 2)
    ]
    return {
        "bars": bars_,
        "ticks": ticks,
        "year_ticks": year_ticks,
        **chart_frame(),
    }


def amount_chart(bars_, currency):
    """The amounts of one currency per sector, as horizontal bars (the longest is the largest)."""
    rows = [bar for bar in bars_ if currency in bar["amounts"]]
    highest = max(bar["amounts"][currency] for bar in rows)
    row_height = 34
    plot = CHART_WIDTH - 20
    laid = []
    for i, bar in enumerate(rows):
        amount = bar["amounts"][currency]
        width = max(round(float(amount / highest) * plot * 0.75, 1), 2)
        laid.append(
            {
                "bar": bar,
                "amount": format_amount(amount, currency),
                "named": [program for program in bar["named"] if program.currency == currency],
                "y": i * row_height + 18,
                "label_y": i * row_height + 12,
                "width": width,
                "value_x": width + 6,
            }
        )
    return {"currency": currency, "rows": laid, "width": CHART_WIDTH, "height": len(rows) * row_height + 8}


def axis_values(top):
    """Whole numbers from 0 to `top` (a count), at most five of them."""
    step = max(1, math.ceil(top / 4))
    return list(range(0, top + 1, step))


def chart_frame():
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT + CHART_BOTTOM,
        "plot_height": CHART_HEIGHT,
        "left": CHART_LEFT,
        "axis_y": CHART_HEIGHT,
        "label_y": CHART_HEIGHT + 18,
        "year_y": CHART_HEIGHT + 34,
    }


# ---------------------------------------------------------------------------------------------
# The drawn timeline: the four types on one axis of years, with the eras behind them
# ---------------------------------------------------------------------------------------------

TIMELINE_FIRST_YEAR = 1975
# The records undated in the sources that the timeline names below its drawing (all are counted).
UNDATED_SHOWN = 50


def timeline_density(data):
    """How many records of each type the timeline's filters keep, per year, and with no date (the
    year None): one query for the four types, each a GROUP BY on the year (so as many rows as
    years and types, whatever the number of records)."""
    parts = {model: rows for model in CONTENT_MODELS if (rows := timeline_rows(model, data, dated=False)) is not None}
    counts = {model: {} for model in parts}
    grouped = [rows.values("t_type", "t_year").annotate(n=Count("pk")).order_by() for rows in parts.values()]
    if not grouped:
        return counts
    combined = grouped[0].union(*grouped[1:], all=True) if len(grouped) > 1 else grouped[0]
    for row in per_generation("timeline-density", lambda: list(combined), vary=sql_of(combined)):
        counts[content_model(row["t_type"])][row["t_year"]] = row["n"]
    return counts


def undated_records(data):
    """The first UNDATED_SHOWN of the listed records the timeline's filters keep that have no date
    in the sources, by title: one query for the four types."""
    parts = [
        rows.filter(t_year__isnull=True)
        for model in CONTENT_MODELS
        if (rows := timeline_rows(model, data, dated=False)) is not None
    ]
    if not parts:
        return []
    combined = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    first = combined.order_by("t_title", "t_type", "t_pk")[:UNDATED_SHOWN]
    return [timeline_entry(row) for row in per_generation("timeline-undated", lambda: list(first), vary=sql_of(first))]


def sql_of(queryset):
    """A queryset's SQL and parameters: what tells one filtered view's counts from another's. A
    queryset that can match nothing (`none()`, as an invalid filter gives) has no SQL: "empty"."""
    try:
        return queryset.query.sql_with_params()
    except EmptyResultSet:
        return "empty"


def drawn_timeline(data):
    """The timeline drawn: a row per type, a column per year from 1975 (or the filter's first
    year) to this year (or its last), each year's records as a bar whose height is their number,
    and the eras behind. Each bar links to the timeline of that year with the other filters kept."""
    this_year = datetime.date.today().year
    first = max(data.get("year_from") or TIMELINE_FIRST_YEAR, 1900)
    last = min(data.get("year_to") or this_year, 2100)
    if first > last:
        return None
    counts = timeline_density(data)
    undated_count = sum(per_year.pop(None, 0) for per_year in counts.values())
    # Records before 1975 (none so far) still show: the axis starts at the earliest.
    earliest = min((year for per_year in counts.values() for year in per_year), default=first)
    if not data.get("year_from"):
        first = min(first, earliest)
    years = last - first + 1
    left, width, lane, gap = 0, 1000, 44, 10
    slot = width / years
    highest = max((n for per_year in counts.values() for n in per_year.values()), default=1)
    lanes = []
    for i, model in enumerate(CONTENT_MODELS):
        if model not in counts:
            continue
        top = 28 + len(lanes) * (lane + gap)
        cells = []
        for year, n in sorted(counts[model].items()):
            if not first <= year <= last:
                continue
            height = max(round(n / highest * (lane - 4), 1), 3)
            cells.append(
                {
                    "year": year,
                    "count": n,
                    "x": round(left + (year - first) * slot, 1),
                    "y": round(top + lane - height, 1),
                    "width": round(max(slot - 1, 1.5), 1),
                    "height": height,
                    "url": year_url(data, year, model),
                }
            )
        lanes.append(
            {
                "index": i,
                "name": model._meta.verbose_name_plural,
                "model_name": model._meta.model_name,
                "top": top,
                "label_y": top + 12,
                "base": top + lane,
                "cells": cells,
                "total": sum(cell["count"] for cell in cells),
            }
        )
    height = 28 + len(lanes) * (lane + gap) + 24
    eras = []
    for era in Era.objects.select_related("event", "agreement"):
        start, end = max(era.start_year, first), min(era.end_year or this_year, last)
        if start > end:
            continue
        band = (end - start + 1) * slot
        # As much of the name as fits the band (about 6.5 units a letter), on one of two rows.
        fits = max(int(band / 6.5) - 1, 1)
        name = era.name if len(era.name) <= fits else era.name[: max(fits - 1, 1)] + "…"
        eras.append(
            {
                "era": era,
                "label": name,
                "x": round(left + (start - first) * slot, 1),
                "width": round(band, 1),
                "label_x": round(left + (start - first) * slot + 3, 1),
                "label_y": 11 if len(eras) % 2 == 0 else 23,
                "height": height - 24,
            }
        )
    ticks = [
        {"year": year, "x": round(left + (year - first + 0.5) * slot, 1)}
        for year in range(first, last + 1)
        if year % 10 == 0 or (year in (first, last) and years < 15)
    ]
    table = [
        {"year": year, "counts": [counts.get(model, {}).get(year, 0) for model in CONTENT_MODELS]}
        for year in range(first, last + 1)
        if any(counts.get(model, {}).get(year) for model in CONTENT_MODELS)
    ]
    for row in table:
        row["total"] = sum(row["counts"])
        row["url"] = year_url(data, row["year"])
    return {
        "width": width,
        "height": height,
        "axis_y": height - 20,
        "tick_y": height - 6,
        "lanes": lanes,
        "eras": eras,
        "ticks": ticks,
        "first": first,
        "last": last,
        "table": table,
        "types": [model._meta.verbose_name_plural for model in CONTENT_MODELS if model in counts],
        "type_columns": [model in counts for model in CONTENT_MODELS],
        "undated_count": undated_count,
        "undated": undated_records(data) if undated_count else [],
    }


def year_url(data, year, model=None):
    """The timeline of one year, the other filters kept (and one type, for a type's bar)."""
    params = {
        "type": [model._meta.model_name] if model else data.get("type") or [],
        "track": [track.number for track in data.get("track") or []],
        "pillar": [pillar.slug for pillar in data.get("pillar") or []],
        "year_from": year,
        "year_to": year,
        "group": "year",
    }
    return f"{reverse('relations:timeline')}?{urlencode({k: v for k, v in params.items() if v}, doseq=True)}"


# ---------------------------------------------------------------------------------------------
# A country's page: its records per decade, its key dates
# ---------------------------------------------------------------------------------------------


def count_by_decade(model, records, decades):
    """How many `records` there are, and how many in each decade: one query, once per change."""

    def count():
        return records.aggregate(
            total=Count("pk"),
            **{f"d{decade}": Count("pk", filter=in_years(model, decade, decade + 9)) for decade in decades},
        )

    row = dict(per_generation("decade-counts", count, vary=(sql_of(records), list(decades))))
    total = row.pop("total")
    return total, {int(name[1:]): n for name, n in row.items()}


def decade_chart(counts):
    """A small column chart of records per decade, from {decade: count}."""
    decades = sorted(counts)
    highest = max(counts.values(), default=0) or 1
    width, height = 320, 120
    slot = width / len(decades)
    laid = []
    for i, decade in enumerate(decades):
        n = counts[decade]
        bar_height = round(n / highest * (height - 30), 1)
        laid.append(
            {
                "decade": decade,
                "count": n,
                "x": round(i * slot + slot * 0.15, 1),
                "width": round(slot * 0.7, 1),
                "y": round(height - 20 - bar_height, 1),
                "height": bar_height,
                "label_x": round(i * slot + slot / 2, 1),
                "count_y": round(height - 24 - bar_height, 1),
            }
        )
    return {"bars": laid, "width": width, "height": height, "label_y": height - 4, "axis_y": height - 20}
