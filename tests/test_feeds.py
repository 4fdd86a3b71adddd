"""Atom feeds: they parse as Atom, list recently changed published records newest first, honour the
list page's filters, and never carry a draft."""

import datetime

import feedparser
import pytest
from django.utils import timezone

from relations.feeds import FEED_SIZE
from relations.models import Event
from relations.workflow import PublicationStatus

from . import sample
from .factories import CountryFactory, EventFactory


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def slugs(feed):
    return [entry.link.rstrip("/").rsplit("/", 1)[-1] for entry in feed.entries]


@pytest.mark.django_db
def test_the_overall_feed_has_every_type_newest_change_first_and_no_draft(client):
    sample.build(2)
    old = Event.objects.get(slug="dialogue-0")
    Event.objects.filter(pk=old.pk).update(updated_at=timezone.now() + datetime.timedelta(hours=1))
    feed = parse(client, "/en/feed.atom")
    assert feed.feed.title == "Canada–ASEAN relations: recent changes"
    assert feed.feed.rights == (
        "Open Government Licence – Canada (https://open.canada.ca/en/open-government-licence-canada)"
    )
    assert len(feed.entries) == 8
    assert slugs(feed)[0] == "dialogue-0", "the latest change comes first"
    updated = [entry.updated_parsed for entry in feed.entries]
    assert updated == sorted(updated, reverse=True)
    assert {entry.tags[0].term for entry in feed.entries} == {"event", "agreement", "mission", "assistance program"}
    assert all("Unpublished draft" not in entry.title for entry in feed.entries)
    assert feed.entries[0].link == "http://testserver/en/events/dialogue-0/"


@pytest.mark.django_db
def test_a_type_feed_follows_its_list_page_filters(client):
    indonesia = CountryFactory(code="ID", name="Indonesia")
    EventFactory(slug="in-indonesia", country=indonesia)
    EventFactory(slug="in-canada", country=CountryFactory(code="CA", name="Canada"))
    EventFactory(slug="draft-in-indonesia", country=indonesia, publication_status=PublicationStatus.DRAFT)
    EventFactory(slug="archived-in-indonesia", country=indonesia, publication_status=PublicationStatus.ARCHIVED)
    assert set(slugs(parse(client, "/en/events/feed.atom"))) == {"in-indonesia", "in-canada"}
    filtered = parse(client, "/en/events/feed.atom?country=ID&page=2")
    assert slugs(filtered) == ["in-indonesia"]
    assert filtered.feed.title == "Canada–ASEAN relations: events (filtered)"
    assert filtered.feed.link == "http://testserver/en/events/?country=ID"
    assert slugs(parse(client, "/en/events/feed.atom?year_from=abc")) == []
    assert slugs(parse(client, "/en/agreements/feed.atom")) == []


@pytest.mark.django_db
def test_a_feed_is_bounded_in_entries_and_queries(client, django_assert_max_num_queries):
    for number in range(FEED_SIZE + 5):
        EventFactory(slug=f"event-{number}", end_date=None)
    with django_assert_max_num_queries(5):
        assert len(parse(client, "/en/feed.atom").entries) == FEED_SIZE
    with django_assert_max_num_queries(3):
        assert len(parse(client, "/en/events/feed.atom?o=title").entries) == FEED_SIZE


@pytest.mark.django_db
def test_list_pages_link_to_their_feed_with_their_filters(client):
    EventFactory(country=CountryFactory(code="ID", name="Indonesia"))
    page = client.get("/en/events/?country=ID&page=1").content.decode()
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/en/events/feed.atom?country=ID"' in page
    assert 'href="/en/events/calendar.ics?country=ID"' in page
    assert "calendar.ics" not in client.get("/en/agreements/").content.decode()
