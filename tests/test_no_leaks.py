"""No unpublished record is named anywhere public.

Drafts and records in review of every type, each linked to published records (and those linked to
them), with heads of mission and citations of their own; then every public address is fetched, in
both languages: the pages (following their links), downloads, feeds, the calendar, the sitemap, the
API (following its links), the JSON-LD in the pages and the citation files. None may name an
unpublished record: not its slug, not its title in either language, nor what belongs to it.
"""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation

from relations.models import Agreement, AssistanceProgram, Event, Mission
from relations.workflow import PublicationStatus

from .factories import (
    AgreementFactory,
    AssistanceProgramFactory,
    CitationFactory,
    CountryFactory,
    EventFactory,
    HeadOfMissionFactory,
    MissionFactory,
    OrganisationFactory,
    PillarFactory,
    SourceFactory,
    TrackFactory,
)

UNPUBLISHED = {"draft": PublicationStatus.DRAFT, "review": PublicationStatus.REVIEW}
FACTORIES = {
    "event": EventFactory,
    "agreement": AgreementFactory,
    "mission": MissionFactory,
    "program": AssistanceProgramFactory,
}
# The most addresses one language's crawl fetches: the data below makes about a hundred; the bound
# keeps a mistake (a link that makes links) from running for ever.
MAX_URLS = 600


def secret(kind, status):
    """The words an unpublished record is known by: slug and title (the French title adds " (FR)")."""
    return f"secret-{kind}-{status}", f"Zqx{kind}{status} hidden title"


@pytest.fixture(scope="module")
def secrets(module_db):
    """Published records of every type, linked to one another and to unpublished ones of every
    type; returns every text that would show an unpublished record if it leaked."""
    country, track = CountryFactory(code="PH"), TrackFactory(number=1)
    pillar, organisation, source = PillarFactory(), OrganisationFactory(country=country), SourceFactory()
    common = {"country": country}
    event = EventFactory(slug="public-event", track=track, **common)
    agreement = AgreementFactory(slug="public-agreement", **common)
    mission = MissionFactory(slug="public-mission", **common)
    program = AssistanceProgramFactory(slug="public-program")
    newer = AgreementFactory(slug="newer-agreement", supersedes=agreement, **common)
    for record in (event, agreement, mission, program, newer):
        cite(record, source)
    event.pillars.set([pillar])
    event.organisations.set([organisation])
    event.agreements.set([agreement])
    program.events.set([event])
    program.agreements.set([agreement])
    program.countries.set([country])
    HeadOfMissionFactory(mission=mission, name="Public Head")

    words = []
    for status, value in UNPUBLISHED.items():
        records = {}
        for kind, factory in FACTORIES.items():
            slug, title = secret(kind, status)
            extra = {"track": track, **common} if kind == "event" else {} if kind == "program" else common
            records[kind] = factory(slug=slug, title=title, publication_status=value, **extra)
            words += [slug, title]
        # Linked both ways to the published records, and to the reference data their pages list.
        records["event"].agreements.set([agreement, records["agreement"]])
        records["event"].pillars.set([pillar])
        records["event"].organisations.set([organisation])
        event.agreements.add(records["agreement"])
        records["agreement"].supersedes = agreement
        records["agreement"].save()
        newer.supersedes = records["agreement"] if status == "draft" else newer.supersedes
        newer.save()
        AgreementFactory(slug=f"published-after-{status}", supersedes=records["agreement"], **common)
        records["agreement"].party_countries.set([country])
        records["agreement"].pillars.set([pillar])
        records["mission"].accredited_organisations.set([organisation])
        records["program"].events.set([event, records["event"]])
        records["program"].agreements.set([agreement, records["agreement"]])
        records["program"].countries.set([country])
        records["program"].pillars.set([pillar])
        program.events.add(records["event"])
        program.agreements.add(records["agreement"])
        head = f"Zqxhead{status}"
        HeadOfMissionFactory(mission=records["mission"], name=head)
        words.append(head)
        for kind, record in records.items():
            quote = f"Zqxquote{kind}{status}"
            cite(record, source, quote=quote)
            words.append(quote)
    assert Event.objects.count() == 3 and Mission.objects.count() == 3
    assert Agreement.objects.published().count() == 4 and AssistanceProgram.objects.count() == 3
    return words


def cite(record, source, **kwargs):
    return CitationFactory(**{"event": None, record._meta.model_name: record}, source=source, **kwargs)


def starting_points(code):
    """The public addresses no page links to (files, feeds, the API), in language `code`."""
    with translation.override(code):
        urls = [reverse("relations:home"), reverse("relations:feed"), reverse("relations:timeline")]
        for name in ("event", "agreement", "mission", "assistanceprogram"):
            urls += [
                reverse(f"relations:{name}-list"),
                reverse(f"relations:{name}-feed"),
                reverse(f"relations:{name}-download", args=["csv"]),
                reverse(f"relations:{name}-download", args=["json"]),
                reverse(f"relations:{name}-list") + "?q=Zqx",
            ]
        urls += [reverse("relations:event-calendar"), reverse("relations:search") + "?q=Zqx"]
    return [*urls, "/sitemap.xml", "/robots.txt", "/api/v1/"]


LINK = re.compile(r"""(?:href|src)="([^"#]+)|<loc>([^<]+)</loc>|"(https?://testserver/[^"]+|/api/v1/[^"]*)\"""")


def links(content):
    for match in LINK.finditer(content):
        yield next(group for group in match.groups() if group).replace("&amp;", "&")


# Files and the API with a filter hold a part of what they hold without one, through the same code:
# their filtered addresses are not fetched (the filtered pages are).
UNFILTERED = re.compile(r"^/api/|\.(csv|json|atom|ics)$")


def is_followed(url):
    parts = urlsplit(url)
    return (
        parts.netloc in ("", "testserver")
        and parts.path.startswith(("/en/", "/fr/", "/api/v1/"))
        and not parts.path.startswith(("/api/v1/schema", "/api/v1/docs"))
        and not (parts.query and UNFILTERED.search(parts.path))
        and "page=" not in parts.query  # the data fits on one page
    )


@pytest.mark.django_db
def test_no_public_address_names_an_unpublished_record(client, secrets):
    seen, leaks = set(), []
    queue = [url for code in ("en", "fr") for url in starting_points(code)]
    while queue:
        url = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        assert len(seen) <= MAX_URLS
        response = client.get(url, HTTP_ACCEPT="application/json" if url.startswith("/api/") else "*/*")
        if response.status_code != 200:  # a link to a page the public may not open names it
            leaks.append((url, response.status_code))
            continue
        content = response.getvalue().decode("utf-8-sig")
        leaks += [(url, word) for word in secrets if word in content]
        for link in links(content):
            absolute = urljoin("http://testserver" + url, link)
            if is_followed(absolute):
                parts = urlsplit(absolute)
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    assert leaks == []
    # What the crawl reached: every kind of address, in both languages.
    for expected in (
        "/en/events/public-event/",
        "/fr/evenements/public-event/",
        "/en/events/public-event/cite.bib",
        "/fr/accords/public-agreement/cite.json",
        "/en/agreements/newer-agreement/",
        "/en/missions/public-mission/",
        "/api/v1/events/public-event/",
        "/api/v1/agreements/newer-agreement/",
        "/api/v1/programs/public-program/",
        "/en/countries/ph/",
    ):
        assert any(url.startswith(expected) for url in seen), expected
