"""The content fixture: every record cited, each citation traceable to its source, dates and amounts sound.

These tests load the shipped fixtures (the exception to "small factories" the guide allows for tests that
check the fixture itself). The checks against the source documents read them from `../shared/seeds/`
beside the checkout, or from RELATIONS_SEEDS_DIR, and are skipped when neither is there.
"""

import datetime
import io
import os
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.html import escape

from relations.amounts import Currency
from relations.dates import truncate_date
from relations.i18n import LANGUAGE_CODES
from relations.models import (
    CONTENT_MODELS,
    Agreement,
    AssistanceProgram,
    Citation,
    Event,
    HeadOfMission,
    Mission,
    Source,
)
from relations.workflow import PublicationStatus

LOCATOR_SEPARATOR = " › "
# A locator part that points into the text rather than naming a heading ("Pendahuluan › paragraph 3").
POSITIONAL = re.compile(r"^paragraph \d+$")
# Kinds of event that are meetings of a numbered or yearly series.
MEETING_KINDS = {
    Event.Kind.DIALOGUE,
    Event.Kind.JCC_MEETING,
    Event.Kind.ECONOMIC_MINISTERS,
    Event.Kind.POST_MINISTERIAL,
    Event.Kind.SUMMIT,
}
FIRST_DAY = datetime.date(1967, 1, 1)  # ASEAN was founded on 8 August 1967.


def seeds_dir():
    return Path(os.environ.get("RELATIONS_SEEDS_DIR") or settings.BASE_DIR.parent / "shared" / "seeds")


def normalised(text):
    """Whitespace folded, so a heading with a non-breaking space matches the locator's plain one."""
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def loaded(module_db):
    """The shipped fixtures, loaded once for the module (each test's changes are rolled back)."""
    call_command("loadcontent", stdout=io.StringIO())


@pytest.fixture
def content(loaded, db):
    pass


@pytest.fixture
def seed_texts(content):
    """Each source's text, found through the seed file its bibliographic details name."""
    directory = seeds_dir()
    if not directory.is_dir():
        pytest.skip(f"The source documents are not at {directory}.")
    texts = {}
    for source in Source.objects.all():
        match = re.search(r"Seed file (\S+\.txt)", source.bibliographic_details)
        assert match, f"{source.slug} does not name its seed file"
        texts[source.slug] = normalised((directory / match.group(1)).read_text(encoding="utf-8"))
    return texts


def all_records():
    for model in CONTENT_MODELS:
        yield from model.objects.all()


def record_year(record):
    if isinstance(record, Event):
        return record.start_date.year
    return None


@pytest.mark.usefixtures("content")
def test_every_content_type_has_records_all_published():
    for model in CONTENT_MODELS:
        assert model.objects.exists(), model
        assert not model.objects.exclude(publication_status=PublicationStatus.PUBLISHED).exists(), model
    assert HeadOfMission.objects.exists()


@pytest.mark.usefixtures("content")
def test_every_record_has_at_least_one_citation():
    uncited = [f"{record._meta.model_name}:{record.slug}" for record in all_records() if not record.citations.exists()]
    assert uncited == []


@pytest.mark.usefixtures("content")
def test_citations_say_where_in_the_source():
    for citation in Citation.objects.all():
        assert citation.locator.strip(), citation.pk
        assert citation.quote.strip(), f"{citation} has no quote"


def test_every_locator_names_headings_that_occur_in_order_in_its_source(seed_texts):
    missing = []
    for citation in Citation.objects.select_related("source"):
        text = seed_texts[citation.source.slug]
        position = 0
        for part in citation.locator.split(LOCATOR_SEPARATOR):
            if POSITIONAL.match(part):
                continue
            found = text.find(normalised(part), position)
            if found < 0:
                missing.append(f"{citation.record.slug}: {part!r} ({citation.source.slug})")
                break
            position = found + len(normalised(part))
    assert missing == []


