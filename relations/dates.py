"""Dates known to a year, a month or a day: one precision type, one parser, one ISO form and one
formatter for readers, shared by the models, the import, the API and every page."""

import datetime
import functools
import re

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .i18n import active_language


class DatePrecision(models.TextChoices):
    """How much of a date the source gives. The stored date is truncated to it."""

    YEAR = "year", gettext_lazy("Year")
    MONTH = "month", gettext_lazy("Month")
    DAY = "day", gettext_lazy("Day")


class DateCertainty(models.TextChoices):
    """How sure the sources are of a date, as the Extended Date/Time Format (EDTF, ISO 8601-2) qualifies it."""

    AS_GIVEN = "", gettext_lazy("As the sources give it")
    UNCERTAIN = "uncertain", gettext_lazy("Uncertain")
    APPROXIMATE = "approximate", gettext_lazy("Approximate")
    YEAR_UNCERTAIN = "year-uncertain", gettext_lazy("Year uncertain")


# Formats for django.utils.formats.date_format, which localises month names.
PRECISION_FORMATS = {
    DatePrecision.YEAR: "Y",
    DatePrecision.MONTH: "F Y",
    DatePrecision.DAY: "j F Y",
}


def truncate_date(value, precision):
    """The first day of the year or month a date falls in, at the given precision."""
    if value is None or precision == DatePrecision.DAY:
        return value
    if precision == DatePrecision.MONTH:
        return value.replace(day=1)
    return value.replace(month=1, day=1)


def format_date(value, precision):
    """A date as the source knows it, in the active language: "4 August 2016", « 4 août 2016 »."""
    if value is None:
        return ""
    shown = date_format(value, PRECISION_FORMATS[DatePrecision(precision)])
    if value.day == 1 and precision == DatePrecision.DAY and active_language() == "fr":
        shown = "1er" + shown.removeprefix("1")  # « 1er août 2016 », as French writes the first of a month
    return shown


def iso_date(value, precision):
    """A date in ISO 8601 at the precision the source gives: "1986", "1986-08" or "1986-08-04".

    What machine-readable outputs (the API, schema.org data, citations) say, so that a year is never
    read as 1 January of it.
    """
    if value is None:
        return None
    precision = DatePrecision(precision)
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def edtf_date(value, precision, certainty=DateCertainty.AS_GIVEN):
    """A date in EDTF: iso_date with its qualifier, "1995?", "1995~", "?2017-05-08" (the year
    uncertain, the month and day as given). Each form (precision and qualifier) is checked with the
    edtf package, so only valid EDTF leaves."""
    text = iso_date(value, precision)
    if text is None:
        return None
    check_edtf_form(DatePrecision(precision), DateCertainty(certainty))
    return qualified(text, certainty)


def qualified(text, certainty):
    if certainty == DateCertainty.UNCERTAIN:
        return text + "?"
    if certainty == DateCertainty.APPROXIMATE:
        return text + "~"
    if certainty == DateCertainty.YEAR_UNCERTAIN:
        return "?" + text
    return text


@functools.cache
def check_edtf_form(precision, certainty):
    """Raises EDTFParseException unless dates of this form are valid EDTF. Once per form: the edtf
    package's parser takes some 30 ms a date, and a date's digits (from a real date, at most four
    for the year) never change whether its form is valid; checking every date made a download's
    rows cost tens of milliseconds each."""
    from edtf import parse_edtf

    parse_edtf(qualified(iso_date(EDTF_SAMPLE, precision), certainty))


EDTF_SAMPLE = datetime.date(1988, 4, 7)


def edtf_range(start, end, precision, certainty=DateCertainty.AS_GIVEN):
    """A span in EDTF: "1988-04-07/1988-04-08", each end qualified; one date when it has no end."""
    first = edtf_date(start, precision, certainty)
    if end is None or truncate_date(end, precision) == truncate_date(start, precision):
        return first
    return f"{first}/{edtf_date(end, precision, certainty)}"


def describe_certainty(shown, certainty):
    """A date as shown, with its qualifier in words: "8 May 2017, year uncertain", "about 1995"."""
    if not shown or not certainty:
        return shown
    if certainty == DateCertainty.APPROXIMATE:
        return _("about %(date)s") % {"date": shown}
    if certainty == DateCertainty.YEAR_UNCERTAIN:
        return _("%(date)s, year uncertain") % {"date": shown}
    return _("%(date)s, uncertain") % {"date": shown}


