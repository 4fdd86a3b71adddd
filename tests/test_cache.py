"""The public pages' cache: anonymous pages come from it, staff never do, and a change to the
record is visible at once however it is made."""

import pytest
import tablib
from django.urls import reverse

from relations.models import Event
from relations.resources import EventResource

from .factories import CitationFactory, CountryFactory, EventFactory, TrackFactory
from .test_workflow import event_form, run_action


@pytest.fixture
def event(db):
    event = EventFactory(title="The first dialogue", country=CountryFactory(code="ID"))
    CitationFactory(event=event)
    return event


def public_urls(event):
    return [
        reverse("relations:home"),
        reverse("relations:event-list"),
        reverse("relations:event-list") + "?country=ID&page=1",
        event.get_absolute_url(),
        reverse("relations:search") + "?q=dialogue",
        reverse("relations:timeline"),
        event.country.get_absolute_url(),
    ]


def test_an_anonymous_second_request_is_served_from_the_cache_without_a_query(client, event, django_assert_num_queries):
    for url in public_urls(event):
        first = client.get(url)
        assert first.status_code == 200, url
        assert first["X-Cache"] == "miss"
        with django_assert_num_queries(0):
            second = client.get(url)
        assert second["X-Cache"] == "hit", url
        assert second.content == first.content
        # Served from the cache, a page keeps the headers it was stored with…
        assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
        # …and still gets those added above the cache.
        assert second["X-Content-Type-Options"] == "nosniff"


def test_each_querystring_is_its_own_page(client, event):
    EventFactory(title="An older meeting", start_date=event.start_date.replace(year=1990), end_date=None)
    assert client.get(reverse("relations:event-list"), {"year_to": 2000})["X-Cache"] == "miss"
    page = client.get(reverse("relations:event-list"), {"year_to": 2001})
    assert page["X-Cache"] == "miss"
    assert "An older meeting" in page.content.decode()


def test_staff_are_never_served_from_nor_stored_in_the_cache(admin_client, client, event):
    url = event.get_absolute_url()
    client.get(url)  # stored for the public
    for _ in range(2):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert "X-Cache" not in response
    draft = EventFactory(publication_status="draft", title="Not yet public")
    preview = admin_client.get(draft.get_absolute_url())
    assert preview.status_code == 200 and "Not yet public" in preview.content.decode()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_response_that_sets_a_cookie_or_is_private_is_not_stored(client, event, settings, monkeypatch):
    from relations import cache

    class Response:
        status_code = 200
        streaming = False

        def __init__(self, cookies=None, cache_control=""):
            self.cookies = cookies or {}
            self.headers = {"Cache-Control": cache_control}

        def get(self, name, default=""):
            return self.headers.get(name, default)

    assert cache.is_cacheable_response(Response())
    assert not cache.is_cacheable_response(Response(cookies={"csrftoken": "x"}))
    for directive in ["private", "no-store", "max-age=0, no-cache, no-store, must-revalidate, private"]:
        assert not cache.is_cacheable_response(Response(cache_control=directive))


def test_downloads_and_the_admin_are_not_cached(client, event):
    url = reverse("relations:event-download", args=["csv"])
    client.get(url)
    assert "X-Cache" not in client.get(url)
    assert "X-Cache" not in client.get(reverse("admin:login"))


def test_no_page_cache_when_its_lifetime_is_zero(client, event, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get(reverse("relations:home"))
    assert "X-Cache" not in client.get(reverse("relations:home"))


# --- invalidation: each way the record changes shows at once ------------------------------------


def seen(client, url, text):
    response = client.get(url)
    assert response.status_code == 200, url
    return text in response.content.decode()


@pytest.mark.django_db
def test_publishing_and_archiving_in_the_admin_show_at_once(client, admin_client, event):
    draft = EventFactory(publication_status="draft", title="Newly published meeting")
    lists = reverse("relations:event-list")
    home = reverse("relations:home")
    assert not seen(client, lists, "Newly published meeting")
    assert client.get(lists)["X-Cache"] == "hit"
    run_action(admin_client, "publish", draft)
    assert seen(client, lists, "Newly published meeting")
    assert seen(client, home, "Newly published meeting")
    assert client.get(draft.get_absolute_url()).status_code == 200

    run_action(admin_client, "archive", draft)
    assert not seen(client, lists, "Newly published meeting")
    assert "Archived" in client.get(draft.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_editing_in_the_admin_shows_at_once(client, admin_client, event):
    url = event.get_absolute_url()
    assert seen(client, url, "The first dialogue")
    response = admin_client.post(
        reverse("admin:relations_event_change", args=[event.pk]), event_form(event, title_en="The renamed dialogue")
    )
    assert response.status_code == 302, response.context["adminform"].errors if response.context else response
    # The edit of a published record is its draft changes: the public pages show it once published.
    assert not seen(client, url, "The renamed dialogue")
    admin_client.post(reverse("admin:relations_event_draft_step", kwargs={"object_id": event.pk, "step": "publish"}))
    assert seen(client, url, "The renamed dialogue")
    assert seen(client, reverse("relations:event-list"), "The renamed dialogue")


# An imported forum's columns after its title and summary.
FORUM = ("forum", "2020-05-01", "ID", "1", "published")


@pytest.mark.django_db
def test_an_import_shows_at_once(client, event):
    TrackFactory(number=1)
    lists = reverse("relations:event-list")
    assert not seen(client, lists, "Imported forum")
    dataset = tablib.Dataset(
        ("imported-forum", "Imported forum", "Forum importé", "A forum.", "Un forum.", *FORUM),
        headers=[
            "slug",
            "title_en",
            "title_fr",
            "summary_en",
            "summary_fr",
            "kind",
            "start_date",
            "country",
            "track",
            "publication_status",
        ],
    )
    result = EventResource().import_data(dataset)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Event.objects.filter(slug="imported-forum").exists()
    assert seen(client, lists, "Imported forum")
    # An update by import too.
    dataset = tablib.Dataset(
        ("imported-forum", "Imported forum, renamed", "Forum importé", "A forum.", "Un forum.", *FORUM),
        headers=dataset.headers,
    )
    EventResource().import_data(dataset)
    assert seen(client, lists, "Imported forum, renamed")


@pytest.mark.django_db
def test_an_import_drops_the_cache_once_on_commit_and_a_preview_not_at_all(event, django_capture_on_commit_callbacks):
    """However many tables it writes (here inserts, an update and many-to-many links)."""
    from relations import cache

    from .factories import PillarFactory

    TrackFactory(number=1)
    PillarFactory(slug="economic")
    headers = ["slug", "title_en", "title_fr", "summary_en", "summary_fr", "kind", "start_date", "country", "track"]
    headers += ["publication_status", "pillars", "end_date"]
    rows = [(f"forum-{n}", f"Forum {n}", f"Forum {n}", "A.", "Un.", *FORUM, "economic", "") for n in range(30)]
    rows.append((event.slug, "Renamed", "Renommé", "A forum.", "Un forum.", *FORUM, "economic", ""))
    for dry_run, bumps in [(True, 0), (False, 1)]:
        with django_capture_on_commit_callbacks() as callbacks:
            result = EventResource().import_data(tablib.Dataset(*rows, headers=headers), dry_run=dry_run)
        assert not result.has_errors() and not result.has_validation_errors(), result.invalid_rows
        assert result.totals["new"] == 30 and result.totals["update"] == 1
        assert [callback for callback in callbacks if callback is cache._new_generation] == [
            cache._new_generation
        ] * bumps
