"""The map, the charts and the drawn timeline (relations.visuals): each drawing and the table beside
it give the same figures, the figures are the records', and currencies are never added together."""

import datetime
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import override

from relations.models import CONTENT_MODELS, AssistanceProgram, Currency, Era, PublicationStatus

from . import sample
from .factories import (
    AgreementFactory,
    AssistanceProgramFactory,
    CountryFactory,
    EventFactory,
    MissionFactory,
)


class Figures(HTMLParser):
    """The links drawn in each <svg> (their aria-label) and the rows of each table (its cells' text),
    read from a page as a browser would."""

    def __init__(self, html):
        super().__init__()
        self.svg_links, self.tables, self.numbers = [], {}, []
        self.in_svg = 0
        self.table = self.row = self.cell = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "svg":
            self.in_svg += 1
        if self.in_svg:
            self.numbers += [value for name, value in attrs.items() if name in ("x", "y", "width", "height", "d")]
        if tag == "a" and self.in_svg and "aria-label" in attrs:
            self.svg_links.append(attrs)
        elif tag == "table":
            self.table = self.tables.setdefault(attrs.get("id", f"table-{len(self.tables)}"), [])
        elif tag == "tr" and self.table is not None:
            self.row = []
            self.table.append(self.row)
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "br" and self.cell is not None:
            self.cell.append(" ")

    def handle_endtag(self, tag):
        if tag == "svg":
            self.in_svg -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.table = self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def figures(client, address):
    response = client.get(address)
    assert response.status_code == 200, address
    return Figures(response.content.decode())


@pytest.fixture(autouse=True)
def english_afterwards():
    """A French page read here leaves French active in the thread: the next module starts in English."""
    yield
    translation.activate("en")


@pytest.fixture(scope="module")
def record(module_db):
    return sample.build(4)


# ---------------------------------------------------------------------------------------------
# The map
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["relations:home", "relations:country-list"])
def test_the_map_and_its_table_give_each_member_state_the_same_count(client, record, name):
    page = figures(client, reverse(name))
    drawn = {}
    for link in page.svg_links:
        match = re.fullmatch(r"(.+): (\d+) records?", link["aria-label"])
        if match:
            drawn[match[1]] = int(match[2])
    table = {row[0]: int(row[-1]) for row in page.tables["table-0"][1:]}
    # sample.build(4): Indonesia names every agreement (party), mission (country and accreditation)
    # and program, and the events placed there; the Philippines the agreements, programs and its events.
    assert drawn == table == {"Indonesia": 4 + 2 + 4 + 4, "Philippines": 4 + 2 + 4}


@pytest.mark.django_db
def test_the_map_counts_published_records_only_and_marks_canadas_missions(client, record):
    CountryFactory(code="TL", name="Timor-Leste", asean_member_since=2025)
    EventFactory(country_id=record["countries"][0].pk, publication_status=PublicationStatus.DRAFT)
    page = figures(client, reverse("relations:country-list"))
    labels = [link["aria-label"] for link in page.svg_links]
    assert "Indonesia: 14 records" in labels
    assert "Timor-Leste: 0 records" in labels
    assert [label for label in labels if label.startswith("Mission of Canada to ASEAN")] == [
        f"Mission of Canada to ASEAN {i}" for i in range(1, 5)
    ]


@pytest.mark.django_db
def test_the_map_counts_once_per_change(client, record, settings, django_assert_num_queries):
    """The counts read every listed record's countries: kept for the cache's generation (the page
    cache off here, so that each request renders), and counted again after a change."""
    settings.PAGE_CACHE_SECONDS = 0
    address = reverse("relations:country-list")
    with CaptureQueriesContext(connection) as first:
        assert "Indonesia: 14 records" in [link["aria-label"] for link in figures(client, address).svg_links]
    # Neither the counts (a query a type) nor the missions' markers (one) are read again.
    with django_assert_num_queries(len(first) - len(CONTENT_MODELS) - 1):
        figures(client, address)
    EventFactory(country_id=record["countries"][0].pk)  # its signal starts a new generation
    with django_assert_num_queries(len(first)):
        assert "Indonesia: 15 records" in [link["aria-label"] for link in figures(client, address).svg_links]
    settings.FIGURES_CACHE_SECONDS = 0
    with django_assert_num_queries(len(first)):
        figures(client, address)


