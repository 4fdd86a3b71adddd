"""HTTP caching of the public addresses: validators from the cache generation, a 304 without a view
run for a request whose validators match, lifetimes for shared caches, nothing kept for staff, and
validators that change the moment the record does."""

import time

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.http import http_date

from relations import cache, workflow
from relations.models import Event

from . import sample
from .test_pages import PAGES, url

# Beyond the pages: feeds, the calendar, downloads, citation files, the sitemap, French pages.
FILES = [
    ("feed", "", {}),
    ("event-feed", "country=ID", {}),
    ("event-calendar", "", {}),
    ("event-download", "", {"fmt": "csv"}),
    ("agreement-download", "country=ID", {"fmt": "json"}),
    ("event-cite", "", {"slug": "dialogue-0", "fmt": "bib"}),
]


def addresses():
    with translation.override("en"):
        result = [url(name, query, **kwargs) for name, query, kwargs in PAGES + FILES]
    with translation.override("fr"):
        result += [url("event-list", "country=ID"), url("event-detail", slug="dialogue-0")]
    return [*result, reverse("sitemap")]


def read(client, address, **kwargs):
    """A response read to the end, as a server reads it: a streamed file gives its slot back then
    (relations.limits)."""
    response = client.get(address, **kwargs)
    if response.streaming:
        response.getvalue()
    return response


@pytest.fixture(scope="module")
def site(module_db):
    sample.build(2)


def an_hour_old_generation():
    """A generation started an hour ago, so that Last-Modified is sent (only once its second is over)."""
    cache.page_cache().set(cache.GENERATION_KEY, f"{time.time() - 3600:.6f}:test", None)


@pytest.mark.django_db
def test_every_public_address_has_validators_and_answers_a_matching_conditional_get_with_304_without_a_query(
    site, client, django_assert_num_queries
):
    an_hour_old_generation()
    for address in addresses():
        response = read(client, address)
        assert response.status_code == 200, address
        assert response["ETag"].startswith('W/"'), address
        assert response["Cache-Control"] == "public, max-age=0, s-maxage=10, stale-while-revalidate=30", address
        assert "Cookie" in response["Vary"], address
        # A shared cache (nginx, a CDN) never keeps a response that sets a cookie.
        assert not response.cookies, (address, list(response.cookies))
        with django_assert_num_queries(0):
            by_etag = client.get(address, headers={"If-None-Match": response["ETag"]})
            by_date = client.get(address, headers={"If-Modified-Since": response["Last-Modified"]})
        for answer in (by_etag, by_date):
            assert answer.status_code == 304, address
            assert answer.content == b""
            assert answer["ETag"] == response["ETag"]
            assert answer["Cache-Control"] == response["Cache-Control"]
        # Another address's ETag does not match this one.
        assert read(client, address, headers={"If-None-Match": 'W/"something-else"'}).status_code == 200


@pytest.mark.django_db
def test_each_address_has_its_own_etag(site, client):
    etags = {}
    for address in addresses():
        etags.setdefault(read(client, address)["ETag"], []).append(address)
    assert not [same for same in etags.values() if len(same) > 1]


@pytest.mark.django_db
def test_a_published_change_changes_the_validators_at_once(site, client, admin_user):
    an_hour_old_generation()
    address = url("event-list")
    before = client.get(address)
    event = Event.objects.get(slug="dialogue-1")
    workflow.transition(event, workflow.PublicationStatus.DRAFT, admin_user)
    after = client.get(address, headers={"If-None-Match": before["ETag"], "If-Modified-Since": before["Last-Modified"]})
    assert after.status_code == 200
    assert after["ETag"] != before["ETag"]
    assert event.title not in after.content.decode()
    # The taken-down record's own address: no 304 from its old validators, a 404.
    detail = event.get_absolute_url()
    assert client.get(detail, headers={"If-None-Match": before["ETag"]}).status_code == 404


@pytest.mark.django_db
def test_an_edit_saved_in_the_admin_changes_the_etag(site, client, admin_client):
    event = Event.objects.get(slug="dialogue-0")
    with translation.override("en"):
        address = event.get_absolute_url()
    before = client.get(address)["ETag"]
    event.title_en = "A renamed dialogue"
    event.save()
    response = client.get(address, headers={"If-None-Match": before})
    assert response.status_code == 200 and "A renamed dialogue" in response.content.decode()


@pytest.mark.django_db
def test_last_modified_is_when_the_generation_started_and_only_once_its_second_is_over(site, rf):
    request = rf.get("/en/events/")
    started = 1_764_633_600.25  # 2025-12-02 00:00:00.25 UTC, 19:00 the day before in Toronto
    generation = f"{started:.6f}:x"
    assert cache.validators(request, generation, now=started + 0.5)[1] is None
    etag, modified = cache.validators(request, generation, now=started + 1)
    assert modified == 1_764_633_600
    assert http_date(modified) == "Tue, 02 Dec 2025 00:00:00 GMT"
    # The next day (in Toronto): another ETag, and Last-Modified its midnight.
    next_day = started + 6 * 3600
    assert cache.validators(request, generation, now=next_day)[0] != etag
    assert cache.validators(request, generation, now=next_day)[1] == 1_764_651_600  # 05:00 UTC


@pytest.mark.django_db
def test_a_star_never_matches_so_a_missing_record_is_still_a_404(site, client):
    assert client.get(url("event-list"), headers={"If-None-Match": "*"}).status_code == 200
    assert client.get(url("event-detail", slug="no-such-event"), headers={"If-None-Match": "*"}).status_code == 404


@pytest.mark.django_db
def test_staff_get_private_no_store_and_no_304_from_the_public_validators(site, client, admin_client):
    address = url("event-detail", slug="dialogue-0")
    public = client.get(address)
    response = admin_client.get(address, headers={"If-None-Match": public["ETag"]})
    assert response.status_code == 200
    assert "ETag" not in response
    assert set(response["Cache-Control"].replace(" ", "").split(",")) >= {"private", "no-store"}
    assert "public" not in response["Cache-Control"]
    draft = Event.objects.filter(title_en="Unpublished draft").first()
    preview = admin_client.get(draft.get_absolute_url())
    assert preview.status_code == 200 and "no-store" in preview["Cache-Control"]


@pytest.mark.django_db
def test_the_lifetimes_come_from_the_settings(site, client, settings):
    settings.PROXY_CACHE_SECONDS = 120
    settings.PROXY_STALE_SECONDS = 5
    response = client.get(url("home"))
    assert response["Cache-Control"] == "public, max-age=0, s-maxage=120, stale-while-revalidate=5"


@pytest.mark.django_db
def test_the_admin_is_left_alone(site, client):
    assert "ETag" not in client.get(reverse("admin:login"))
    assert "s-maxage" not in client.get(reverse("admin:login")).get("Cache-Control", "")
