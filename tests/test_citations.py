"""Cite this record: plain text, BibTeX and CSL-JSON on each detail page and as files, each with the
permanent URL and the date accessed."""

import datetime
import json

import pytest
from django.utils import timezone

from relations.citations import bibtex
from relations.workflow import PublicationStatus

from .factories import AgreementFactory, AssistanceProgramFactory, EventFactory, MissionFactory


@pytest.mark.django_db
@pytest.mark.parametrize("factory", [EventFactory, AgreementFactory, MissionFactory, AssistanceProgramFactory])
def test_every_detail_page_offers_a_citation_in_three_formats(client, factory):
    record = factory(title="Dialogue & partnership", slug="the-record")
    url = "http://testserver" + record.get_absolute_url()
    today = timezone.localdate()
    response = client.get(record.get_absolute_url())
    page = response.content.decode()
    assert '<h2 id="cite-heading">Cite this record</h2>' in page
    citation = response.context["citation"]
    assert url in citation["text"] and f"accessed {today.day} " in citation["text"]
    assert "Dialogue \\& partnership" in citation["bibtex"] and f"url = {{{url}}}" in citation["bibtex"]
    assert f"urldate = {{{today.isoformat()}}}" in citation["bibtex"]
    (item,) = json.loads(citation["csl_json"])
    assert (item["URL"], item["title"]) == (url, "Dialogue & partnership")
    assert item["accessed"] == {"date-parts": [[today.year, today.month, today.day]]}

    bib = client.get(record.get_absolute_url() + "cite.bib")
    assert bib["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert bib.content.decode() == citation["bibtex"]
    csl = client.get(record.get_absolute_url() + "cite.json")
    assert csl["Content-Type"] == "application/vnd.citationstyles.csl+json; charset=utf-8"
    assert json.loads(csl.content) == [item]
    assert client.get(record.get_absolute_url() + "cite.xml").status_code == 404


@pytest.mark.django_db
def test_a_drafts_citation_is_a_404_for_the_public(client):
    draft = EventFactory(publication_status=PublicationStatus.DRAFT)
    assert client.get(draft.get_absolute_url() + "cite.bib").status_code == 404


@pytest.mark.django_db
def test_bibtex_escapes_what_it_would_read_as_commands():
    record = EventFactory(title="100% of {funds} for R&D_#1 ~ $5", start_date=datetime.date(2016, 8, 4), end_date=None)
    entry = bibtex(record, "http://example.org/events/x/", datetime.date(2026, 1, 2))
    assert r"title = {100\% of \{funds\} for R\&D\_\#1 \~{} \$5}" in entry
    assert entry.startswith(f"@misc{{canada-asean-event-{record.slug},")
    assert entry.count("{") == entry.count("}") + entry.count(r"\}") - entry.count(r"\{")
