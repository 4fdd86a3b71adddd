"""Atom feeds of recently published or changed records: all four types together, and one per content
type that takes its list page's querystring, so any filtered view of a list has its feed.

Django's syndication framework writes them; entries are listed records only, newest change first.
Summaries are plain text and say so (`type="text"`): a reader shows `<img …>` in one as those
characters, never as markup. Control characters, which XML cannot carry, are left out.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .filters import filterset_for
from .licence import LICENCE_NAME, LICENCE_URL
from .models import CONTENT_MODELS
from .text import plain_text

# How many entries a feed carries.
FEED_SIZE = 50
SITE_NAME = _("Canada–ASEAN relations: the public record")


class PlainTextAtomFeed(Atom1Feed):
    """Atom whose entries' summaries are plain text: Django's generator marks them `type="html"`,
    which would make a reader run whatever markup a summary's text contains."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


def recent(records):
    return records.order_by("-updated_at", "-pk")[:FEED_SIZE]


class RecordFeed(Feed):
    """The recently published or changed records of every content type."""

    feed_type = PlainTextAtomFeed
    author_name = SITE_NAME
    # Atom's <rights>: the data's licence (relations.licence).
    feed_copyright = format_lazy("{} ({})", LICENCE_NAME, LICENCE_URL)
    title = _("Canada–ASEAN relations: recent changes")
    subtitle = _("Events, agreements, missions and assistance programs, as they are published or changed.")

    def link(self):
        return reverse("relations:home")

    def items(self):
        # The latest of each type, then the latest of those: one query a type.
        entries = [record for model in CONTENT_MODELS for record in recent(model.objects.listed())]
        entries.sort(key=lambda record: record.updated_at, reverse=True)
        return entries[:FEED_SIZE]

    def item_title(self, item):
        return plain_text(item.title, multiline=False)

    def item_description(self, item):
        return plain_text(item.summary)

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item._meta.verbose_name]


class ContentTypeFeed(RecordFeed):
    """One content type's recently published or changed records, filtered by the querystring of its
    list page (`/events/feed/?country=ID` follows `/events/?country=ID`)."""

    model = None

    def get_object(self, request, *args, **kwargs):
        filterset = filterset_for(self.model)(request.GET, queryset=self.model.objects.listed())
        # A value that does not validate selects nothing, as on the list page.
        records = filterset.qs if filterset.is_valid() else self.model.objects.none()
        query = request.GET.copy()
        query.pop("page", None)
        return {"records": records, "query": query.urlencode(), "filtered": filterset.is_filtered}

    def title(self, obj):
        plural = str(self.model._meta.verbose_name_plural)
        if obj["filtered"]:
            return _("Canada–ASEAN relations: %(records)s (filtered)") % {"records": plural}
        return _("Canada–ASEAN relations: %(records)s") % {"records": plural}

    def subtitle(self, obj):
        return _("The %(records)s the list page shows, as they are published or changed.") % {
            "records": self.model._meta.verbose_name_plural
        }

    def link(self, obj):
        url = reverse(f"relations:{self.model._meta.model_name}-list")
        return f"{url}?{obj['query']}" if obj["query"] else url

    def feed_url(self, obj):
        url = reverse(f"relations:{self.model._meta.model_name}-feed")
        return f"{url}?{obj['query']}" if obj["query"] else url

    def items(self, obj):
        return recent(obj["records"])


def content_type_feed(model):
    """The feed view of one content type."""
    return type(f"{model.__name__}Feed", (ContentTypeFeed,), {"model": model})()
