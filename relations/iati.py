"""The assistance programs as IATI activity XML (IATI Standard 2.03), the standard Global Affairs
Canada publishes its own aid data in: /en/programs/iati.xml, filtered by the programs list's
querystring, one `iati-activity` per program the list selects, in the list's order.

What each program says, in IATI's terms (the codes are from IATI's 2.03 codelists; the tests check
them against the codelists pyIATI ships, and the file against the 2.03 activity schema):

- `iati-identifier`: the reporting organisation's identifier and the program's slug. The reporting
  organisation (settings.IATI_REPORTING_ORG, the Government of Canada by default) is marked a
  secondary reporter: this record compiles what its sources say, it is not the funder's own ledger.
- `title` and `description` (the summary): a `narrative` in English and one in French.
- `participating-org`: the Government of Canada as funder (role 1); each of the program's
  organisations as extending (role 3) if it is a Canadian government body, implementing (role 4)
  otherwise, with its IATI organisation type from its kind.
- A program whose start year is not known is left out (IATI requires an activity date, and a date
  would have to be guessed): a comment at the top of the file says how many were, as the events'
  calendar does for events without a day.
- `activity-status` from its status; where none is recorded, from its years (ended before this
  year: completion; not begun: pipeline; otherwise implementation). `activity-date`s from its
  years: a start (actual once the program is under way, planned while announced) and an end
  (actual once completed, planned otherwise). IATI wants whole dates: the first and the last day
  of the year, with a narrative saying that the source gives the year only.
- `recipient-country` for a program in one country; in several (or none named), the region: "Far
  East Asia, regional" (789, the OECD DAC region that holds Southeast Asia), its narrative naming
  the countries. Canada, the donor, is never a recipient.
- `sector`: the DAC 5-digit code (vocabulary 1) where the program's sector maps to one, the DAC
  3-digit category (vocabulary 2) where only a category fits (see SECTORS).
- `budget`: its amount in its own currency over its years, `value-date` the first day; only when
  both years are known (an amount "over five years" from 2017 is not a budget for 2017 alone).
- `document-link`: its public page in each language (A12, activity web page) and the public pages
  of the agreements and events it relates to. IATI's `related-activity` names other IATI activities
  by their identifier, which agreements and events are not, so they are linked as documents.
- `last-updated-datetime`: its last published change.
"""

import datetime
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import Prefetch
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import override

from .i18n import LANGUAGE_CODES
from .licence import add_licence_link
from .models import Agreement, AssistanceProgram, Event, Organisation

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
IATI_VERSION = "2.03"

#: The program's sector: (vocabulary, code). 1 is DAC 5-digit, 2 is DAC 3-digit.
SECTORS = {
    AssistanceProgram.Sector.GOVERNANCE: ("2", "151"),  # Government and civil society, general
    AssistanceProgram.Sector.PEACE_SECURITY: ("1", "15220"),  # Civilian peace-building, conflict prevention
    AssistanceProgram.Sector.ECONOMIC_GROWTH: ("1", "33110"),  # Trade policy and administrative management
    AssistanceProgram.Sector.EDUCATION: ("1", "11420"),  # Higher education (scholarships)
    AssistanceProgram.Sector.HEALTH: ("2", "121"),  # Health, general
    AssistanceProgram.Sector.ENVIRONMENT: ("1", "41010"),  # Environmental policy and administrative management
    AssistanceProgram.Sector.GENDER: ("1", "15170"),  # Women's equality organisations and institutions
    AssistanceProgram.Sector.HUMANITARIAN: ("1", "74010"),  # Disaster prevention and preparedness
    AssistanceProgram.Sector.MULTISECTOR: ("1", "43010"),  # Multisector aid
}
#: ActivityStatus: 1 pipeline/identification, 2 implementation, 3 completion.
STATUSES = {
    AssistanceProgram.Status.ANNOUNCED: "1",
    AssistanceProgram.Status.ONGOING: "2",
    AssistanceProgram.Status.COMPLETED: "3",
}
#: OrganisationType of an organisation's kind.
ORGANISATION_TYPES = {
    Organisation.Kind.INTERGOVERNMENTAL: "40",  # Multilateral
    Organisation.Kind.GOVERNMENT: "10",
    Organisation.Kind.BUSINESS: "70",  # Private sector
    Organisation.Kind.RESEARCH: "80",  # Academic, training and research
    Organisation.Kind.EDUCATION: "80",
    Organisation.Kind.CIVIL_SOCIETY: "21",  # International NGO
    Organisation.Kind.COMPANY: "70",
    Organisation.Kind.MEDIA: "90",
    Organisation.Kind.OTHER: "90",
}
FUNDING, EXTENDING, IMPLEMENTING = "1", "3", "4"
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
FAR_EAST_ASIA_REGIONAL = "789"
DONOR_COUNTRY = "CA"
#: DocumentCategory: A12 activity web page, A09 memorandum of understanding, A02 objectives / purpose.
WEB_PAGE, MEMORANDUM, PURPOSE = "A12", "A09", "A02"


