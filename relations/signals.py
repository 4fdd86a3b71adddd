"""Signal receivers, kept to one job: drop the public pages' cache when the record changes.

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
