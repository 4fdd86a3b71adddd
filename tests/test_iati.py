"""The assistance programs as IATI 2.03 activity XML: the file validates against the IATI activity
schema (from pyIATI, a test dependency: nothing is fetched), its codes are in IATI's codelists, and
a filtered file holds exactly what the filtered list shows, in its order."""

import importlib.util
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from lxml import etree

from relations.iati import ORGANISATION_TYPES, SECTORS, STATUSES
from relations.models import AssistanceProgram

from .factories import AssistanceProgramFactory, CountryFactory, OrganisationFactory

# pyIATI is installed without its (old, pinned) dependencies, for its resources only: found, not imported.
IATI = Path(importlib.util.find_spec("iati").submodule_search_locations[0]) / "resources" / "standard" / "2-03"
PARSER = etree.XMLParser(no_network=True, resolve_entities=False)


@pytest.fixture(scope="module")
def activity_schema():
    return etree.XMLSchema(etree.parse(str(IATI / "schemas" / "iati-activities-schema.xsd"), PARSER))


def codelist(name):
    return {code.text for code in etree.parse(str(IATI / "codelists" / f"{name}.xml"), PARSER).iter("code")}


def iati_file(client, query=""):
    response = client.get(reverse("relations:assistanceprogram-iati") + query)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    assert 'rel="license"' in response["Link"]
    return etree.fromstring(response.content, PARSER)


@pytest.mark.django_db
def test_the_shipped_programs_validate_against_the_iati_activity_schema(client, activity_schema):
    call_command("loadcontent", stdout=io.StringIO())
    document = iati_file(client)
    activity_schema.assertValid(document)
    activities = document.findall("iati-activity")
    # Every listed program, less those without a start year, which a comment counts.
    undated = AssistanceProgram.objects.listed().filter(start_year__isnull=True).count()
    assert len(activities) == AssistanceProgram.objects.listed().count() - undated > 0
    assert undated > 0 and f" {undated} of the programs selected are left out" in document[0].text
    for activity in activities:
        identifier = activity.findtext("iati-identifier")
        assert identifier.startswith(activity.find("reporting-org").get("ref") + "-")
        # Its title in both languages, and a link to its public page in each.
        assert {n.get("{http://www.w3.org/XML/1998/namespace}lang") for n in activity.find("title")} == {"en", "fr"}
        assert {link.find("category").get("code") for link in activity.findall("document-link")} >= {"A12"}
    assert len({a.findtext("iati-identifier") for a in activities}) == len(activities)
    assert document.find(".//budget/value").get("value-date")
    assert document.find(".//sector").get("vocabulary") == "1"
    assert {d.get("type") for d in document.iter("activity-date")} >= {"1", "2"}


def test_every_code_the_file_uses_is_in_the_iati_codelists():
    sectors, categories = codelist("Sector"), codelist("SectorCategory")
    for vocabulary, code in SECTORS.values():
        assert code in (sectors if vocabulary == "1" else categories), code
    assert set(SECTORS) == set(AssistanceProgram.Sector)
    assert set(STATUSES.values()) <= codelist("ActivityStatus")
    assert set(ORGANISATION_TYPES.values()) <= codelist("OrganisationType")
    assert {"789"} <= codelist("Region") and {"A02", "A09", "A12"} <= codelist("DocumentCategory")


@pytest.mark.django_db
def test_a_filtered_file_holds_what_the_filtered_list_shows(client, activity_schema):
    philippines = CountryFactory(code="PH", name="Philippines")
    vietnam = CountryFactory(code="VN", name="Viet Nam")
    canada = CountryFactory(code="CA", name="Canada")
    gac = OrganisationFactory(name="Global Affairs Canada", kind="government", country=canada)
    for number in range(4):
        program = AssistanceProgramFactory(
            slug=f"program-{number}",
            start_year=2010 + number,
            end_year=2014 + number,
            amount=Decimal("1500000.00"),
            currency="CAD",
            status="ongoing" if number % 2 else "completed",
            sector="health",
        )
        program.countries.add(philippines if number < 3 else vietnam, canada)
        program.organisations.add(gac)
    AssistanceProgramFactory(slug="draft", publication_status="draft").countries.add(philippines)
    query = "?country=PH&o=-start_year"
    page = client.get(reverse("relations:assistanceprogram-list") + query)
    listed = [record.slug for record in page.context["object_list"]]
    assert listed == ["program-2", "program-1", "program-0"]
    assert page.context["iati_url"] == reverse("relations:assistanceprogram-iati")
    assert f'href="{reverse("relations:assistanceprogram-iati")}{query}"'.replace("&", "&amp;") in page.content.decode()

    document = iati_file(client, query)
    activity_schema.assertValid(document)
    identifiers = [activity.findtext("iati-identifier") for activity in document.iter("iati-activity")]
    assert identifiers == [f"XM-DAC-301-{slug}" for slug in listed]
    first = document.find("iati-activity")
    # One recipient country (Canada, the donor, is not one), the health category, a committed budget.
    assert [c.get("code") for c in first.iter("recipient-country")] == ["PH"]
    assert first.find("sector").attrib == {"vocabulary": "2", "code": "121"}
    assert [d.attrib for d in first.iter("activity-date")] == [
        {"iso-date": "2012-01-01", "type": "2"},
        {"iso-date": "2016-12-31", "type": "4"},
    ]
    budget = first.find("budget")
    assert (budget.get("status"), budget.find("value").text, budget.find("value").get("currency")) == (
        "2",
        "1500000.00",
        "CAD",
    )
    roles = [(org.get("role"), org.findtext("narrative")) for org in first.iter("participating-org")]
    assert roles == [("1", "Government of Canada"), ("3", "Global Affairs Canada")]