def format_date_range(start, end, precision):
    """A span at one precision, sharing what both ends share: "6–7 May 1997", "2016–2020"."""
    if end is None or truncate_date(end, precision) == truncate_date(start, precision):
        return format_date(start, precision)
    precision = DatePrecision(precision)
    if precision == DatePrecision.DAY and (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{format_date(end, precision)}"
    if precision != DatePrecision.YEAR and start.year == end.year:
        first = date_format(start, "j F" if precision == DatePrecision.DAY else "F")
        return f"{first} – {format_date(end, precision)}"
    return f"{format_date(start, precision)} – {format_date(end, precision)}"


def format_year_range(start, end):
    """A span of years: "2016–2020", or one year ("2016") when both ends are the same or one is missing."""
    if start and end and start != end:
        return f"{start}–{end}"
    return str(start or end or "")


# ---------------------------------------------------------------------------------------------
# Reading the dates people type (imports)
# ---------------------------------------------------------------------------------------------

# Month names as a file in either language may give them: English (from the C locale) and French,
# in full and abbreviated as the Office québécois de la langue française abbreviates them, with or
# without accents (a spreadsheet saved without them).
_FRENCH_MONTHS = (
    ("janvier", "janv"),
    ("février", "févr", "fevrier", "fevr"),
    ("mars",),
    ("avril", "avr"),
    ("mai",),
    ("juin",),
    ("juillet", "juil"),
    ("août", "aout"),
    ("septembre", "sept"),
    ("octobre", "oct"),
    ("novembre", "nov"),
    ("décembre", "déc", "decembre", "dec"),
)
_MONTHS = {
    name: number
    for number in range(1, 13)
    for name in (
        datetime.date(2000, number, 1).strftime("%B").lower(),
        datetime.date(2000, number, 1).strftime("%b").lower(),
        *_FRENCH_MONTHS[number - 1],
    )
}
_WORD = r"([^\W\d_]+)"  # a month's name: letters, accented ones included
_ISO = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?(?:[ T]00:00(?::00)?)?$")
_DAY_MONTH_YEAR = re.compile(rf"^(\d{{1,2}})(?:er)?\s+{_WORD}\.?,?\s+(\d{{4}})$")
_MONTH_DAY_YEAR = re.compile(rf"^{_WORD}\.?\s+(\d{{1,2}}),?\s+(\d{{4}})$")
_MONTH_YEAR = re.compile(rf"^{_WORD}\.?[\s-]+(\d{{4}})$")


def parse_precise_date(value):
    """(date, precision) from "1986", "2014-08", "2016-08-04" or a spreadsheet's re-typed form, in
    English or French ("4 August 2016", "4 août 2016", "1er août 2016", "août 2014").

    Day-first and month-first numeric forms ("04/08/2016") are refused: they are ambiguous.
    """
    if isinstance(value, datetime.datetime):
        return value.date(), DatePrecision.DAY
    if isinstance(value, datetime.date):
        return value, DatePrecision.DAY
    if isinstance(value, int | float) and float(value).is_integer():
        value = str(int(value))
    text = str(value).strip().lower()
    try:
        if match := _ISO.match(text):
            year, month, day = match.groups()
            if day:
                return datetime.date(int(year), int(month), int(day)), DatePrecision.DAY
            if month:
                return datetime.date(int(year), int(month), 1), DatePrecision.MONTH
            return datetime.date(int(year), 1, 1), DatePrecision.YEAR
        if (match := _DAY_MONTH_YEAR.match(text)) and match[2] in _MONTHS:
            return datetime.date(int(match[3]), _MONTHS[match[2]], int(match[1])), DatePrecision.DAY
        if (match := _MONTH_DAY_YEAR.match(text)) and match[1] in _MONTHS:
            return datetime.date(int(match[3]), _MONTHS[match[1]], int(match[2])), DatePrecision.DAY
        if (match := _MONTH_YEAR.match(text)) and match[1] in _MONTHS:
            return datetime.date(int(match[2]), _MONTHS[match[1]], 1), DatePrecision.MONTH
    except ValueError:
        pass  # e.g. 2016-02-30: reported below like any other unreadable date
    raise ValidationError(
        _(
            "“%(value)s” is not a date. Write the year (1986), the year and month (2014-08) "
            "or the full date (2016-08-04)."
        )
        % {"value": value}
    )
