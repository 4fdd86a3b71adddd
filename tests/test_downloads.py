"""Public downloads: exactly the records of the queryset, without staff-only columns, safe to open."""

import csv
import io
import json

import pytest
from django.urls import reverse

from relations.downloads import download_response
from relations.models import Event
from relations.workflow import PublicationStatus

from .factories import AssistanceProgramFactory, EventFactory


@pytest.mark.django_db
def test_a_csv_download_holds_exactly_the_queryset_without_staff_columns():
    EventFactory(slug="shown", title="=cmd|' /C calc'!A0", kind=Event.Kind.SUMMIT)
    EventFactory(slug="filtered-out", kind=Event.Kind.FORUM)
    EventFactory(slug="draft", kind=Event.Kind.SUMMIT, publication_status=PublicationStatus.DRAFT)
    response = download_response(Event.objects.published().filter(kind=Event.Kind.SUMMIT), "csv", None)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="events-')
    assert response["Content-Disposition"].endswith('.csv"')
    assert response["Link"] == '<https://open.canada.ca/en/open-government-licence-canada>; rel="license"'
    lines = response.getvalue().decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert "publication_status" not in lines[0]
    assert lines[1].startswith("shown,'=cmd|' /C calc'!A0,")


@pytest.mark.django_db
def test_a_json_download_is_what_the_api_gives(client, rf):
    AssistanceProgramFactory(slug="scholarships", title="Bourses d'études")
    request = rf.get("/en/programs/download.json")
    response = download_response(AssistanceProgramFactory._meta.model.objects.published(), "json", request)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    (record,) = json.loads(response.getvalue())
    assert record == client.get("/api/v1/programs/scholarships/").json()
    assert (record["title_en"], record["title_fr"]) == ("Bourses d'études", "Bourses d'études (FR)")
    assert (record["amount"], record["currency"]) == ("10000000.00", "CAD")


@pytest.mark.django_db
def test_a_csv_download_names_what_its_codes_stand_for_and_links_each_record_and_its_sources(client):
    from tests import sample

    sample.build(1)
    response = client.get(reverse("relations:event-download", kwargs={"fmt": "csv"}))
    (row,) = csv.DictReader(io.StringIO(response.getvalue().decode("utf-8-sig")))
    assert (row["country"], row["country_names_en"], row["country_names_fr"]) == (
        "ID",
        "Indonesia",
        "Indonesia (FR)",
    )
    assert row["pillars_names_en"] == "Economic Community; Political-Security Community"
    assert row["url_en"] == "http://testserver/en/events/dialogue-0/"
    assert row["url_fr"] == "http://testserver/fr/evenements/dialogue-0/"
    assert row["sources"] == "Canada–ASEAN relations backgrounder; Pelaksanaan Multitrack Diplomacy"


@pytest.mark.django_db
def test_an_unknown_format_is_a_404():
    from django.http import Http404

    with pytest.raises(Http404):
        download_response(Event.objects.all(), "xml", None)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [2, 20])
def test_a_list_page_offers_exactly_what_it_filtered(client, reference_data, size, django_assert_max_num_queries):
    from relations.models import Country

    indonesia, canada = Country.objects.get(code="ID"), Country.objects.get(code="CA")
    for number in range(size):
        EventFactory(slug=f"in-indonesia-{number}", country=indonesia, kind=Event.Kind.SUMMIT)
    EventFactory(slug="in-canada", country=canada, kind=Event.Kind.SUMMIT)
    EventFactory(slug="draft-in-indonesia", country=indonesia, publication_status=PublicationStatus.DRAFT)

    csv_url, json_url = (reverse("relations:event-download", kwargs={"fmt": fmt}) for fmt in ("csv", "json"))
    page = client.get(reverse("relations:event-list"), {"country": "ID", "o": "title", "page": 1}).content.decode()
    assert f'href="{csv_url}?country=ID&amp;o=title"' in page
    assert f'href="{json_url}?country=ID&amp;o=title"' in page

    with django_assert_max_num_queries(12):
        response = client.get(csv_url, {"country": "ID", "o": "title"})
    assert response.status_code == 200
    slugs = [line.split(",")[0] for line in response.getvalue().decode("utf-8-sig").splitlines()[1:]]
    expected = Event.objects.published().filter(country=indonesia).order_by("title_en", "id")
    assert slugs == [event.slug for event in expected]  # every page, in the page's order, no draft
    assert len(slugs) == size

    records = json.loads(client.get(json_url, {"country": "CA"}).getvalue())
    assert [record["slug"] for record in records] == ["in-canada"]
    assert client.get(reverse("relations:event-download", kwargs={"fmt": "xml"})).status_code == 404


def copy_records(model, times):
    """Each listed record of `model` copied `times` times, with its links and citations."""
    for original in list(model.objects.listed()):
        links = {field.name: list(getattr(original, field.name).all()) for field in model._meta.many_to_many}
        citations = list(original.citations.all())
        for number in range(times):
            record = model.objects.get(pk=original.pk)
            record.pk, record.id, record.slug = None, None, f"{original.slug}-copy-{number}"
            record.save()
            for name, related in links.items():
                getattr(record, name).set(related)
            for citation in citations:
                citation.pk = None
                setattr(citation, model._meta.model_name, record)
                citation.save()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["event", "agreement", "mission", "assistanceprogram"])
def test_a_download_costs_the_same_queries_whatever_its_number_of_records(client, name):
    """Each chunk reads its relations with one query per relation (relations.downloads.ChunkRelations),
    never one per row: four times the records, with the same links, cost the same queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from relations.models import content_model
    from tests import sample

    sample.build(3)
    model = content_model(name)
    urls = [reverse(f"relations:{name}-download", kwargs={"fmt": fmt}) for fmt in ("csv", "json")]
    if model.has_calendar:
        urls.append(reverse(f"relations:{name}-calendar"))

    def measured():
        counts, sizes = {}, {}
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                sizes[url] = len(client.get(url).getvalue())
            counts[url] = len(queries)
        return counts, sizes

    counts, sizes = measured()
    copy_records(model, 3)
    counts_after, sizes_after = measured()
    assert all(sizes_after[url] > 3 * sizes[url] for url in urls)
    assert counts_after == counts
