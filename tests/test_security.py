"""Security: response headers, production settings (check --deploy), sign-in throttling, upload limits."""

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory, override_settings
from django.urls import reverse

from relations.security import UploadRefused, client_ip

from .factories import EventFactory

ROOT = Path(__file__).resolve().parent.parent

# The production environment of README.md, Deploy (with a throwaway key and an unreachable database:
# the checks need neither).
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "k" * 60 + "-a-test-key-that-is-long-and-varied-0123456789",
    "DJANGO_ALLOWED_HOSTS": "relations.example.gc.ca",
    "DJANGO_BEHIND_PROXY": "1",
    "DATABASE_URL": "postgres://relations:relations@127.0.0.1:9/relations",
}


def clean_environment(**environment):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(environment)
    return env


# --- headers ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_public_response_carries_the_security_headers(client):
    response = client.get(EventFactory().get_absolute_url())
    assert response.status_code == 200
    policy = dict(directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";"))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline': no inline script runs
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_an_https_response_carries_hsts(client):
    response = client.get(reverse("relations:home"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


def test_check_deploy_passes_with_the_production_environment():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean_environment(**PRODUCTION),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (1 silenced)." in result.stdout


def test_production_settings_are_https_only():
    show = (
        "import django; from django.conf import settings as s; django.setup(); "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_PROXY_SSL_HEADER)"
    )
    result = subprocess.run(
        [sys.executable, "-c", show],
        cwd=ROOT,
        env=clean_environment(DJANGO_SETTINGS_MODULE="relations.settings", **PRODUCTION),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True 31536000 True True ('HTTP_X_FORWARDED_PROTO', 'https')"


# --- sign-in throttling -------------------------------------------------------------------------


def sign_in(client, password, address="203.0.113.7"):
    return client.post(
        reverse("admin:login"),
        {"username": "publisher", "password": password, "next": "/admin/"},
        REMOTE_ADDR=address,
    )


@pytest.mark.django_db
def test_repeated_failures_lock_the_sign_in_out_until_the_cool_off_ends(client, settings):
    User.objects.create_user("publisher", password="correct horse battery", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "guess").status_code == 200  # the form again, with an error
    assert sign_in(client, "guess").status_code == 429  # the limit is reached: locked out
    # Even the right password is refused now, from that address…
    assert sign_in(client, "correct horse battery").status_code == 429
    # …but not from another: an attacker cannot lock a member of staff out from where they work.
    assert sign_in(client, "correct horse battery", address="198.51.100.20").status_code == 302
    client.logout()

    # Once the cool-off has passed, the right password works again from the first address.
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - settings.AXES_COOLOFF_TIME)
    assert sign_in(client, "correct horse battery").status_code == 302


@pytest.mark.django_db
def test_failures_during_the_lockout_do_not_extend_it(client, settings):
    User.objects.create_user("publisher", password="correct horse battery", is_staff=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "guess")
    locked_at = AccessAttempt.objects.get().attempt_time
    assert sign_in(client, "guess").status_code == 429
    assert AccessAttempt.objects.get().attempt_time == locked_at


def test_the_cool_off_is_finite():
    from django.conf import settings

    assert datetime.timedelta(0) < settings.AXES_COOLOFF_TIME <= datetime.timedelta(hours=1)


@override_settings(BEHIND_PROXY=True)
def test_behind_the_proxy_the_client_is_the_address_the_proxy_added():
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    assert client_ip(request) == "203.0.113.7"


@override_settings(BEHIND_PROXY=True, TRUSTED_PROXIES=["127.0.0.1"])
def test_behind_the_proxy_a_connection_from_elsewhere_is_not_trusted_with_its_forwarded_address():
    # A client reaching the server directly cannot rotate X-Forwarded-For past the sign-in lockout.
    for claimed in ("203.0.113.7", "203.0.113.8"):
        request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR=claimed, REMOTE_ADDR="198.51.100.1")
        assert client_ip(request) == "198.51.100.1"


def test_without_the_proxy_forwarded_addresses_are_ignored():
    request = RequestFactory().get("/", HTTP_X_FORWARDED_FOR="203.0.113.7", REMOTE_ADDR="198.51.100.1")
    assert client_ip(request) == "198.51.100.1"


# --- uploads ------------------------------------------------------------------------------------


def upload(name, size):
    return RequestFactory().post("/admin/", {"import_file": SimpleUploadedFile(name, b"x" * size)})


@override_settings(UPLOAD_MAX_SIZE=1000)
def test_an_upload_within_the_limits_is_accepted():
    request = upload("events.csv", 500)
    assert request.FILES["import_file"].read() == b"x" * 500


@override_settings(UPLOAD_MAX_SIZE=1000)
def test_an_upload_over_the_size_limit_is_refused():
    with pytest.raises(RequestDataTooBig):
        upload("events.csv", 2000).FILES  # noqa: B018


@pytest.mark.parametrize("name", ["events.exe", "events.html", "events.csv.php", "events"])
def test_an_upload_of_another_type_is_refused(name):
    with pytest.raises(UploadRefused):
        upload(name, 10).FILES  # noqa: B018


@pytest.mark.django_db
@override_settings(UPLOAD_MAX_SIZE=1000)
def test_a_refused_upload_is_a_400(admin_client):
    response = admin_client.post(
        reverse("admin:relations_event_changelist"), {"file": SimpleUploadedFile("big.csv", b"x" * 2000)}
    )
    assert response.status_code == 400
