from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RelationsConfig(AppConfig):
    name = "relations"
    verbose_name = _("Canada–ASEAN relations")

    def ready(self):
        from . import signals  # noqa: F401  (connects the cache's receivers)