@pytest.mark.django_db
def test_each_filtered_view_of_the_charts_has_its_own_counts(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    AssistanceProgramFactory(start_year=2013, sector=AssistanceProgram.Sector.EDUCATION)
    AssistanceProgramFactory(start_year=2014, sector=AssistanceProgram.Sector.HEALTH)
    address = reverse("relations:assistanceprogram-list") + "?year_from=2013"
    assert [row[0] for row in figures(client, address).tables["table-years"][1:]] == ["2013", "2014"]
    assert [row[0] for row in figures(client, address + "&sector=health").tables["table-years"][1:]] == ["2014"]
    assert [row[0] for row in figures(client, address + "&sector=education").tables["table-years"][1:]] == ["2013"]


@pytest.mark.django_db
def test_french_countries_are_in_french_alphabetical_order(client):
    for code, english, french in [
        ("AE", "Emirates", "Émirats arabes unis"),
        ("FJ", "Fiji", "Fidji"),
        ("ZA", "Zed", "Afrique"),
    ]:
        CountryFactory(code=code, name_en=english, name_fr=french)
    with override("fr"):
        response = client.get(reverse("relations:country-list"))
    names = [country.name_fr for country in response.context["others"] if country.code in ("AE", "FJ", "ZA")]
    assert names == ["Afrique", "Émirats arabes unis", "Fidji"]


# ---------------------------------------------------------------------------------------------
# Assistance
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_program_charts_and_tables_agree_and_never_add_currencies(client):
    common = {"sector": AssistanceProgram.Sector.EDUCATION}
    AssistanceProgramFactory(
        start_year=2013, amount=Decimal(10_000_000), currency=Currency.CAD, amount_as_stated="CAD 10 Juta", **common
    )
    AssistanceProgramFactory(
        start_year=2013, amount=Decimal(2_000_000), currency=Currency.USD, amount_as_stated="US $ 2 juta", **common
    )
    AssistanceProgramFactory(start_year=2016, amount=None, currency="", amount_as_stated="", **common)
    AssistanceProgramFactory(start_year=None, amount=None, currency="", amount_as_stated="", **common)
    page = figures(client, reverse("relations:assistanceprogram-list") + "?year_from=2010")
    years = {link["aria-label"] for link in page.svg_links if link["aria-label"][:4].isdigit()}
    assert years == {"2013: 2 programs, CAD 10 million, USD 2 million", "2016: 1 program"}
    rows = {row[0]: row[1:3] for row in page.tables["table-years"][1:]}
    assert rows == {"2013": ["2", "CAD 10 million USD 2 million"], "2016": ["1", "—"]}
    assert "CAD 12 million" not in str(page.tables) and "12 million" not in str(years)
    # Each currency its own chart of sectors, with the source's wording beside the figure.
    assert page.tables["table-sector-CAD"][1][:2] == ["Education and scholarships", "CAD 10 million"]
    assert "“CAD 10 Juta”" in page.tables["table-sector-CAD"][1][2]
    assert page.tables["table-sector-USD"][1][:2] == ["Education and scholarships", "USD 2 million"]
    assert (
        "1 program has no start year in the sources"
        in client.get(reverse("relations:assistanceprogram-list")).content.decode()
    )


@pytest.mark.django_db
def test_the_program_charts_follow_the_list_filters(client):
    AssistanceProgramFactory(start_year=2013, sector=AssistanceProgram.Sector.EDUCATION)
    AssistanceProgramFactory(start_year=2014, sector=AssistanceProgram.Sector.HEALTH)
    AssistanceProgramFactory(start_year=2014, sector=AssistanceProgram.Sector.HEALTH, publication_status="draft")
    page = figures(client, reverse("relations:assistanceprogram-list") + "?sector=health")
    assert [row[0] for row in page.tables["table-years"][1:]] == ["2014"]


# ---------------------------------------------------------------------------------------------
# The drawn timeline
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_drawn_timeline_and_its_table_agree_and_list_the_undated(client):
    EventFactory(start_date=datetime.date(1982, 6, 1))
    EventFactory(start_date=datetime.date(1982, 9, 1))
    AgreementFactory(adopted_on=datetime.date(1982, 1, 1))
    AgreementFactory(adopted_on=None, title="An undated agreement")
    AssistanceProgramFactory(start_year=None, title="An undated program")
    Era.objects.create(slug="jcc", name_en="JCC years", name_fr="Années du CMC", start_year=1982, end_year=1997)
    response = client.get(reverse("relations:timeline"))
    page = Figures(response.content.decode())
    cells = {link["aria-label"] for link in page.svg_links}
    assert {"1982: 2 events", "1982: 1 of the agreements"} <= cells
    header, *rows = page.tables["table-timeline"]
    assert header == ["Year", "Events", "Agreements", "Missions", "Assistance programs", "Records"]
    assert ["1982", "2", "1", "0", "0", "3"] in rows
    drawn_total = sum(int(re.match(r"\d+: (\d+)", label)[1]) for label in cells)
    assert drawn_total == sum(int(row[-1]) for row in rows)
    html = response.content.decode()
    assert "Not dated in the sources: 2" in html
    assert "An undated agreement" in html and "An undated program" in html
    assert "JCC years" in html


@pytest.mark.django_db
def test_a_bar_of_the_timeline_keeps_the_filters(client):
    EventFactory(start_date=datetime.date(2004, 3, 30))
    page = figures(client, reverse("relations:timeline") + "?type=event&track=1")
    hrefs = [link["href"] for link in page.svg_links]
    assert hrefs and all("type=event" in href and "year_from=" in href for href in hrefs)


@pytest.mark.django_db
def test_a_reversed_year_range_says_so(client):
    response = client.get(reverse("relations:timeline") + "?year_from=2010&year_to=2000")
    assert response.status_code == 200
    assert "The last year (2000) is before the first (2010)" in response.content.decode()


@pytest.mark.django_db
def test_french_drawings_keep_their_numbers_unlocalised(client, record):
    """A French page writes 12,5 for 12.5 in its text; an SVG coordinate must stay 12.5."""
    for name in ("relations:home", "relations:timeline", "relations:assistanceprogram-list"):
        with override("fr"):
            page = figures(client, reverse(name))
        assert page.numbers and not [value for value in page.numbers if "," in value], name


# ---------------------------------------------------------------------------------------------
# Country pages, the Open data page, the footer
# ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_country_page_shows_its_mission_key_dates_and_decades(client, record):
    page = client.get(reverse("relations:country-detail", kwargs={"code": "id"}))
    html = page.content.decode()
    assert "mission or office</h2>" in html
    assert "Head of mission: Head 0" in html
    assert "Joined ASEAN" in html
    decades = Figures(html).tables["table-decades"]
    # Indonesia's 14 records, by the decade of their date (sample.build places them 1977, 1984, 1991, 1998).
    assert sum(int(row[1]) for row in decades[1:]) == 14


@pytest.mark.django_db
def test_the_open_data_page_lists_every_feed_download_and_the_calendar(client):
    html = client.get("/en/open-data/").content.decode()
    for name in ("event", "agreement", "mission", "assistanceprogram"):
        assert f'href="{reverse(f"relations:{name}-feed")}"' in html
        assert f'href="{reverse(f"relations:{name}-download", args=["csv"])}"' in html
    for url in (
        reverse("relations:event-calendar"),
        reverse("sitemap"),
        reverse("api:docs"),
        reverse("relations:feed"),
    ):
        assert f'href="{url}"' in html
    assert "Open Government Licence" in html
    with override("fr"):
        assert reverse("relations:open-data") == "/fr/donnees-ouvertes/"


@pytest.mark.django_db
def test_every_page_links_open_data_in_its_footer_and_describes_itself(client, record):
    for address in ("/en/", "/fr/", "/en/events/", "/en/timeline/", "/en/events/dialogue-0/"):
        html = client.get(address).content.decode()
        footer = html[html.index('<footer class="site-footer">') :]
        assert 'href="/en/open-data/"' in footer or 'href="/fr/donnees-ouvertes/"' in footer, address
        assert re.search(r'<meta name="description" content="[^"]{40,}">', html), address
        assert 'rel="icon"' in html


@pytest.mark.django_db
def test_the_home_page_names_the_site_wide_feed(client):
    html = client.get("/en/").content.decode()
    title = "Canada–ASEAN relations: Atom feed of every record"
    link = f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{reverse("relations:feed")}">'
    assert link in html


@pytest.mark.django_db
def test_staff_edit_eras_in_the_admin(admin_client):
    response = admin_client.post(
        reverse("admin:relations_era_add"),
        {
            "name_en": "Strategic Partnership",
            "name_fr": "Partenariat stratégique",
            "slug": "strategic",
            "start_year": 2023,
        },
    )
    assert response.status_code == 302
    assert Era.objects.get(slug="strategic").years_display == "since 2023"
    reversed_era = admin_client.post(
        reverse("admin:relations_era_add"),
        {"name_en": "Backwards", "name_fr": "À rebours", "slug": "backwards", "start_year": 2000, "end_year": 1990},
    )
    assert "The end cannot be before the start." in reversed_era.content.decode()


@pytest.mark.django_db
def test_the_eras_fixture_cites_records_of_the_content_fixture():
    from django.core.management import call_command

    call_command("loaddata", "reference", "content", "eras", verbosity=0)
    eras = {era.slug: era for era in Era.objects.select_related("event", "agreement")}
    assert [(era.start_year, era.end_year) for era in eras.values()] == [
        (1977, 1981),
        (1982, 1997),
        (1998, 2003),
        (2004, 2022),
        (2023, None),
    ]
    assert eras["strategic-partnership"].record.slug == "asean-canada-strategic-partnership-2023"
    assert eras["joint-cooperation-committee"].record.slug == "joint-cooperation-committee-established-1982"


@pytest.mark.django_db
def test_many_missions_in_one_city_are_one_marker_naming_the_first(client):
    viet_nam = CountryFactory(code="VN", name="Viet Nam", asean_member_since=1995)
    for i in range(7):
        MissionFactory(country=viet_nam, title=f"Office {i}", city="Hanoi")
    response = client.get(reverse("relations:country-list"))
    page = Figures(response.content.decode())
    markers = [link for link in page.svg_links if "class" in link and link["class"] == "map-mission"]
    assert "Hanoi: 7 missions and offices" in [link["aria-label"] for link in markers]
    assert not [link for link in markers if link["aria-label"].startswith("Office")]
    assert reverse("relations:mission-list") + "?country=VN" in [link["href"] for link in markers]
    html = response.content.decode()
    assert all(f">Office {i}</a> (Hanoi)" in html for i in range(5)) and ">Office 5<" not in html
    assert ">and 2 more in Hanoi</a>" in html


@pytest.mark.django_db
def test_a_mission_outside_the_map_is_not_drawn(client):
    canada = CountryFactory(code="CA", name="Canada")
    MissionFactory(country=canada, title="Global Affairs Canada headquarters", city="Ottawa")
    page = figures(client, reverse("relations:country-list"))
    assert not [link for link in page.svg_links if "headquarters" in link["aria-label"]]


@pytest.mark.django_db
def test_a_reversed_year_range_on_a_list_page_says_so(client):
    response = client.get(reverse("relations:event-list") + "?year_from=2010&year_to=2000")
    assert response.status_code == 200
    assert "The last year (2000) is before the first (2010)" in response.content.decode()


@pytest.mark.django_db
def test_the_language_chosen_with_the_toggle_opens_at_the_root(client):
    assert client.get("/", headers={"accept-language": "en"})["Location"] == "/en/"
    # Reading a page sets no cookie: nginx or a CDN may keep it for every reader.
    assert not client.get("/fr/").cookies
    assert client.get("/", headers={"accept-language": "en"})["Location"] == "/en/"
    response = client.get("/language/fr/", {"next": "/fr/pays/"})
    assert (response.status_code, response["Location"]) == (302, "/fr/pays/")
    assert response.cookies["django_language"].value == "fr"
    assert "no-store" in response["Cache-Control"]
    assert client.get("/", headers={"accept-language": "en"})["Location"] == "/fr/"


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["//evil.example/fr/", "https://evil.example/", "fr/", "/\\evil.example"])
def test_the_toggle_leads_only_to_this_site(client, target):
    response = client.get("/language/fr/", {"next": target})
    assert (response.status_code, response["Location"]) == (302, "/fr/")


