"""The events calendar: valid iCalendar that parses back, all-day events known to the day only,
filtered as the events list page, no draft."""

import datetime

import icalendar
import pytest

from relations.dates import DatePrecision
from relations.workflow import PublicationStatus

from .factories import CountryFactory, EventFactory


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(response.getvalue())
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    return calendar


def events(calendar):
    return {str(event["UID"]).split("@")[0]: event for event in calendar.walk("VEVENT")}


@pytest.mark.django_db
def test_events_are_all_day_with_an_exclusive_end_and_a_stable_uid(client):
    indonesia = CountryFactory(code="ID", name="Indonesia")
    EventFactory(
        slug="two-days", start_date=datetime.date(2016, 8, 4), end_date=datetime.date(2016, 8, 5), country=indonesia
    )
    EventFactory(slug="one-day", start_date=datetime.date(2019, 1, 31), end_date=None)
    found = events(parse(client, "/en/events/calendar.ics"))
    assert set(found) == {"two-days", "one-day"}
    two = found["two-days"]
    assert str(two["UID"]) == "two-days@testserver"
    assert two.decoded("DTSTART") == datetime.date(2016, 8, 4)
    assert two["DTSTART"].params["VALUE"] == "DATE"
    assert two.decoded("DTEND") == datetime.date(2016, 8, 6), "DTEND is the day after the last"
    assert found["one-day"].decoded("DTEND") == datetime.date(2019, 2, 1)
    assert str(two["SUMMARY"]) == "Record " + str(two["SUMMARY"]).split(" ")[1]
    assert str(two["URL"]) == "http://testserver/en/events/two-days/"
    assert str(two["LOCATION"]) == "Makati, Indonesia"
    assert "DTSTAMP" in two


@pytest.mark.django_db
def test_an_event_known_only_to_the_month_or_year_is_left_out_and_the_calendar_says_so(client):
    EventFactory(slug="known-day")
    EventFactory(
        slug="a-month", start_date=datetime.date(2014, 8, 1), end_date=None, date_precision=DatePrecision.MONTH
    )
    EventFactory(slug="a-year", start_date=datetime.date(1986, 1, 1), end_date=None, date_precision=DatePrecision.YEAR)
    calendar = parse(client, "/en/events/calendar.ics")
    assert set(events(calendar)) == {"known-day"}
    assert "2 events whose date the sources give only to the month or year are left out" in str(
        calendar["X-WR-CALDESC"]
    )
    assert "(events known only to the month or year are left out of the calendar)" in (
        client.get("/en/events/").content.decode()
    )


@pytest.mark.django_db
def test_the_calendar_follows_the_list_filters_and_has_no_draft(client, django_assert_max_num_queries):
    indonesia = CountryFactory(code="ID", name="Indonesia")
    EventFactory(slug="in-indonesia", country=indonesia)
    EventFactory(slug="in-canada", country=CountryFactory(code="CA", name="Canada"))
    EventFactory(slug="draft", country=indonesia, publication_status=PublicationStatus.DRAFT)
    EventFactory(slug="review", country=indonesia, publication_status=PublicationStatus.REVIEW)
    EventFactory(slug="archived", country=indonesia, publication_status=PublicationStatus.ARCHIVED)
    assert set(events(parse(client, "/en/events/calendar.ics"))) == {"in-indonesia", "in-canada"}
    with django_assert_max_num_queries(3):
        assert set(events(parse(client, "/en/events/calendar.ics?country=ID"))) == {"in-indonesia"}
    assert events(parse(client, "/en/events/calendar.ics?kind=summit")) == {}
