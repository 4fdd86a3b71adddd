import datetime

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from relations.models import Citation, Event

from .factories import (
    AgreementFactory,
    AssistanceProgramFactory,
    CitationFactory,
    ClaimFactory,
    CountryFactory,
    EraFactory,
    EventFactory,
    HeadOfMissionFactory,
    MissionFactory,
    OrganisationFactory,
    PillarFactory,
    SourceFactory,
    TrackFactory,
)

REGISTERED = [model for model in admin.site._registry if model._meta.app_label == "relations"]
# The record of imports is read-only, written by imports alone: tests/test_import_batches.py opens it.
EDITED = [model for model in REGISTERED if model._meta.model_name != "importbatch"]


def admin_url(model, view, *args):
    return reverse(f"admin:relations_{model._meta.model_name}_{view}", args=args)


def make_rows(count):
    """`count` rows of every model, each content record linked to reference data and cited."""
    for _ in range(count):
        pillar = PillarFactory()
        organisation = OrganisationFactory()
        event = EventFactory(track=TrackFactory())
        event.pillars.add(pillar)
        event.organisations.add(organisation)
        agreement = AgreementFactory()
        agreement.party_organisations.add(organisation)
        event.agreements.add(agreement)
        program = AssistanceProgramFactory()
        program.countries.add(event.country)
        mission = MissionFactory(country=event.country)
        HeadOfMissionFactory(mission=mission)
        for record in (event, agreement, mission, program):
            cited = CitationFactory(**{"event": None, record._meta.model_name: record})
        ClaimFactory(discrepancy__citation=cited)
        EraFactory(event=event, agreement=agreement)


def test_every_model_of_the_app_is_in_the_admin():
    names = {model._meta.model_name for model in REGISTERED}
    assert names == {
        "country",
        "organisation",
        "track",
        "pillar",
        "source",
        "citation",
        "discrepancy",
        "event",
        "agreement",
        "mission",
        "headofmission",
        "assistanceprogram",
        "importbatch",
        "era",
    }


@pytest.fixture(scope="class")
def rows(class_db):
    make_rows(3)


@pytest.mark.django_db
@pytest.mark.usefixtures("rows")
@pytest.mark.parametrize("model", EDITED, ids=lambda m: m._meta.model_name)
class TestEveryAdminPage:
    """Three rows of every model, made once for the class (each test's changes are rolled back)."""

    def test_changelist_add_and_change_pages_open(self, admin_client, model):
        obj = model._default_manager.first()
        for url in (admin_url(model, "changelist"), admin_url(model, "add"), admin_url(model, "change", obj.pk)):
            response = admin_client.get(url)
            assert response.status_code == 200, url

    def test_changelist_queries_do_not_grow_with_rows(self, admin_client, model, django_assert_max_num_queries):
        url = admin_url(model, "changelist")
        with CaptureQueriesContext(connection) as few:
            shown_before = len(admin_client.get(url).context["cl"].result_list)
        make_rows(10)
        with django_assert_max_num_queries(len(few.captured_queries)):
            response = admin_client.get(url)
        assert response.status_code == 200
        assert len(response.context["cl"].result_list) > shown_before

    def test_change_page_queries_are_bounded(self, admin_client, model, django_assert_max_num_queries):
        obj = model._default_manager.first()
        with django_assert_max_num_queries(40):
            assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200