def test_every_quote_is_verbatim_from_its_source(seed_texts):
    invented = [
        f"{citation.record.slug}: {citation.quote!r}"
        for citation in Citation.objects.select_related("source")
        if normalised(citation.quote) not in seed_texts[citation.source.slug]
    ]
    assert invented == []


@pytest.mark.usefixtures("content")
def test_a_heading_year_other_than_the_events_is_never_silently_dropped():
    """Where an event cites an article item whose heading names another year, the citation says so."""
    silent = []
    for citation in Citation.objects.filter(event__isnull=False).select_related("event"):
        heading = re.search(r"(?:^|› )\d+\. (\d{4}),", citation.locator)
        if not heading or int(heading.group(1)) == record_year(citation.event):
            continue
        year = heading.group(1)
        if year not in citation.discrepancy and year not in citation.note:
            silent.append(f"{citation.event.slug}: heading year {year}")
    assert silent == []


@pytest.mark.usefixtures("content")
def test_no_two_records_describe_the_same_meeting():
    events = list(Event.objects.all())
    same_day_and_place = Counter((event.start_date, event.city, event.country_id) for event in events)
    assert [key for key, count in same_day_and_place.items() if count > 1] == []
    # Each series (dialogues, JCC, economic ministers, post-ministerial, summits) meets at most once a year.
    same_series_year = Counter((event.kind, event.start_date.year) for event in events if event.kind in MEETING_KINDS)
    assert [key for key, count in same_series_year.items() if count > 1] == []
    for model in CONTENT_MODELS:
        for code in LANGUAGE_CODES:
            titles = Counter(model.objects.values_list(f"title_{code}", flat=True))
            assert [title for title, count in titles.items() if count > 1] == [], (model, code)


@pytest.mark.usefixtures("content")
def test_dates_fall_between_1967_and_today_at_their_precision():
    today = datetime.date.today()
    dated = [
        *((e.slug, e.start_date, e.date_precision) for e in Event.objects.all()),
        *((e.slug, e.end_date, e.date_precision) for e in Event.objects.exclude(end_date=None)),
        *((a.slug, a.adopted_on, a.adopted_precision) for a in Agreement.objects.exclude(adopted_on=None)),
        *((m.slug, m.opened_on, m.opened_precision) for m in Mission.objects.exclude(opened_on=None)),
        *((m.slug, m.closed_on, m.closed_precision) for m in Mission.objects.exclude(closed_on=None)),
        *((h.name, h.start_date, h.start_precision) for h in HeadOfMission.objects.exclude(start_date=None)),
        *((h.name, h.end_date, h.end_precision) for h in HeadOfMission.objects.exclude(end_date=None)),
    ]
    for name, value, precision in dated:
        assert FIRST_DAY <= value <= today, (name, value)
        assert value == truncate_date(value, precision), f"{name}: {value} is not truncated to its {precision}"
    for event in Event.objects.exclude(end_date=None):
        assert event.end_date >= event.start_date, event.slug
    years = [
        *AssistanceProgram.objects.values_list("start_year", "end_year"),
        *Agreement.objects.values_list("period_start", "period_end"),
    ]
    for year in (year for pair in years for year in pair if year is not None):
        assert 1967 <= year <= today.year


