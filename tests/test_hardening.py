"""What a security test of the running site found (issue 19), each finding pinned by a test:
unpublished records named in downloads and pages, feeds that carry markup or break on a control
character, and anonymous input that gave a 500."""

import json
import xml.etree.ElementTree as ET

import pytest
from django.test import override_settings
from django.urls import reverse

from relations.models import Event
from relations.workflow import PublicationStatus

from .factories import AgreementFactory, AssistanceProgramFactory, CountryFactory, EventFactory, TrackFactory

DRAFT = PublicationStatus.DRAFT
ATOM = "{http://www.w3.org/2005/Atom}"

# --- drafts named in public downloads and pages ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_downloads_name_no_unpublished_relation(client, fmt):
    secret = AgreementFactory(slug="secret-agreement", title="Secret agreement", publication_status=DRAFT)
    hidden_event = EventFactory(slug="hidden-event", publication_status=PublicationStatus.REVIEW)
    shown = AgreementFactory(slug="shown-agreement")
    event = EventFactory(slug="public-event")
    event.agreements.set([secret, shown])
    AgreementFactory(slug="later-agreement", supersedes=secret)
    program = AssistanceProgramFactory(slug="public-program")
    program.agreements.set([secret, shown])
    program.events.set([hidden_event, event])
    for name in ("event", "agreement", "assistanceprogram"):
        for language in ("en", "fr"):
            with override_language(language):
                content = client.get(reverse(f"relations:{name}-download", args=[fmt])).getvalue().decode("utf-8-sig")
            assert "secret-agreement" not in content
            assert "hidden-event" not in content
            assert "shown-agreement" in content or name == "agreement"
    with override_language("en"):
        events = json.loads(client.get(reverse("relations:event-download", args=["json"])).getvalue())
    # The JSON download is the API's representation: links to the published agreements only.
    assert [[link["slug"] for link in row["agreements"]] for row in events] == [["shown-agreement"]]


def override_language(code):
    from django.utils import translation

    return translation.override(code)


@pytest.mark.django_db
def test_a_published_agreement_does_not_name_the_draft_it_supersedes(client):
    earlier = AgreementFactory(slug="draft-earlier", title="Draft earlier agreement", publication_status=DRAFT)
    later = AgreementFactory(slug="later", supersedes=earlier)
    page = client.get(later.get_absolute_url()).content.decode()
    assert "Draft earlier agreement" not in page
    assert "draft-earlier" not in page
    assert "Supersedes" not in page


@pytest.mark.django_db
def test_a_published_agreement_names_the_published_one_it_supersedes(client):
    earlier = AgreementFactory(slug="earlier", title="Earlier agreement")
    later = AgreementFactory(slug="later", supersedes=earlier)
    page = client.get(later.get_absolute_url()).content.decode()
    assert "Earlier agreement" in page


# --- feeds ------------------------------------------------------------------------------------------


def entries(response):
    assert response.status_code == 200, response.content[:500]
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


@pytest.mark.django_db
def test_feed_summaries_are_plain_text_not_markup(client):
    EventFactory(summary="<img src=x onerror=alert(1)> & more")
    for url in (reverse("relations:feed"), reverse("relations:event-feed")):
        (entry,) = entries(client.get(url))
        summary = entry.find(f"{ATOM}summary")
        assert summary.get("type") == "text"
        assert summary.text == "<img src=x onerror=alert(1)> & more"  # shown as text, never run


@pytest.mark.django_db
def test_a_control_character_in_a_summary_does_not_take_the_feeds_down(client):
    EventFactory(title="Vertical\x0btab", summary="Word's soft\x0bline break and a \x1f unit separator")
    for url in (reverse("relations:feed"), reverse("relations:event-feed")):
        (entry,) = entries(client.get(url))
        assert entry.find(f"{ATOM}summary").text == "Word's soft\nline break and a  unit separator"
        assert entry.find(f"{ATOM}title").text == "Vertical tab"


@pytest.mark.django_db
def test_a_record_cleaned_as_the_admin_cleans_it_loses_its_control_characters():
    event = EventFactory.build(
        country=CountryFactory(), track=TrackFactory(), title="Soft\x0bbreak", summary="One\x0btwo\x07\x1b[0m"
    )
    event.full_clean(validate_unique=False)
    assert (event.title_en, event.summary_en) == ("Soft break", "One\ntwo[0m")
    country = CountryFactory.build(code="XZ", name="Bad\x0cname")
    country.full_clean(validate_unique=False)
    assert country.name_en == "Bad name"


