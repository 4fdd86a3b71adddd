"""Browser tests: pytest-playwright's `browser`, `context` and `page` fixtures drive Debian's
Chromium (not a browser Playwright downloads) against pytest-django's `live_server`.

Set CHROMIUM to use another Chromium binary, and SCREENSHOTS to a folder to keep a full-page
screenshot of every page the accessibility test visits, at each width.
"""

import os

import pytest

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


@pytest.fixture(scope="session")
def base_url(live_server):
    """The live server's address, so that `page.goto("/events/")` works in any browser test.

    Also replaces pytest-playwright's own fallback `base_url` fixture, which pytest 9 warns about
    (a session fixture defined as a method) and so fails under `-W error`.
    """
    return live_server.url


@pytest.fixture
def site(transactional_db):
    """A small record of every type, for the live server to show."""
    from tests import sample

    return sample.build(3)
