"""The sitemap lists every public page, with lastmod for records, and never a draft; robots.txt
points to it."""

import xml.etree.ElementTree as ET

import pytest

from relations.workflow import PublicationStatus

from . import sample
from .factories import EventFactory

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 10])
def test_the_sitemap_lists_public_pages_and_no_draft(client, size, django_assert_max_num_queries):
    sample.build(size)
    archived = EventFactory(slug="archived", publication_status=PublicationStatus.ARCHIVED)
    review = EventFactory(slug="in-review", publication_status=PublicationStatus.REVIEW)
    # Two queries a section (its count and its page), whatever the number of records.
    with django_assert_max_num_queries(20):
        response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    urls = {url.find("s:loc", NS).text: url.find("s:lastmod", NS) for url in root.findall("s:url", NS)}
    base = "http://testserver"
    for path in ["/en/", "/en/events/", "/en/agreements/", "/en/missions/", "/en/programs/", "/en/timeline/"]:
        assert base + path in urls
    for path in ["/en/events/dialogue-0/", "/en/agreements/joint-declaration-0/", "/en/missions/mission-0/"]:
        assert urls[base + path] is not None, "a record has its lastmod"
    assert f"{base}/en/programs/program-{size - 1}/" in urls
    for path in ["/en/countries/id/", "/en/organisations/asean-secretariat/", "/en/tracks/1/", "/en/pillars/economic/"]:
        assert base + path in urls
    assert base + "/en/sources/saputra-2019/" in urls
    # Every page in French too, each naming the other as its alternate.
    for path in [
        "/fr/",
        "/fr/evenements/",
        "/fr/programmes/",
        "/fr/chronologie/",
        "/fr/pays/",
        "/fr/evenements/dialogue-0/",
    ]:
        assert base + path in urls
    assert base + archived.get_absolute_url() in urls, "an archived record keeps its public page"
    assert base + review.get_absolute_url() not in urls
    assert not any("unpublished" in url or "record-" in url for url in urls), "no draft"


@pytest.mark.django_db
def test_robots_txt_points_to_the_sitemap(client):
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in text.splitlines()