@pytest.mark.django_db
def test_an_import_strips_control_characters():
    from relations.formats import CSV
    from relations.resources import EventResource

    EventFactory(slug="soft-break", publication_status=DRAFT)
    content = b"slug,kind,start_date,title_en,summary_en\nsoft-break,summit,2016-06-15,Soft\x0bbreak,One\x0btwo\x08\n"
    result = EventResource().import_data(CSV().create_dataset(content), dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Event.objects.values_list("title_en", "summary_en").get() == ("Soft break", "One\ntwo")


# --- 500s from anonymous input ------------------------------------------------------------------------

HUGE = "9" * 30


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/en/events/?track=" + HUGE,
        "/en/events/feed.atom?track=" + HUGE,
        "/en/events/download.csv?track=" + HUGE,
        "/en/events/calendar.ics?track=" + HUGE,
        "/en/timeline/?track=" + HUGE,
        "/api/v1/events/?track=" + HUGE,
        "/en/timeline/?page=" + HUGE,
        "/en/events/?page=" + HUGE,
        "/en/search/?q=%00",
        "/en/search/?q=a%00b",
        "/en/events/?q=%00",
        "/api/v1/events/?q=%00",
        "/en/events/?year_from=" + HUGE,
        "/en/countries/%00%00/",
        "/en/tracks/" + HUGE + "/",
    ],
)
def test_bad_numbers_and_nul_bytes_are_never_a_500(client, url):
    EventFactory()
    response = client.get(url)
    assert response.status_code in (200, 400, 404), (url, response.status_code)


@pytest.mark.django_db
def test_search_ignores_a_nul_byte(client):
    EventFactory(title="Dialogue on trade")
    response = client.get("/en/search/?q=trade%00")
    assert response.status_code == 200
    assert response.context["q"] == "trade"


@pytest.mark.django_db
def test_a_huge_track_number_matches_nothing_on_the_timeline_and_says_so(client):
    EventFactory()
    response = client.get("/en/timeline/?track=" + HUGE)
    assert response.status_code == 200
    assert response.context["form"].errors["track"]


@pytest.mark.django_db
@override_settings(ALLOWED_HOSTS=["relations.example.gc.ca"], DEBUG=False)
def test_a_foreign_host_is_a_400_not_a_500(client):
    for path in ("/en/", "/en/events/", "/en/no-such-page/", "/api/v1/events/", "/sitemap.xml"):
        response = client.get(path, HTTP_HOST="evil.example")
        assert response.status_code == 400, (path, response.status_code)
        assert b"evil.example" not in response.content


@pytest.mark.django_db
def test_a_double_slash_path_does_not_point_the_language_toggle_at_another_host(client):
    # As a server receives it (the test client would read "//evil.example" as the host).
    response = client.get("/", PATH_INFO="//evil.example/en/events/")
    assert response.status_code == 404
    page = response.content.decode()
    assert "evil.example" not in page
    assert 'hreflang="fr" href="http://testserver/fr/"' in page


@pytest.mark.django_db
def test_an_admin_action_with_a_non_integer_selection_is_not_a_500(admin_client):
    EventFactory()
    response = admin_client.post(
        reverse("admin:relations_event_changelist"),
        {"action": "delete_selected", "_selected_action": ["abc"], "index": 0},
    )
    assert response.status_code in (200, 302)
    assert Event.objects.count() == 1
    response = admin_client.post(
        reverse("admin:relations_event_changelist"),
        {"action": "delete_selected", "_selected_action": ["abc"], "index": 0},
        follow=True,
    )
    assert response.status_code == 200
    assert "select the records again" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH", "POST"])
def test_public_pages_answer_only_safe_methods(client, method):
    response = client.generic(method, "/en/search/?q=x")
    assert response.status_code == 405
    assert set(response["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


@pytest.mark.django_db
def test_a_bogus_session_cookie_is_served_from_the_page_cache(client, django_assert_max_num_queries):
    EventFactory()
    url = reverse("relations:event-list")
    client.get(url)  # stored
    client.cookies["sessionid"] = "not-a-session"
    with django_assert_max_num_queries(1):  # the session lookup, not the page's queries
        response = client.get(url)
    assert response.status_code == 200


# --- the probe script ---------------------------------------------------------------------------------


def test_the_probe_runs_against_this_machine_only():
    import subprocess
    import sys
    from pathlib import Path

    script = Path(__file__).resolve().parent.parent / "scripts" / "probe.py"
    result = subprocess.run(
        [sys.executable, str(script), "--url", "http://192.0.2.10:8000"], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "192.0.2.10 is not a loopback address" in result.stderr
