"""Events as an iCalendar file (RFC 5545), written with the icalendar package.

Every event is an all-day event (`DTSTART;VALUE=DATE`, with the exclusive `DTEND` the standard
asks for): the sources give no times. An event whose date the sources give only to the month or
the year is left out rather than placed on a day nobody knows; the calendar's description
(X-WR-CALDESC) says how many were, and the events list page says so beside the link.

The file is streamed: its head (with that count, from one query), then the events a chunk at a
time, so memory stays the same whatever their number; it is never stored whole in the page cache.
"""

import datetime

import icalendar
from django.db.models import Count, Q
from django.http import StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .dates import DatePrecision
from .i18n import written_in_active_language

PRODID = "-//Canada-ASEAN relations//The public record//EN"
CALENDAR_END = "END:VCALENDAR\r\n"
# Events written into one chunk of the response.
EVENTS_PER_CHUNK = 500


def calendar_event(event, request, kinds=None):
    """One VEVENT, all day; its UID (slug@host) stays the same as long as the event's address does.
    `kinds`: the kinds' labels already made for this file ({kind: label}, filled in as it goes)."""
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
    kinds = {} if kinds is None else kinds
    if event.kind not in kinds:  # a label is a choice looked up and translated: once per kind
        kinds[event.kind] = str(event.get_kind_display())
    entry.add("categories", [kinds[event.kind]])
    entry.add("transp", "TRANSPARENT")
    return entry


def calendar_counts(events):
    """How many events of `events` there are, and how many a calendar leaves out for want of a day
    (for its description, which comes before the events): one query."""
    counts = events.order_by().aggregate(
        total=Count("pk", distinct=True),
        left_out=Count("pk", distinct=True, filter=~Q(date_precision=DatePrecision.DAY)),
    )
    return counts["total"], counts["left_out"]


def calendar_head(left_out):
    """The VCALENDAR's properties, up to its first event, saying how many events were left out."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", _("Canada–ASEAN relations: events"))
    description = _("Events of Canada's relations with ASEAN, from the public record.")
    if left_out:
        description += " " + ngettext(
            "%(count)d event whose date the sources give only to the month or year is left out.",
            "%(count)d events whose date the sources give only to the month or year are left out.",
            left_out,
        ) % {"count": left_out}
    calendar.add("x-wr-caldesc", description)
    return calendar.to_ical().decode().removesuffix(CALENDAR_END)


def calendar_chunks(events, request, left_out):
    """The calendar of `events` known to the day, written a chunk of events at a time."""
    chunk = [calendar_head(left_out)]
    kinds = {}
    for event in events.filter(date_precision=DatePrecision.DAY).iterator(chunk_size=2000):
        chunk.append(calendar_event(event, request, kinds).to_ical().decode())
        if len(chunk) >= EVENTS_PER_CHUNK:
            yield "".join(chunk)
            chunk = []
    chunk.append(CALENDAR_END)
    yield "".join(chunk)


def calendar_response(events, request, left_out=None):
    """The calendar as a streamed attachment: memory stays the same whatever the number of events.
    `left_out` is `calendar_counts(events)`'s second number, when the caller has it already."""
    if left_out is None:
        _total, left_out = calendar_counts(events)
    response = StreamingHttpResponse(
        written_in_active_language(calendar_chunks(events, request, left_out)),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="canada-asean-events.ics"'
    return response