@pytest.mark.usefixtures("content")
def test_every_amount_has_a_currency_and_its_wording():
    for program in AssistanceProgram.objects.all():
        if program.amount is not None:
            assert program.currency in Currency.values, program.slug
            assert program.amount_as_stated, program.slug
        else:
            assert program.currency == "", program.slug
        if program.other_amount is not None:
            assert program.other_currency in Currency.values, program.slug
    assert AssistanceProgram.objects.exclude(amount=None).exists()


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize(
    ("slug", "start", "end", "precision", "city", "country"),
    [
        ("first-asean-canada-meeting-1977", "1977-02-03", "1977-02-04", "day", "Manila", "PH"),
        ("jcc-11-montreal-1997", "1997-05-06", "1997-05-07", "day", "Montreal", "CA"),
        ("asean-canada-dialogue-6-2009", "2009-06-18", "2009-06-19", "day", "Niagara-on-the-Lake", "CA"),
        ("aem-canada-consultation-3-2014", "2014-08-01", None, "month", "Nay Pyi Taw", "MM"),
        ("aem-canada-consultation-5-2016", "2016-08-04", None, "day", "Vientiane", "LA"),
        ("asean-canada-dialogue-14-2017", "2017-05-08", None, "day", "Ottawa", "CA"),
        ("fta-public-consultations-2018", "2018-09-01", "2018-10-16", "day", "", "CA"),
        ("asean-canada-summit-2023", "2023-09-06", None, "day", "", None),
    ],
)
def test_key_events_have_their_date_and_place(slug, start, end, precision, city, country):
    event = Event.objects.get(slug=slug)
    assert event.start_date == datetime.date.fromisoformat(start)
    assert event.end_date == (datetime.date.fromisoformat(end) if end else None)
    assert event.date_precision == precision
    assert event.city == city
    assert (event.country.code if event.country else None) == country


@pytest.mark.usefixtures("content")
def test_key_facts_beyond_events():
    jdti = Agreement.objects.get(slug="joint-declaration-trade-investment-2011")
    assert (jdti.adopted_on, jdti.adopted_precision, jdti.city, jdti.country.code) == (
        datetime.date(2011, 10, 3),
        "day",
        "Jakarta",
        "ID",
    )
    work_plan = Agreement.objects.get(slug="trade-investment-work-plan-2016-2020")
    assert (work_plan.period_start, work_plan.period_end) == (2016, 2020)
    assert work_plan.supersedes.slug == "trade-investment-work-plan-2012-2015"
    assert work_plan.events.filter(slug="aem-canada-consultation-4-2015").exists()

    mission = Mission.objects.get(slug="mission-of-canada-to-asean")
    assert (mission.city, mission.country.code, mission.opened_on, mission.opened_precision) == (
        "Jakarta",
        "ID",
        datetime.date(2016, 1, 1),
        "year",
    )
    hannan = mission.heads.get(name="Marie-Louise Hannan")
    assert (hannan.start_date, hannan.start_precision) == (datetime.date(2016, 1, 1), "month")

    scholarships = AssistanceProgram.objects.get(slug="scholarships-educational-exchanges-for-development-2017")
    assert (scholarships.amount, scholarships.currency) == (Decimal("10000000"), "CAD")
    announced_at = scholarships.events.get()
    assert (announced_at.start_date, announced_at.city) == (datetime.date(2017, 8, 6), "Manila")

    amounts = {p.slug: (p.amount, p.currency) for p in AssistanceProgram.objects.exclude(amount=None)}
    assert amounts["financial-regulation-training-2013"] == (Decimal("2000000"), "USD")
    assert amounts["development-assistance-asean-region-since-2000"] == (Decimal("4400000000"), "CAD")


@pytest.mark.usefixtures("content")
def test_heading_claims_are_kept_as_discrepancies():
    """The example in docs/content.md, Conventions: the heading names the 4th JCC in 1986 over a
    paragraph about the 11th, 1997."""
    citation = Citation.objects.get(event__slug="jcc-11-montreal-1997")
    assert "1986" in citation.discrepancy and "ke-4" in citation.discrepancy
    thirteenth = Citation.objects.get(event__slug="asean-canada-dialogue-13-2016")
    assert "2017" in thirteenth.discrepancy and "ke-14" in thirteenth.discrepancy
    for code in LANGUAGE_CODES:
        assert Citation.objects.exclude(**{f"discrepancy_{code}": ""}).count() >= 15, code


@pytest.mark.usefixtures("content")
def test_every_record_page_opens_and_shows_its_discrepancies(client):
    for record in all_records():
        response = client.get(record.get_absolute_url())
        assert response.status_code == 200, record.slug
        page = response.content.decode()
        for discrepancy in record.citations.exclude(discrepancy_en="").values_list("discrepancy_en", flat=True):
            assert "Source discrepancy:" in page
            assert escape(discrepancy) in page, record.slug