@pytest.mark.django_db
def test_changelist_search_and_filters(admin_client):
    EventFactory(title="Fifth AEM-Canada Consultation", kind="economic-ministers")
    EventFactory(title="Thirteenth ASEAN-Canada Dialogue", kind="dialogue")
    response = admin_client.get(admin_url(Event, "changelist"), {"q": "consultation"})
    assert [e.title for e in response.context["cl"].result_list] == ["Fifth AEM-Canada Consultation"]
    response = admin_client.get(admin_url(Event, "changelist"), {"kind__exact": "dialogue"})
    assert [e.title for e in response.context["cl"].result_list] == ["Thirteenth ASEAN-Canada Dialogue"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model_name", "field_name", "term", "expected"),
    [
        ("event", "country", "indo", "Indonesia"),
        ("event", "track", "Business", "Track 3: Business"),
        ("event", "agreements", "trade", "Joint Declaration on Trade"),
        ("citation", "source", "multitrack", "Multitrack diplomacy"),
        ("mission", "accredited_organisations", "ASEAN", "ASEAN Secretariat"),
    ],
)
def test_autocomplete_finds_related_records(admin_client, model_name, field_name, term, expected):
    CountryFactory(code="ID", name="Indonesia")
    TrackFactory(number=3, name="Business")
    AgreementFactory(title="Joint Declaration on Trade")
    SourceFactory(title="Multitrack diplomacy")
    OrganisationFactory(name="ASEAN Secretariat")
    response = admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "relations", "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    assert [result["text"] for result in response.json()["results"]] == [expected]


@pytest.mark.django_db
def test_publish_action_publishes_and_logs_each_record(admin_client):
    drafts = [EventFactory(publication_status="draft") for _ in range(2)]
    response = admin_client.post(
        admin_url(Event, "changelist"),
        {"action": "publish", admin.helpers.ACTION_CHECKBOX_NAME: [e.pk for e in drafts]},
        follow=True,
    )
    assert "Published: 2 records." in response.content.decode()
    assert Event.objects.published().count() == 2
    assert LogEntry.objects.filter(object_id__in=[str(e.pk) for e in drafts]).count() == 2


def event_form(country, source, **overrides):
    data = {
        "title_en": "ASEAN-Canada Dialogue ke-6",
        "title_fr": "Sixième Dialogue ASEAN-Canada",
        "slug": "asean-canada-dialogue-6",
        "summary_en": "The sixth dialogue.",
        "summary_fr": "Le sixième dialogue.",
        "body_en": "",
        "body_fr": "",
        "kind": "dialogue",
        "start_date": "2009-01-01",
        "end_date": "",
        "date_precision": "year",
        "city_en": "Singapore",
        "city_fr": "Singapour",
        "country": country.pk,
        "publication_status": "draft",
        "citations-TOTAL_FORMS": "1",
        "citations-INITIAL_FORMS": "0",
        "citations-MIN_NUM_FORMS": "0",
        "citations-MAX_NUM_FORMS": "1000",
        "citations-0-source": source.pk,
        "citations-0-locator": "Track 1 > 8. 2009, ASEAN-Canada Dialogue ke-6",
        "citations-0-quote": "",
        "citations-0-note_en": "",
        "citations-0-note_fr": "",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_adding_an_event_with_its_citation(admin_client):
    country, source = CountryFactory(code="SG"), SourceFactory()
    response = admin_client.post(admin_url(Event, "add"), event_form(country, source, start_date="2009-07-22"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = Event.objects.get()
    # The year-precision date is stored as 1 January of its year.
    assert event.start_date == datetime.date(2009, 1, 1)
    assert event.citations.get().locator.startswith("Track 1 > 8.")


@pytest.mark.django_db
def test_an_invalid_event_is_refused_with_a_message_and_nothing_is_saved(admin_client):
    country, source = CountryFactory(code="SG"), SourceFactory()
    data = event_form(country, source, start_date="2009-06-02", end_date="2009-06-01", date_precision="day")
    response = admin_client.post(admin_url(Event, "add"), data)
    assert response.status_code == 200
    assert "The end cannot be before the start." in response.content.decode()
    assert not Event.objects.exists()
    assert not Citation.objects.exists()


@pytest.mark.django_db
def test_mission_change_page_edits_heads_of_mission_inline(admin_client):
    mission = MissionFactory()
    response = admin_client.get(admin_url(type(mission), "change", mission.pk))
    assert "heads-TOTAL_FORMS" in response.content.decode()
    assert "citations-TOTAL_FORMS" in response.content.decode()
