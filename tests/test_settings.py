"""Settings come from the environment; production refuses an unsafe configuration."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = (
    "import django; from django.conf import settings; django.setup(); "
    "print(settings.DEBUG, settings.DATABASES['default']['ENGINE'], settings.ALLOWED_HOSTS)"
)


def run_with(**environment):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="relations.settings", **environment)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_with_nothing_set_it_runs_for_development_on_sqlite():
    result = run_with()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:2] == ["True", "django.db.backends.sqlite3"]


def test_with_debug_off_and_no_secret_key_it_refuses_to_start():
    result = run_with(DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_settings_come_from_the_environment():
    result = run_with(
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="x" * 50,
        DJANGO_ALLOWED_HOSTS="relations.example.ca, www.relations.example.ca",
        DATABASE_URL="postgres://user:pass@db.example:5432/relations",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "False django.db.backends.postgresql ['relations.example.ca', 'www.relations.example.ca']"
    )


def test_a_mistyped_debug_value_is_an_error_not_a_guess():
    result = run_with(DJANGO_DEBUG="flase")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be" in result.stderr


def test_the_cache_is_chosen_by_url():
    from django.core.exceptions import ImproperlyConfigured

    from relations.settings import cache_from_url

    assert cache_from_url("")["BACKEND"].endswith("LocMemCache")
    assert cache_from_url("redis://cache:6379/1") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache:6379/1",
    }
    assert cache_from_url("memcached://cache:11211") == {
        "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
        "LOCATION": "cache:11211",
    }
    with pytest.raises(ImproperlyConfigured):
        cache_from_url("file:///tmp/cache")
