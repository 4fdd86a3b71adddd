"""When the database cannot be reached: a clean 503, and back to normal by itself after."""

import psycopg
import pytest
from django.db import OperationalError, close_old_connections, connection
from django.urls import reverse

from relations import views

from .factories import EventFactory

on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL, the production database")


def assert_clean_503(response):
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    assert "temporarily unavailable" in page
    assert "Traceback" not in page and "OperationalError" not in page


@pytest.mark.django_db
def test_a_view_that_loses_the_database_answers_503_and_the_next_request_works(client, monkeypatch, settings):
    settings.DEBUG = True  # not even then a stack trace
    EventFactory(title="Still here")

    def unreachable(*args):
        raise OperationalError("connection refused")

    monkeypatch.setattr(views, "counts_by_decade", unreachable)
    assert_clean_503(client.get(reverse("relations:home")))
    monkeypatch.undo()
    assert client.get(reverse("relations:home")).status_code == 200


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_database_down_then_back_503_then_200_without_a_restart(client, settings):
    """A closed port stands for the database being down; terminating the site's connection, for
    the database restarting under it. Neither needs the application restarted."""
    event = EventFactory(title="Survives a restart")
    url = event.get_absolute_url()
    assert client.get(url).status_code == 200
    port = connection.settings_dict["PORT"]
    connection.close()
    connection.settings_dict["PORT"] = "9"  # discard: nothing listens there
    try:
        # A page in the cache is still served; one that is not gets the 503.
        assert client.get(url).status_code == 200
        assert_clean_503(client.get(reverse("relations:event-list") + "?page=2"))
        assert_clean_503(client.get(url + "?uncached"))
    finally:
        connection.close()
        connection.settings_dict["PORT"] = port
    assert client.get(url).status_code == 200

    # The database restarts: the site's open connection is cut.
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    # Checked before reuse (CONN_HEALTH_CHECKS), the dead connection is replaced. A server runs
    # close_old_connections() as each request starts; Django's test client leaves that out.
    close_old_connections()
    response = client.get(reverse("relations:event-list") + "?after-restart")
    assert response.status_code == 200
    assert response["X-Cache"] == "miss"
    assert "Survives a restart" in response.content.decode()
