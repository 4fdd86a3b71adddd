"""The uploaded file, kept server-side between an import's preview and its confirmation.

The client is given only the kept file's random id; the file, its format and its name are read
back from the database, for the same user and model only, until the file expires. Nothing the
client posts names a file on disk or a format, so a forged confirmation can neither import nor
delete anything else.
"""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone


def expiry():
    """Files uploaded before this have expired."""
    return timezone.now() - datetime.timedelta(hours=settings.IMPORT_PREVIEW_HOURS)


def clear_expired():
    """Delete every expired kept file; the number deleted."""
    from ..models import KeptImportFile

    deleted, _ = KeptImportFile.objects.filter(created_at__lt=expiry()).delete()
    return deleted


def keep(user, model, format_name, file_name, data):
    """Keep an uploaded file for `user`'s import of `model` records (expired ones are cleared first)."""
    from ..models import KeptImportFile

    clear_expired()
    return KeptImportFile.objects.create(
        user=user,
        model=model._meta.label_lower,
        format=format_name,
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )


def find(user, model, kept_id):
    """The kept file `kept_id` of `user` for `model`, or None: unknown, someone else's, for other
    records, expired or not an id at all."""
    from ..models import KeptImportFile

    try:
        return KeptImportFile.objects.get(
            pk=kept_id, user=user, model=model._meta.label_lower, created_at__gte=expiry()
        )
    except (KeptImportFile.DoesNotExist, ValidationError, ValueError, TypeError):
        return None