@pytest.mark.django_db
def test_the_toggle_knows_only_the_sites_languages(client):
    assert client.get("/language/de/", {"next": "/de/"}).status_code == 404


@pytest.mark.django_db
def test_the_french_admin_names_its_columns_and_pages_in_french(admin_client):
    from django.contrib.admin.utils import label_for_field

    from relations.models import Event, Mission

    with override("fr"):
        assert (label_for_field("title", Event), label_for_field("city", Mission)) == ("titre", "ville")
        response = admin_client.get(reverse("admin:relations_event_add"), headers={"accept-language": "fr"})
    assert "Ajouter\u00a0: événement" in response.content.decode()
    assert "Ajout de événement" not in response.content.decode()


@pytest.mark.django_db
def test_a_french_search_with_no_match_says_aucune(client):
    with override("fr"):
        html = client.get(reverse("relations:search"), {"q": "zzzzqqq"}).content.decode()
    assert "Aucune fiche ne correspond." in html and "0 fiche correspond" not in html


def test_french_puts_a_no_break_space_before_a_semicolon():
    from pathlib import Path

    catalogue = Path(__file__).resolve().parent.parent / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    translations, current = [], None
    for line in catalogue.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgstr"):
            current = [line.split(" ", 1)[1]]
            translations.append(current)
        elif line.startswith('"') and current is not None:
            current.append(line)
        else:
            current = None
    texts = ["".join(part.strip('"') for part in parts) for parts in translations[1:]]  # [0]: the header
    assert texts and not [text for text in texts if re.search(r"[^\u00a0]; ", text)]
