import pytest
from django.core.cache import caches
from django.core.management import call_command


@pytest.fixture(autouse=True)
def empty_cache(settings):
    """Every test starts with an empty cache (the public pages' cache is in process memory)."""
    caches[settings.PAGE_CACHE_ALIAS].clear()
    yield
    caches[settings.PAGE_CACHE_ALIAS].clear()


@pytest.fixture
def reference_data(db):
    """The reference fixture (countries, tracks, pillars, organisations, sources), as shipped."""
    call_command("loaddata", "reference", verbosity=0)
