"""Browser tests: pytest-playwright's `browser`, `context` and `page` fixtures drive Debian's
Chromium (not a browser Playwright downloads) against one live server for the session (`server`).

Set CHROMIUM to use another Chromium binary, and SCREENSHOTS to a folder to keep a full-page
screenshot of every page the accessibility test visits, at each width.
"""

import os

import pytest
from django.core.management import call_command
from django.db import connections
from django.test.utils import modify_settings
from pytest_django.live_server_helper import LiveServer

# Playwright's sync API runs an event loop in the test's thread, and Django refuses ORM calls from
# a thread with a running loop; the tests make their data (and the live server's database is
# flushed) from that thread, synchronously, so the check does not apply here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is not at {CHROMIUM}: install it (apt-get install chromium) or set CHROMIUM.")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def server(django_db_setup, playwright):
    """A live Django server for the whole session, as pytest-django's `live_server` (whose helper class
    it uses, so that an in-memory SQLite database is shared with the server's thread).

    Not `live_server` itself: pytest-django gives every test that uses that one `transactional_db`,
    which empties the database after the test, so each of ~70 tests that only read the sample site
    would build it again. Here a module makes what its pages show once (`site`); a test that writes
    asks for `transactional_db` itself.

    Started once Playwright runs (its sync API changes the context in which Django keeps database
    connections, so the tests and the server then share one connection object) and, being used by
    every browser test, before the browser: it stops after the browser has closed its connections."""
    live = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost")
    with modify_settings(ALLOWED_HOSTS={"append": live.thread.host}):
        yield live
    live.stop()
    # The connections opened in Playwright's context (`transactional_db` closes them after each test,
    # `db` does not): an open one would keep PostgreSQL from dropping the test database.
    connections.close_all()


@pytest.fixture(scope="session")
def base_url(server):
    """The live server's address, so that `page.goto("/events/")` works in any browser test.

    Also replaces pytest-playwright's own fallback `base_url` fixture, which pytest 9 warns about
    (a session fixture defined as a method) and so fails under `-W error`.
    """
    return server.url


@pytest.fixture(scope="module")
def site(server, django_db_blocker):
    """A small record of every type (`sample.build(3)`) for the live server to show: committed once
    for the module's tests, emptied after the last. For tests that only read it (with `db`, which
    also rolls back what a test itself writes); a test that writes makes its own data with
    `transactional_db` instead."""
    from tests import sample

    with django_db_blocker.unblock():
        records = sample.build(3)
    yield records
    with django_db_blocker.unblock():
        # What pytest-django's `transactional_db` does after each test.
        call_command("flush", interactive=False, verbosity=0)
