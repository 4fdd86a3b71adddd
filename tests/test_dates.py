"""Dates at their precision (relations.dates): the parser, the ISO form and spans of years."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from relations.dates import DateCertainty, DatePrecision, edtf_date, format_year_range, iso_date, parse_precise_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1986", (datetime.date(1986, 1, 1), "year")),
        (1986, (datetime.date(1986, 1, 1), "year")),
        (1986.0, (datetime.date(1986, 1, 1), "year")),
        ("2014-08", (datetime.date(2014, 8, 1), "month")),
        ("August 2014", (datetime.date(2014, 8, 1), "month")),
        ("2016-08-04", (datetime.date(2016, 8, 4), "day")),
        ("August 4, 2016", (datetime.date(2016, 8, 4), "day")),
        (datetime.datetime(2016, 8, 4), (datetime.date(2016, 8, 4), "day")),
        ("4 août 2016", (datetime.date(2016, 8, 4), "day")),
        ("1er août 2016", (datetime.date(2016, 8, 1), "day")),
        ("août 2014", (datetime.date(2014, 8, 1), "month")),
        ("Août 2014", (datetime.date(2014, 8, 1), "month")),
        ("4 aout 2016", (datetime.date(2016, 8, 4), "day")),
        ("déc. 2020", (datetime.date(2020, 12, 1), "month")),
        ("15 février 2019", (datetime.date(2019, 2, 15), "day")),
    ],
)
def test_dates_are_read_with_their_precision(text, expected):
    assert parse_precise_date(text) == expected


@pytest.mark.parametrize(
    ("value", "precision", "expected"),
    [
        (datetime.date(1986, 1, 1), "year", "1986"),
        (datetime.date(2014, 8, 1), "month", "2014-08"),
        (datetime.date(2016, 8, 4), "day", "2016-08-04"),
        (None, "day", None),
    ],
)
def test_iso_dates_say_only_the_precision_known(value, precision, expected):
    assert iso_date(value, precision) == expected
    if value is not None:  # what iso_date writes, the parser reads back to the same date and precision
        assert parse_precise_date(expected) == (value, precision)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [(2016, 2020, "2016–2020"), (2016, 2016, "2016"), (2016, None, "2016"), (None, 2020, "2020"), (None, None, "")],
)
def test_year_ranges(start, end, expected):
    assert format_year_range(start, end) == expected


@pytest.mark.parametrize(
    "text", ["04/08/2016", "2016-02-30", "yesterday", "Augst 2014", "2016-13", "4 aoû 2016", "31 juin 2016"]
)
def test_ambiguous_or_impossible_dates_are_refused(text):
    with pytest.raises(ValidationError, match="is not a date"):
        parse_precise_date(text)


@pytest.mark.parametrize("precision", DatePrecision.values)
@pytest.mark.parametrize("certainty", DateCertainty.values)
def test_every_edtf_form_is_valid_edtf_for_any_date(precision, certainty):
    from edtf import parse_edtf

    for value in (datetime.date(1, 1, 1), datetime.date(1967, 8, 8), datetime.date(9999, 12, 31)):
        text = edtf_date(value, precision, certainty)
        parse_edtf(text)  # the form was checked once; any date of it parses
        assert text.strip("?~").startswith(iso_date(value, precision))
