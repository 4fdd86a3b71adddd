import pytest
from django.core.management import call_command


@pytest.fixture
def reference_data(db):
    """The reference fixture (countries, tracks, pillars, organisations, sources), as shipped."""
    call_command("loaddata", "reference", verbosity=0)