def iati_queryset(programs):
    """The programs with what their activities say, in a fixed number of queries."""
    return programs.with_date_modified().prefetch_related(
        Prefetch("organisations", queryset=Organisation.objects.select_related("country")),
        "countries",
        Prefetch("agreements", queryset=Agreement.objects.listed()),
        Prefetch("events", queryset=Event.objects.listed()),
    )


def sub(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, {key.replace("_", "-"): str(value) for key, value in attributes.items()})
    if text is not None:
        element.text = str(text)
    return element


def narratives(parent, tag, values, **attributes):
    """`<tag><narrative xml:lang="en">…</narrative><narrative xml:lang="fr">…</narrative></tag>`."""
    element = sub(parent, tag, **attributes)
    for code, value in values.items():
        if value:
            sub(element, "narrative", value).set(XML_LANG, code)
    return element


def in_both_languages(value):
    """{"en": …, "fr": …}: a callable's result (or a lazy string) in each language."""
    result = {}
    for code in LANGUAGE_CODES:
        with override(code):
            result[code] = str(value() if callable(value) else value)
    return result


def year_note(year):
    return {"en": f"The source gives the year only ({year}).", "fr": f"La source ne donne que l'année ({year})."}


def absolute(request, record):
    urls = {}
    for code in LANGUAGE_CODES:
        with override(code):
            urls[code] = request.build_absolute_uri(record.get_absolute_url())
    return urls


def activity(parent, program, request):
    reporting = settings.IATI_REPORTING_ORG
    element = sub(parent, "iati-activity")
    element.set(XML_LANG, "en")
    if program.currency:
        element.set("default-currency", program.currency)
    if program.last_published_change:
        element.set("last-updated-datetime", program.last_published_change.replace(microsecond=0).isoformat())
    sub(element, "iati-identifier", f"{reporting['ref']}-{program.slug}")
    narratives(
        element,
        "reporting-org",
        {"en": reporting["name_en"], "fr": reporting["name_fr"]},
        ref=reporting["ref"],
        type=reporting["type"],
        secondary_reporter="1",
    )
    narratives(element, "title", {code: getattr(program, f"title_{code}") for code in LANGUAGE_CODES})
    narratives(element, "description", {code: getattr(program, f"summary_{code}") for code in LANGUAGE_CODES}, type="1")
    participating_orgs(element, program, reporting)
    sub(element, "activity-status", code=activity_status(program))
    activity_dates(element, program)
    recipients(element, program)
    if program.sector:
        vocabulary, code = SECTORS[program.sector]
        narratives(element, "sector", in_both_languages(program.get_sector_display), vocabulary=vocabulary, code=code)
    if program.amount is not None and program.start_year and program.end_year:
        budget(element, program)
    document_links(element, program, request)
    return element


def participating_orgs(element, program, reporting):
    narratives(
        element,
        "participating-org",
        {"en": reporting["name_en"], "fr": reporting["name_fr"]},
        ref=reporting["ref"],
        role=FUNDING,
        type=reporting["type"],
    )
    for organisation in program.organisations.all():
        canadian_government = (
            organisation.kind == Organisation.Kind.GOVERNMENT and getattr(organisation.country, "code", "") == "CA"
        )
        narratives(
            element,
            "participating-org",
            {code: getattr(organisation, f"name_{code}") for code in LANGUAGE_CODES},
            role=EXTENDING if canadian_government else IMPLEMENTING,
            type=ORGANISATION_TYPES[organisation.kind],
        )


