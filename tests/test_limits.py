"""The downloads and the calendar are streamed and bounded: rows per file, files per address, files
written at once; staff exempt from the last two."""

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections
from django.urls import reverse

from relations import limits

from .factories import EventFactory

CSV = "/en/events/download.csv"
JSON = "/en/events/download.json"
CALENDAR = "/en/events/calendar.ics"


def read(client, address, **kwargs):
    """A response read to the end, as a server sends it: then its slot is free again."""
    response = client.get(address, **kwargs)
    if response.streaming:
        response.getvalue()
    return response


@pytest.fixture
def events(db):
    return [EventFactory(slug=f"event-{n}") for n in range(3)]


def test_files_are_streamed_and_hold_every_row(client, events):
    for address in (CSV, JSON, CALENDAR):
        response = client.get(address)
        assert response.status_code == 200
        assert response.streaming, address
        body = response.getvalue().decode("utf-8-sig")
        assert all(event.slug in body for event in events), address


def test_a_selection_over_the_cap_is_refused_and_the_list_page_says_how_to_narrow_it(client, events, settings):
    settings.DOWNLOAD_MAX_ROWS = 2
    for address in (CSV, CALENDAR):
        response = client.get(address)
        assert response.status_code == 400
        assert "This selection has 3 records; a download holds at most 2." in response.content.decode()
    page = client.get(reverse("relations:event-list")).content.decode()
    assert "Too many events to download at once (a download holds at most 2)" in page
    assert 'href="/en/events/download.csv' not in page
    assert client.get(CSV, {"q": events[0].title}).status_code == 200  # narrowed: one record


def test_an_address_asking_too_often_waits(client, events, settings):
    settings.DOWNLOAD_RATE = "2/hour"
    assert [read(client, address).status_code for address in (CSV, JSON)] == [200, 200]
    refused = client.get(CALENDAR)
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3601
    assert "Too many downloads from your address" in refused.content.decode()
    # Another address is counted apart.
    assert read(client, CSV, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_files_written_at_once_are_bounded_and_a_finished_one_frees_its_slot(client, events, settings):
    settings.DOWNLOAD_CONCURRENCY = 1
    first = client.get(CSV)  # not read yet: still being sent
    assert first.status_code == 200
    busy = client.get(JSON)
    assert busy.status_code == 503 and busy["Retry-After"] == "5"
    first.getvalue()  # sent to the end: the server closes it
    assert client.get(JSON).status_code == 200


def test_a_response_closed_unread_frees_its_slot(client, events, settings):
    settings.DOWNLOAD_CONCURRENCY = 1
    response = client.head(CSV)
    # Closed unread, as the server does after a HEAD or when a client goes away. (Without closing the
    # test's database connection, as Django's test client does when it closes a response.)
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert client.get(CSV).status_code == 200


def test_staff_are_not_throttled(admin_client, events, settings):
    settings.DOWNLOAD_RATE = "1/hour"
    settings.DOWNLOAD_CONCURRENCY = 0
    assert [admin_client.get(CSV).status_code for _ in range(3)] == [200, 200, 200]  # none read: no slot held


def test_rates(settings):
    assert limits.parse_rate("30/hour") == (30, 3600)
    assert limits.parse_rate("5/minutes") == (5, 60)
    assert limits.parse_rate("") is None
