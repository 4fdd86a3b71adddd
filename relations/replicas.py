"""Reads from PostgreSQL streaming replicas (DATABASE_REPLICA_URLS, any number): the public's pages
read from a replica, everything else from the primary.

- **What reads from a replica**: an anonymous GET or HEAD of a public page, as the page cache sees
  it (relations.cache calls `reading()` around the view): no session (staff always have one), no
  messages, and none of the cases below. The admin, the API, sign-in, every write, and whatever a
  staff member reads go to the primary (`default`), as does every query outside `reading()`.
- **Read-your-writes**: a request that writes (any method but GET, HEAD, OPTIONS, TRACE) gets a
  cookie that lasts REPLICA_LAG_SECONDS; while it is there, that browser reads from the primary,
  even signed out (a publisher who signs out to look at the public page sees their change).
- **No stale page cached**: for REPLICA_LAG_SECONDS after any change to the record (the page
  cache's generation, relations.cache), every read goes to the primary too, so that a page rendered
  from a replica that has not caught up yet is never stored under the new generation (in Django's
  cache or a proxy's). REPLICA_LAG_SECONDS is the replication lag the deployment tolerates.
- **A replica down**: each request takes one replica at random among those that answered, and
  checks its connection first; one that cannot be reached is left out for REPLICA_RETRY_SECONDS and
  the request reads from another, or from the primary. A replica that goes away in the middle of a
  request (stopped, restarted, cut off) is left out the same way and the page is rendered again from
  the primary (relations.cache): no error reaches the reader.
"""

import contextlib
import contextvars
import logging
import random
import time

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connections

logger = logging.getLogger(__name__)

WROTE_COOKIE = "relations_wrote"
# The aliases relations.settings gives the replicas: replica_0, replica_1, …
REPLICA_PREFIX = "replica_"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
# The replica this request reads from (None: the primary).
_replica = contextvars.ContextVar("relations_replica", default=None)
# Replicas that could not be reached, and until when (time.monotonic()) they are left out.
_down_until = {}


def replica_aliases():
    """The replicas' database aliases, from DATABASE_REPLICA_URLS (relations.settings)."""
    return [alias for alias in settings.DATABASES if alias.startswith(REPLICA_PREFIX)]


def healthy_replica():
    """A replica that accepts a connection now, at random among those not left out; else None."""
    now = time.monotonic()
    candidates = [alias for alias in replica_aliases() if _down_until.get(alias, 0) <= now]
    random.shuffle(candidates)
    for alias in candidates:
        try:
            # A kept connection to a replica that restarted is closed here (CONN_HEALTH_CHECKS), and
            # a new one made: either way the replica answered just now.
            connections[alias].close_if_health_check_failed()
            connections[alias].ensure_connection()
        except DatabaseError as error:
            leave_out(alias, error)
            continue
        return alias
    return None


def leave_out(alias, error):
    """No reads from this replica for REPLICA_RETRY_SECONDS."""
    _down_until[alias] = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    logger.warning("Replica %s cannot be reached (%s): reading from another or the primary.", alias, error)


def may_read_from_replica(request, changed_at):
    """Whether this request may read from a replica: see the module's docstring. `changed_at` is
    when the record last changed (the page cache's generation started), in seconds since the epoch."""
    return (
        request.method in {"GET", "HEAD"}
        and WROTE_COOKIE not in request.COOKIES
        and time.time() - changed_at >= settings.REPLICA_LAG_SECONDS
    )


class Reading:
    """What `reading()` gives: the replica read from (None: the primary), and whether it failed."""

    def __init__(self, alias):
        self.alias = alias
        self.failed = False

    def __call__(self, execute, sql, params, many, context):
        """The replica connection's execute wrapper: a lost connection leaves the replica out."""
        try:
            return execute(sql, params, many, context)
        except (OperationalError, InterfaceError) as error:
            self.failed = True
            leave_out(self.alias, error)
            raise


@contextlib.contextmanager
def reading(request, changed_at):
    """Within this block, reads go to a replica if the request may read from one. If the replica
    fails meanwhile, `failed` is true afterwards: the caller renders the page again from the primary."""
    alias = healthy_replica() if replica_aliases() and may_read_from_replica(request, changed_at) else None
    state = Reading(alias)
    token = _replica.set(alias)
    try:
        if alias is None:
            yield state
        else:
            with connections[alias].execute_wrapper(state):
                yield state
    finally:
        _replica.reset(token)


class ReplicaRouter:
    """Reads inside `reading()` from its replica; everything else, and every write, on the primary."""

    def db_for_read(self, model, **hints):
        return _replica.get()

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data everywhere

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return not db.startswith(REPLICA_PREFIX)  # replicas follow the primary, they are not migrated


class RecentWriteMiddleware:
    """Marks a browser that just wrote, so that it reads its own writes from the primary."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in SAFE_METHODS and replica_aliases():
            response.set_cookie(
                WROTE_COOKIE,
                "1",
                max_age=settings.REPLICA_LAG_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
