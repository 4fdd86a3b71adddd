"""The database router: anonymous public pages read from a replica, everything else from the primary;
a browser that just wrote reads its writes; a replica that cannot be reached is left out."""

import contextlib
import os
import subprocess
import sys
import time

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from relations import cache, replicas

from .factories import EventFactory
from .test_settings import ROOT


class FakeConnection:
    """A replica's connection; the queries themselves run on the test database, through this
    connection's execute wrappers, and fail while `fails` says so (the replica went away)."""

    def __init__(self, up=True):
        self.up = up
        self.fails = False
        self.connects = 0

    def close_if_health_check_failed(self):
        pass

    def ensure_connection(self):
        self.connects += 1
        if not self.up:
            raise OperationalError("connection refused")

    @contextlib.contextmanager
    def execute_wrapper(self, wrapper):
        def failing(execute, sql, params, many, context):
            if self.fails:
                raise OperationalError("terminating connection due to administrator command")
            return execute(sql, params, many, context)

        with connection.execute_wrapper(wrapper), connection.execute_wrapper(failing):
            yield


@pytest.fixture
def two_replicas(monkeypatch, settings):
    """Two replicas, as DATABASE_REPLICA_URLS would configure them; their connections are fakes
    (the queries themselves still run on the test database)."""
    fakes = {"replica_0": FakeConnection(), "replica_1": FakeConnection()}
    monkeypatch.setattr(replicas, "replica_aliases", lambda: list(fakes))
    monkeypatch.setattr(replicas, "connections", fakes)
    monkeypatch.setattr(replicas, "_down_until", {})
    settings.REPLICA_LAG_SECONDS = 5
    settings.PAGE_CACHE_SECONDS = 0  # every request renders (and so reads) its page
    return fakes


@pytest.fixture
def seen_by_views(monkeypatch):
    """The database each view's reads were routed to."""
    seen = []
    real = replicas.reading

    def recording(request, changed_at):
        manager = real(request, changed_at)

        class Recording:
            def __enter__(self):
                alias = manager.__enter__()
                seen.append(replicas.ReplicaRouter().db_for_read(None) or "default")
                return alias

            def __exit__(self, *exc):
                return manager.__exit__(*exc)

        return Recording()

    monkeypatch.setattr(replicas, "reading", recording)
    return seen


def settled():
    """The record last changed a minute ago: longer than the replication lag tolerated."""
    cache.page_cache().set(cache.GENERATION_KEY, f"{time.time() - 60:.6f}:settled", None)


@pytest.mark.django_db
def test_an_anonymous_public_page_reads_from_a_replica_and_staff_from_the_primary(
    client, admin_client, two_replicas, seen_by_views
):
    EventFactory()
    settled()
    assert client.get(reverse("relations:event-list")).status_code == 200
    assert seen_by_views == [seen_by_views[0]] and seen_by_views[0] in two_replicas
    admin_client.get(reverse("relations:event-list"))
    assert len(seen_by_views) == 1, "staff requests never enter reading()"
    # Outside a public page (the admin, the API, a write), nothing is routed to a replica.
    assert replicas.ReplicaRouter().db_for_read(None) is None
    assert replicas.ReplicaRouter().db_for_write(None) == "default"


@pytest.mark.django_db
def test_just_after_a_change_every_read_goes_to_the_primary(client, two_replicas, seen_by_views):
    EventFactory()  # a change: a new generation, younger than the lag tolerated
    client.get(reverse("relations:event-list"))
    assert seen_by_views == ["default"]


@pytest.mark.django_db
def test_a_browser_that_wrote_reads_from_the_primary_for_a_while(client, two_replicas, seen_by_views):
    settled()
    response = client.post(reverse("admin:login"), {"username": "nobody", "password": "wrong"})
    cookie = response.cookies[replicas.WROTE_COOKIE]
    assert cookie["max-age"] == 5 and cookie["httponly"]
    client.get(reverse("relations:event-list"))
    assert seen_by_views == ["default"]
    client.cookies.pop(replicas.WROTE_COOKIE)  # expired
    client.get(reverse("relations:timeline"))
    assert seen_by_views[1] in two_replicas


@pytest.mark.django_db
def test_no_cookie_without_replicas(client):
    response = client.post(reverse("admin:login"), {"username": "nobody", "password": "wrong"})
    assert replicas.WROTE_COOKIE not in response.cookies


@pytest.mark.django_db
def test_a_replica_down_is_left_out_and_with_all_down_the_primary_answers(client, two_replicas, seen_by_views):
    settled()
    two_replicas["replica_0"].up = False
    for _ in range(6):
        assert client.get(reverse("relations:event-list")).status_code == 200
    assert set(seen_by_views) == {"replica_1"}
    assert two_replicas["replica_0"].connects == 1, "tried once, then left out"
    two_replicas["replica_1"].up = False
    replicas._down_until.clear()
    assert client.get(reverse("relations:event-list")).status_code == 200
    assert seen_by_views[-1] == "default"


@pytest.mark.django_db
def test_a_replica_lost_in_the_middle_of_a_page_is_left_out_and_the_primary_renders_it(
    client, two_replicas, seen_by_views
):
    event = EventFactory()
    settled()
    for fake in two_replicas.values():
        fake.fails = True  # each goes away once the request has chosen it
    response = client.get(event.get_absolute_url())
    assert response.status_code == 200
    assert event.title_en in response.content.decode()
    chosen = seen_by_views[0]
    assert chosen in two_replicas and set(replicas._down_until) == {chosen}
    # The next request reads from the other replica (or, once both are out, the primary).
    client.get(reverse("relations:timeline"))
    assert seen_by_views[1] == (set(two_replicas) - {chosen}).pop()


def test_replicas_are_never_migrated():
    router = replicas.ReplicaRouter()
    assert router.allow_migrate("default", "relations")
    assert not router.allow_migrate("replica_0", "relations")


def test_replicas_come_from_the_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="relations.settings",
        DATABASE_URL="postgres://user:pass@primary:5432/relations",
        DATABASE_REPLICA_URLS="postgres://user:pass@replica-a:5432/relations, postgres://user:pass@replica-b:5432/relations",
    )
    script = (
        "import django; from django.conf import settings; django.setup(); "
        "print(sorted(settings.DATABASES), settings.DATABASES['replica_1']['HOST'], "
        "settings.DATABASES['replica_0']['TEST']['MIRROR'], settings.DATABASE_ROUTERS)"
    )
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "['default', 'replica_0', 'replica_1'] replica-b default ['relations.replicas.ReplicaRouter']"
    )
