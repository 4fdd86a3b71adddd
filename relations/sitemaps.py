"""The sitemap (/sitemap.xml): the public pages a search engine should know, with Django's sitemaps.

Every public record (published, or archived at its address) with `lastmod` from its last change;
reference data; and the fixed pages. Drafts never. Every page is listed in English and in French,
each naming the other as its alternate (hreflang): the locations come from `reverse()` and
`get_absolute_url()`, which follow the language the sitemap framework activates for each.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import CONTENT_MODELS, REFERENCE_MODELS


class BaseSitemap(Sitemap):
    i18n = True
    alternates = True


class PagesSitemap(BaseSitemap):
    """Home, the list pages, the timeline, the countries index and the Open data page."""

    changefreq = "weekly"

    def items(self):
        return [
            "relations:home",
            *(f"relations:{model._meta.model_name}-list" for model in CONTENT_MODELS),
            "relations:timeline",
            "relations:country-list",
            "relations:open-data",
        ]

    def location(self, item):
        return reverse(item)


class RecordSitemap(BaseSitemap):
    model = None

    def items(self):
        return self.model.objects.public().only("slug", "updated_at").order_by("pk")

    def lastmod(self, record):
        return record.updated_at


class ReferenceSitemap(BaseSitemap):
    model = None

    def items(self):
        return self.model._default_manager.order_by("pk")


def content_sitemap(model):
    return type(f"{model.__name__}Sitemap", (RecordSitemap,), {"model": model})


def reference_sitemap(model):
    return type(f"{model.__name__}Sitemap", (ReferenceSitemap,), {"model": model})


SITEMAPS = {
    "pages": PagesSitemap,
    **{model._meta.model_name: content_sitemap(model) for model in CONTENT_MODELS},
    **{model._meta.model_name: reference_sitemap(model) for model in REFERENCE_MODELS},
}