def activity_status(program):
    if program.status:
        return STATUSES[program.status]
    this_year = timezone.localdate().year
    if program.end_year and program.end_year < this_year:
        return STATUSES[AssistanceProgram.Status.COMPLETED]
    if program.start_year > this_year:
        return STATUSES[AssistanceProgram.Status.ANNOUNCED]
    return STATUSES[AssistanceProgram.Status.ONGOING]


def activity_dates(element, program):
    started = activity_status(program) != STATUSES[AssistanceProgram.Status.ANNOUNCED]
    if program.start_year:
        date = datetime.date(program.start_year, 1, 1)
        narratives(
            element,
            "activity-date",
            year_note(program.start_year),
            iso_date=date.isoformat(),
            type=ACTUAL_START if started else PLANNED_START,
        )
    if program.end_year:
        date = datetime.date(program.end_year, 12, 31)
        ended = activity_status(program) == STATUSES[AssistanceProgram.Status.COMPLETED]
        narratives(
            element,
            "activity-date",
            year_note(program.end_year),
            iso_date=date.isoformat(),
            type=ACTUAL_END if ended else PLANNED_END,
        )


def recipients(element, program):
    countries = [country for country in program.countries.all() if country.code != DONOR_COUNTRY]
    if len(countries) == 1:
        (country,) = countries
        names = {code: getattr(country, f"name_{code}") for code in LANGUAGE_CODES}
        narratives(element, "recipient-country", names, code=country.code)
        return
    names = {code: ", ".join(getattr(country, f"name_{code}") for country in countries) for code in LANGUAGE_CODES}
    if not countries:
        names = {"en": "Southeast Asia", "fr": "Asie du Sud-Est"}
    narratives(element, "recipient-region", names, code=FAR_EAST_ASIA_REGIONAL, vocabulary="1")


def budget(element, program):
    start = datetime.date(program.start_year, 1, 1)
    end = datetime.date(program.end_year, 12, 31)
    # BudgetStatus: 1 indicative (announced), 2 committed (under way or done).
    committed = activity_status(program) != STATUSES[AssistanceProgram.Status.ANNOUNCED]
    item = sub(element, "budget", type="1", status="2" if committed else "1")
    sub(item, "period-start", iso_date=start.isoformat())
    sub(item, "period-end", iso_date=end.isoformat())
    sub(item, "value", f"{program.amount:.2f}", currency=program.currency, value_date=start.isoformat())


def document_link(element, urls, titles, category):
    for code in LANGUAGE_CODES:
        link = sub(element, "document-link", url=urls[code], format="text/html")
        narratives(link, "title", {code: titles[code]})
        sub(link, "category", code=category)
        sub(link, "language", code=code)


def document_links(element, program, request):
    titles = {code: getattr(program, f"title_{code}") for code in LANGUAGE_CODES}
    document_link(element, absolute(request, program), titles, WEB_PAGE)
    for agreement in program.agreements.all():
        category = MEMORANDUM if agreement.kind == Agreement.Kind.MOU else PURPOSE
        titles = {code: getattr(agreement, f"title_{code}") for code in LANGUAGE_CODES}
        document_link(element, absolute(request, agreement), titles, category)
    for event in program.events.all():
        titles = {code: getattr(event, f"title_{code}") for code in LANGUAGE_CODES}
        document_link(element, absolute(request, event), titles, PURPOSE)


def iati_document(programs, request):
    """The `iati-activities` document of `programs` (a queryset, in its order), as bytes."""
    root = ET.Element(
        "iati-activities",
        {"version": IATI_VERSION, "generated-datetime": timezone.now().replace(microsecond=0).isoformat()},
    )
    undated = programs.filter(start_year__isnull=True).count()
    if undated:
        root.append(
            ET.Comment(
                f" {undated} of the programs selected are left out: no start year is known, and IATI requires a date. "
            )
        )
    for program in iati_queryset(programs.filter(start_year__isnull=False)):
        activity(root, program, request)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def iati_response(programs, request):
    response = HttpResponse(iati_document(programs, request), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="assistance-programs-iati.xml"'
    return add_licence_link(response)
