"""Signal receivers, kept to two jobs: drop the public pages' cache when the record changes, and
mark what the search index must update.

Why signals here (and only here): a published record changes through many paths (the admin's
forms, inlines and workflow actions, history reverts, `loaddata`, the shell) and every one of them
saves or deletes model instances. Hooking `post_save`, `post_delete` and `m2m_changed` for every
model of this app catches them all, without each path having to remember: a workflow step
(`relations.workflow.transition`) is a save too. Bulk writes send no signals: the import
(`relations.importing.Import.write`, once per import), `loadcontent` and `restore` call
`relations.cache.bump()` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import cache
from .models import CONTENT_MODELS
from .search import index


def is_ours(sender):
    return getattr(getattr(sender, "_meta", None), "app_label", None) == "relations"


@receiver(post_save, dispatch_uid="relations-page-cache-save")
@receiver(post_delete, dispatch_uid="relations-page-cache-delete")
def record_changed(sender, **kwargs):
    if is_ours(sender):
        cache.bump()


@receiver(m2m_changed, dispatch_uid="relations-page-cache-m2m")
def links_changed(sender, action, **kwargs):
    # `sender` is the through model, which for this app's relations is in this app too.
    if action.startswith("post_") and is_ours(sender):
        cache.bump()


# The search index (relations.search.index): what a change touches is marked, and indexed once
# when the transaction commits. Why signals here too: the same many paths change what an entry
# reads, the record's own fields, its links, citations and heads, and the reference data it names.


@receiver(post_save, dispatch_uid="relations-search-save")
@receiver(post_delete, dispatch_uid="relations-search-delete")
def search_source_changed(sender, instance, raw=False, **kwargs):
    if is_ours(sender):
        index.mark_changed(instance, raw=raw)


@receiver(m2m_changed, dispatch_uid="relations-search-m2m")
def search_links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if type(instance) in CONTENT_MODELS:
        index.mark(instance._meta.model_name, [instance.pk])
    if model in CONTENT_MODELS and pk_set:
        index.mark(model._meta.model_name, pk_set)
