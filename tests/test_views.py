import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relations import views
from relations.cache import bump

from .factories import (
    AgreementFactory,
    AssistanceProgramFactory,
    CitationFactory,
    ClaimFactory,
    CountryFactory,
    EventFactory,
    HeadOfMissionFactory,
    MissionFactory,
    OrganisationFactory,
    PillarFactory,
    SourceFactory,
    TrackFactory,
)

CONTENT_FACTORIES = [EventFactory, AgreementFactory, MissionFactory, AssistanceProgramFactory]


@pytest.mark.django_db
def test_home_counts_only_published_records(client):
    EventFactory.create_batch(2)
    EventFactory(publication_status="draft", title="Secret draft")
    response = client.get(reverse("relations:home"))
    assert response.status_code == 200
    counts = {str(section["name"]): section["count"] for section in response.context["sections"]}
    assert counts["events"] == 2
    assert "Secret draft" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("factory", CONTENT_FACTORIES)
def test_a_published_record_has_a_page_and_a_draft_does_not(client, factory):
    published = factory()
    cited = CitationFactory(**{"event": None, published._meta.model_name: published})
    ClaimFactory(discrepancy__citation=cited, value="Heading says 1986.")
    draft = factory(publication_status="draft")
    response = client.get(published.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert published.title in page
    assert "Where the sources disagree: Date" in page and "Heading says 1986." in page and "6–7 May 1997" in page
    assert client.get(draft.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_a_detail_page_links_only_published_related_records(client):
    event = EventFactory()
    event.agreements.add(
        AgreementFactory(title="Public plan"), AgreementFactory(title="Draft plan", publication_status="draft")
    )
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Public plan" in page
    assert "Draft plan" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("factory", CONTENT_FACTORIES)
def test_detail_page_queries_do_not_grow_with_links(client, factory, django_assert_max_num_queries):
    record = factory()
    for _ in range(5):
        CitationFactory(**{"event": None, record._meta.model_name: record})
    with django_assert_max_num_queries(12):
        assert client.get(record.get_absolute_url()).status_code == 200


@pytest.mark.django_db
def test_reference_pages_list_the_published_records_that_name_them(client):
    country = CountryFactory(code="LA", name="Lao PDR", asean_member_since=1997)
    pillar = PillarFactory()
    organisation = OrganisationFactory()
    track = TrackFactory(number=1)
    source = SourceFactory()
    event = EventFactory(country=country, track=track, title="Fifth AEM-Canada Consultation")
    event.pillars.add(pillar)
    event.organisations.add(organisation)
    CitationFactory(event=event, source=source)
    EventFactory(country=country, track=track, publication_status="draft", title="Unpublished meeting")
    for obj in (country, pillar, organisation, track, source):
        response = client.get(obj.get_absolute_url())
        assert response.status_code == 200, obj
        page = response.content.decode()
        assert "Fifth AEM-Canada Consultation" in page
        assert "Unpublished meeting" not in page

    def country_page(code):
        return client.get(reverse("relations:country-detail", kwargs={"code": code}))

    assert "ASEAN member state since 1997" in country_page("la").content.decode()
    assert country_page("LA").status_code == 200
    assert country_page("zz").status_code == 404


@pytest.mark.django_db
def test_a_country_page_names_its_first_missions_and_links_to_the_rest(client):
    country = CountryFactory(code="ID")
    MissionFactory.create_batch(views.MISSIONS_SHOWN, country=country)
    url = reverse("relations:country-detail", kwargs={"code": "id"})

    def missions_named():
        bump()
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
        section = page.split('id="missions-heading"')[1].split("</section>")[0]
        return section.count("<li>"), "All of Canada's missions and offices for" in section, len(queries)

    shown, link, queries = missions_named()
    assert (shown, link) == (views.MISSIONS_SHOWN, False)
    MissionFactory.create_batch(7, country=country)
    assert missions_named() == (views.MISSIONS_SHOWN, True, queries), "as many queries with more missions"


@pytest.mark.django_db
def test_detail_pages_show_dates_amounts_and_heads_at_their_precision(client):
    event = EventFactory(start_date=datetime.date(1997, 5, 6), end_date=datetime.date(1997, 5, 7))
    assert "6–7 May 1997" in client.get(event.get_absolute_url()).content.decode()
    program = AssistanceProgramFactory(amount=10_000_000, currency="CAD", amount_as_stated="$10 juta")
    page = client.get(program.get_absolute_url()).content.decode()
    assert "CAD 10 million" in page and "$10 juta" in page
    head = HeadOfMissionFactory(name="Marie-Louise Hannan", start_date=datetime.date(2016, 1, 1))
    page = client.get(head.mission.get_absolute_url()).content.decode()
    assert "Marie-Louise Hannan, Ambassador of Canada to ASEAN" in page
    assert "<dt>Appointed</dt><dd>January 2016</dd>" in page


@pytest.mark.django_db
def test_a_source_page_describes_the_document_in_its_language(client):
    source = SourceFactory(title="Pelaksanaan Multitrack Diplomacy", language="id", author="M. R. Saputra")
    page = client.get(source.get_absolute_url()).content.decode()
    assert '<h1 lang="id">Pelaksanaan Multitrack Diplomacy</h1>' in page
    assert "Indonesian" in page and "M. R. Saputra" in page
