import contextlib

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """One MD5 round instead of PBKDF2's million: every `admin_client`, `create_user` and sign-in hashes
    a password, at 0.3–0.7 s each here (Django's own advice for test settings). No test is about the
    hasher; production keeps Django's default."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def downloads_written_at_once_unbounded(settings):
    """A server closes every streamed response, read to the end or not, and that gives back its slot
    among the downloads written at once (relations.limits); Django's test client closes only those
    read to the end. So that a test may fetch a download without reading it, the slots are many;
    tests of the limit set their own (tests/test_limits.py)."""
    settings.DOWNLOAD_CONCURRENCY = 1000


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Background tasks (large imports, relations.importing.tasks) run in the request, as they are
    queued; tests/test_import_tasks.py also queues them in the database and runs the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def empty_cache(settings):
    """Every test starts with an empty cache (the public pages' cache is in process memory)."""
    caches[settings.PAGE_CACHE_ALIAS].clear()
    yield
    caches[settings.PAGE_CACHE_ALIAS].clear()


@contextlib.contextmanager
def rolled_back_afterwards(django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """Data made once for a module's tests, as `setUpTestData` makes it for a TestCase: a module-scoped
    fixture that asks for this writes inside one transaction, each test's own (`db`) nests in it as a
    savepoint, and it is rolled back after the module's last test. So every test of the module sees
    the data: only for modules whose tests all expect it, and use `db`, not `transactional_db`."""
    with rolled_back_afterwards(django_db_blocker):
        yield


@pytest.fixture(scope="class")
def class_db(django_db_setup, django_db_blocker):
    """As `module_db`, for the tests of one class."""
    with rolled_back_afterwards(django_db_blocker):
        yield


@pytest.fixture
def reference_data(db):
    """The reference fixture (countries, tracks, pillars, organisations, sources), as shipped."""
    call_command("loaddata", "reference", verbosity=0)
