"""Public downloads: exactly the records of the queryset, without staff-only columns, safe to open."""

import json

import pytest

from relations.downloads import download_response
from relations.models import Event, PublicationStatus

from .factories import AssistanceProgramFactory, EventFactory


@pytest.mark.django_db
def test_a_csv_download_holds_exactly_the_queryset_without_staff_columns():
    EventFactory(slug="shown", title="=cmd|' /C calc'!A0", kind=Event.Kind.SUMMIT)
    EventFactory(slug="filtered-out", kind=Event.Kind.FORUM)
    EventFactory(slug="draft", kind=Event.Kind.SUMMIT, publication_status=PublicationStatus.DRAFT)
    response = download_response(Event.objects.published().filter(kind=Event.Kind.SUMMIT), "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="events-')
    assert response["Content-Disposition"].endswith('.csv"')
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert "publication_status" not in lines[0]
    assert lines[1].startswith("shown,'=cmd|' /C calc'!A0,")


@pytest.mark.django_db
def test_a_json_download_is_a_list_of_records():
    AssistanceProgramFactory(slug="scholarships", title="Bourses d'études")
    response = download_response(AssistanceProgramFactory._meta.model.objects.published(), "json")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    (record,) = json.loads(response.content)
    assert record["slug"] == "scholarships" and record["title"] == "Bourses d'études"
    assert (record["amount"], record["currency"]) == ("10000000.00", "CAD")
    assert "publication_status" not in record


@pytest.mark.django_db
def test_an_unknown_format_is_a_404():
    from django.http import Http404

    with pytest.raises(Http404):
        download_response(Event.objects.all(), "xml")
