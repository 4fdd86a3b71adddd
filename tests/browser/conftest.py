"""Browser tests: pytest-playwright's `page` with Debian's Chromium, against pytest-django's live_server.

(A minimal copy of the site engineer's conftest, so these tests run on this branch; theirs is kept.)
"""

import os

import pytest

# Playwright's sync API runs an event loop in the test's thread; the tests' own database calls are
# synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
