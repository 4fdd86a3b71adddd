"""Events as an iCalendar file (RFC 5545), written with the icalendar package.

Every event is an all-day event (`DTSTART;VALUE=DATE`, with the exclusive `DTEND` the standard
asks for): the sources give no times. An event whose date the sources give only to the month or
the year is left out rather than placed on a day nobody knows; the calendar's description
(X-WR-CALDESC) says how many were, and the events list page says so beside the link.
"""

import datetime

import icalendar
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .dates import DatePrecision

PRODID = "-//Canada-ASEAN relations//The public record//EN"


def calendar_event(event, request):
    """One VEVENT, all day; its UID (slug@host) stays the same as long as the event's address does."""
    url = request.build_absolute_uri(event.get_absolute_url())
    entry = icalendar.Event()
    entry.add("uid", f"{event.slug}@{request.get_host()}")
    # Without a METHOD, DTSTAMP is when the event's information was last revised (RFC 5545, 3.8.7.2).
    entry.add("dtstamp", event.updated_at)
    entry.add("last-modified", event.updated_at)
    entry.add("dtstart", event.start_date)
    entry.add("dtend", (event.end_date or event.start_date) + datetime.timedelta(days=1))
    entry.add("summary", event.title)
    entry.add("description", f"{event.summary}\n\n{url}")
    entry.add("url", url)
    place = ", ".join(str(part) for part in (event.city, event.country) if part)
    if place:
        entry.add("location", place)
    entry.add("categories", [str(event.get_kind_display())])
    entry.add("transp", "TRANSPARENT")
    return entry


def build_calendar(events, request):
    """A VCALENDAR of `events` known to the day, and how many were left out for want of a day."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Canada–ASEAN relations: events"))
    left_out = 0
    for event in events:
        if event.date_precision != DatePrecision.DAY:
            left_out += 1
            continue
        calendar.add_component(calendar_event(event, request))
    description = _("Events of Canada's relations with ASEAN, from the public record.")
    if left_out:
        description += " " + ngettext(
            "%(count)d event whose date the sources give only to the month or year is left out.",
            "%(count)d events whose date the sources give only to the month or year are left out.",
            left_out,
        ) % {"count": left_out}
    calendar.add("x-wr-caldesc", description)
    return calendar, left_out


def calendar_response(events, request):
    calendar, _left_out = build_calendar(events, request)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="canada-asean-events.ics"'
    return response
