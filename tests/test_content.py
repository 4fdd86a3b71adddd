"""The content fixture: every record cited, each citation traceable to its source, dates and amounts sound.

These tests load the shipped fixtures (the exception to "small factories" the guide allows for tests that
check the fixture itself). The checks against the source documents read them from `../shared/seeds/`
beside the checkout, or from RELATIONS_SEEDS_DIR, and are skipped when neither is there.
"""

import datetime
import io
import json
import os
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils.html import escape
from django.utils.translation import activate, override

from relations.amounts import Currency
from relations.dates import DateCertainty, truncate_date
from relations.i18n import LANGUAGE_CODES
from relations.models import (
    CONTENT_MODELS,
    Agreement,
    AssistanceProgram,
    Citation,
    Claim,
    Discrepancy,
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
# The passages of the web pages the primary sources are, as read there: URL, date read, text.
WEB_PASSAGES = Path(__file__).parent / "data" / "web_passages.json"


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


@pytest.fixture(autouse=True)
def english_afterwards():
    """A French page's request leaves French active in the thread: give the next test the default."""
    yield
    activate(settings.LANGUAGE_CODE)


@pytest.fixture
def seed_texts(content):
    """Each source's text, found through the seed file its bibliographic details name."""
    directory = seeds_dir()
    if not directory.is_dir():
        pytest.skip(f"The source documents are not at {directory}.")
    return {
        source.slug: normalised((directory / source.seed_file).read_text(encoding="utf-8"))
        for source in Source.objects.exclude(seed_file="")
    }


@pytest.fixture(scope="module")
def web_passages():
    return json.loads(WEB_PASSAGES.read_text(encoding="utf-8"))


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
    for citation in Citation.objects.select_related("source").filter(source__slug__in=seed_texts):
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


def test_every_quote_is_verbatim_from_its_source(seed_texts, web_passages):
    """Quotes from the seed files are in them; quotes from a web page are in a passage of it kept,
    as read there, in tests/data/web_passages.json with its URL and the day it was read."""
    invented = []
    for citation in Citation.objects.select_related("source"):
        source = citation.source
        if source.slug in seed_texts:
            found = normalised(citation.quote) in seed_texts[source.slug]
        else:
            page = web_passages[source.slug]
            assert (page["url"], page["read_on"]) == (source.url, source.accessed_on.isoformat()), source.slug
            found = any(normalised(citation.quote) in normalised(passage) for passage in page["passages"])
        if not found:
            invented.append(f"{citation.record.slug}: {citation.quote!r}")
    assert invented == []


@pytest.mark.usefixtures("content")
def test_every_source_is_a_seed_file_or_a_web_page_read_on_a_given_day(web_passages):
    for source in Source.objects.all():
        assert source.kind in Source.Kind.values, source.slug
        if not source.seed_file:
            assert source.url and source.accessed_on, source.slug
            assert source.slug in web_passages, source.slug
    assert Source.objects.filter(kind=Source.Kind.PRIMARY).count() >= 10


@pytest.mark.usefixtures("content")
def test_a_heading_year_other_than_the_events_is_never_silently_dropped():
    """Where an event cites an article item whose heading names another year, the citation says so."""
    silent = []
    for citation in Citation.objects.filter(event__isnull=False).select_related("event"):
        heading = re.search(r"(?:^|› )\d+\. (\d{4}),", citation.locator)
        if not heading or int(heading.group(1)) == record_year(citation.event):
            continue
        year = heading.group(1)
        claims = Claim.objects.filter(citation=citation).values_list("value_en", flat=True)
        if not any(year in text for text in [citation.note, *claims]):
            silent.append(f"{citation.event.slug}: heading year {year}")
    assert silent == []


@pytest.mark.usefixtures("content")
def test_pre_2005_meetings_cite_a_primary_source_or_say_none_was_found():
    unsupported = []
    for event in Event.objects.filter(kind__in=MEETING_KINDS, start_date__year__lt=2005):
        citations = list(event.citations.select_related("source"))
        if not any(c.source.is_primary for c in citations) and not any(
            "No primary source" in c.note_en and "Aucune source primaire" in c.note_fr for c in citations
        ):
            unsupported.append(event.slug)
    assert unsupported == []
    assert Event.objects.filter(kind__in=MEETING_KINDS, start_date__year__lt=2005).count() >= 10


@pytest.mark.usefixtures("content")
def test_a_meetings_date_comes_from_its_primary_source_where_one_is_cited():
    """An event citing the statement of the meeting has that statement's year, and where the
    sources disagree on the date, the record follows the primary source's."""
    for event in Event.objects.filter(citations__source__kind=Source.Kind.PRIMARY).distinct():
        primary = [c for c in event.citations.select_related("source") if c.source.is_primary]
        statements = [
            c
            for c in primary
            if c.source.published_on
            and c.source.published_on.year - 1 <= event.start_date.year <= c.source.published_on.year
        ]
        if statements:
            assert any(
                str(event.start_date.year) in c.source.title or str(event.start_date.year) in c.quote
                for c in statements
            ) or event.slug.endswith(str(event.start_date.year)), event.slug
    for discrepancy in Discrepancy.objects.filter(field=Discrepancy.Field.DATE).select_related("citation__source"):
        for claim in discrepancy.claims.select_related("citation__source"):
            if claim.citation.source.is_primary:
                assert discrepancy.citation.source.is_primary, (
                    f"{discrepancy} follows a secondary source over a primary one"
                )


@pytest.mark.usefixtures("content")
def test_discrepancies_are_structured_in_both_languages():
    assert Discrepancy.objects.count() >= 16
    for discrepancy in Discrepancy.objects.select_related("citation"):
        claims = list(discrepancy.claims.select_related("citation"))
        assert claims, discrepancy
        for code in LANGUAGE_CODES:
            assert getattr(discrepancy, f"value_{code}").strip(), discrepancy
            assert getattr(discrepancy, f"reason_{code}").strip(), discrepancy
            assert all(getattr(claim, f"value_{code}").strip() for claim in claims), discrepancy
        assert all(claim.citation.record == discrepancy.citation.record for claim in claims), discrepancy


@pytest.mark.usefixtures("content")
def test_meetings_of_officials_and_ministers_are_track_one():
    assert (
        list(Event.objects.filter(kind__in=MEETING_KINDS).exclude(track__number=1).values_list("slug", flat=True)) == []
    )


@pytest.mark.usefixtures("content")
def test_unsure_dates_carry_their_edtf_qualifier():
    miri = Event.objects.get(slug="jcc-10-miri-1995")
    assert (miri.date_certainty, miri.date_edtf, miri.date_display) == (
        DateCertainty.UNCERTAIN,
        "1995?",
        "1995, uncertain",
    )
    ottawa = Event.objects.get(slug="asean-canada-dialogue-14-2017")
    assert ottawa.date_edtf == "?2017-05-08"
    assert ottawa.date_display == "8 May 2017, year uncertain"
    assert Event.objects.get(slug="jcc-5-ottawa-1988").date_edtf == "1988-04-07/1988-04-08"


@pytest.mark.usefixtures("content")
def test_public_source_pages_show_no_working_notes(client):
    for source in Source.objects.all():
        page = client.get(source.get_absolute_url()).content.decode()
        for note in (".txt", "Seed file", "seed", "lost in extraction", "Fichier de départ"):
            assert note not in page, (source.slug, note)


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
        *(
            (h.name, h.credentials_on, h.credentials_precision)
            for h in HeadOfMission.objects.exclude(credentials_on=None)
        ),
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
        ("third-asean-canada-dialogue-manila-1982", "1982-05-25", "1982-05-26", "day", "Manila", "PH"),
        ("jcc-4-bangkok-1986", "1986-11-25", "1986-11-27", "day", "Bangkok", "TH"),
        ("jcc-5-ottawa-1988", "1988-04-07", "1988-04-08", "day", "Ottawa", "CA"),
        ("jcc-6-bandar-seri-begawan-1989", "1989-11-21", "1989-11-22", "day", "Bandar Seri Begawan", "BN"),
        ("jcc-9-ottawa-1994", "1994-06-15", "1994-06-16", "day", "Ottawa", "CA"),
        ("pmc-singapore-1999", "1999-07-27", None, "day", "Singapore", "SG"),
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

    first = Agreement.objects.get(slug="economic-cooperation-agreement-1981")
    revised = Agreement.objects.get(slug="economic-cooperation-agreement-1993")
    assert first.status == Agreement.Status.SUPERSEDED
    assert (revised.supersedes, revised.adopted_on, revised.city) == (first, datetime.date(1993, 7, 28), "Singapore")
    assert revised.events.filter(slug="jcc-9-ottawa-1994").exists()
    assert AssistanceProgram.objects.get(slug="cad-27-million-project-1989").start_year == 1989
    assert Event.objects.filter(slug="brunei-joins-economic-cooperation-1985", start_date__year=1985).exists()

    amounts = {p.slug: (p.amount, p.currency) for p in AssistanceProgram.objects.exclude(amount=None)}
    assert amounts["financial-regulation-training-2013"] == (Decimal("2000000"), "USD")
    assert amounts["development-assistance-asean-region-since-2000"] == (Decimal("4400000000"), "CAD")


@pytest.mark.usefixtures("content")
def test_heading_claims_are_kept_as_structured_discrepancies():
    """The example in docs/content.md: the heading names the 4th JCC in 1986 over a paragraph about
    the 11th, 1997; the record follows the meeting's own joint press release."""
    discrepancy = Discrepancy.objects.get(citation__event__slug="jcc-11-montreal-1997", field="ordinal")
    assert discrepancy.citation.source.is_primary
    (claim,) = discrepancy.claims.all()
    assert claim.citation.source.slug == "saputra-2019" and "1986" in claim.value_en
    assert Event.objects.filter(slug="jcc-4-bangkok-1986").exists()


@pytest.mark.usefixtures("content")
@pytest.mark.parametrize("language", LANGUAGE_CODES)
def test_every_record_page_opens_and_shows_its_discrepancies(client, language):
    with override(language):
        for record in all_records():
            response = client.get(record.get_absolute_url())
            assert response.status_code == 200, record.slug
            page = response.content.decode()
            for discrepancy in Discrepancy.objects.filter(**{f"citation__{record._meta.model_name}": record}):
                assert escape(getattr(discrepancy, f"value_{language}")) in page, record.slug
                assert escape(getattr(discrepancy, f"reason_{language}")) in page, record.slug
                for claim in discrepancy.claims.all():
                    assert escape(getattr(claim, f"value_{language}")) in page, record.slug


@pytest.mark.usefixtures("content")
def test_the_api_carries_corroboration_certainty_and_structured_discrepancies(client):
    data = client.get("/api/v1/events/jcc-5-ottawa-1988/").json()
    assert data["corroboration"] == "primary"
    assert data["date_edtf"] == "1988-04-07/1988-04-08"
    (followed,) = [citation for citation in data["citations"] if citation["discrepancies"]]
    (discrepancy,) = followed["discrepancies"]
    assert followed["source"]["slug"] == "asean-jps-1988-jcc5"
    assert (discrepancy["field"], discrepancy["value_en"], discrepancy["value_fr"]) == (
        "date",
        "7–8 April 1988",
        "7 et 8 avril 1988",
    )
    (claim,) = discrepancy["claims"]
    assert claim["source"]["slug"] == "saputra-2019" and claim["value_en"].startswith("7–8 April 1998")
    assert client.get("/api/v1/events/jcc-10-miri-1995/").json()["date_edtf"] == "1995?"
    assert client.get("/api/v1/events/jcc-10-miri-1995/").json()["corroboration"] == "one-secondary"


def download(client, address):
    response = client.get(address)
    return response.getvalue()


@pytest.mark.usefixtures("content")
def test_the_csv_download_carries_corroboration_edtf_and_discrepancies(client):
    from relations.formats import CSV

    dataset = CSV().create_dataset(download(client, "/fr/evenements/download.csv"))
    rows = {row["slug"]: row for row in dataset.dict}
    row = rows["pmc-singapore-1999"]
    assert (row["corroboration"], row["date_edtf"]) == ("primary", "1999-07-27")
    (discrepancy,) = json.loads(row["discrepancies"])
    assert (discrepancy["field"], discrepancy["value_fr"], discrepancy["source"]) == (
        "place",
        "Singapour",
        "asean-siazon-pmc-1999",
    )
    assert discrepancy["claims"][0]["value_fr"].startswith("les Philippines")
    assert rows["asean-canada-dialogue-14-2017"]["date_edtf"] == "?2017-05-08"
    assert rows["canada-asks-to-join-admm-plus-2012"]["discrepancies"] == ""


@pytest.mark.usefixtures("content")
def test_the_json_download_carries_them_as_the_api_does(client):
    rows = {row["slug"]: row for row in json.loads(download(client, "/fr/evenements/download.json"))}
    row = rows["pmc-singapore-1999"]
    assert (row["corroboration"], row["date_edtf"]) == ("primary", "1999-07-27")
    (followed,) = [citation for citation in row["citations"] if citation["discrepancies"]]
    (discrepancy,) = followed["discrepancies"]
    assert (discrepancy["field"], discrepancy["value_fr"], followed["source"]["slug"]) == (
        "place",
        "Singapour",
        "asean-siazon-pmc-1999",
    )
    assert discrepancy["claims"][0]["value_fr"].startswith("les Philippines")
    assert rows["asean-canada-dialogue-14-2017"]["date_edtf"] == "?2017-05-08"
    assert not any(citation["discrepancies"] for citation in rows["canada-asks-to-join-admm-plus-2012"]["citations"])


@pytest.mark.usefixtures("content")
def test_the_sources_index_cites_each_source_and_the_records_citing_it(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        response = client.get("/en/sources/")
    page = response.content.decode()
    for source in Source.objects.all():
        assert escape(source.title) in page, source.slug
    assert page.index("Joint Press Statement: the Fifth") < page.index("Pelaksanaan Multitrack Diplomacy")
    assert "Fifth Joint Cooperation Committee meeting, Ottawa, April 1988" in page
    assert "read on 2 December 2026" in page
    french = client.get("/fr/sources/").content.decode()
    assert "Source primaire" in french and "consulté le 2 décembre 2026" in french


@pytest.mark.usefixtures("content")
def test_the_about_page_explains_the_method_in_both_languages(client):
    english = client.get("/en/about/").content.decode()
    assert "How conflicts between sources are settled" in english and "How to report an error" in english
    assert 'href="/en/sources/"' in english
    french = client.get("/fr/a-propos/").content.decode()
    assert "Comment les divergences entre les sources sont tranchées" in french
    assert 'href="/fr/a-propos/"' in french and 'href="/fr/sources/"' in french


@pytest.mark.usefixtures("content")
def test_record_pages_show_corroboration_and_heads_as_dated_roles(client):
    page = client.get("/fr/evenements/jcc-10-miri-1995/").content.decode()
    assert "Une seule source secondaire" in page and "1995, date incertaine" in page
    page = client.get("/fr/evenements/first-asean-canada-meeting-1977/").content.decode()
    assert "Pendahuluan › paragraphe 1" in page and "› paragraph 1" not in page
    page = client.get("/fr/missions/mission-of-canada-to-asean/").content.decode()
    assert "<dt>Nomination</dt><dd>janvier 2016</dd>" in page
