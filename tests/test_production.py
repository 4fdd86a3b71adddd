"""The production setup of README.md, Deploy, for real: gunicorn serving the site with debug off, and
whitenoise serving the hashed, compressed static files with long cache headers."""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
HOST = "relations.example.gc.ca"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """gunicorn on a free local port, with the production environment, a migrated SQLite database and
    collected static files in a temporary folder."""
    folder = tmp_path_factory.mktemp("production")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-throwaway-key-for-this-test-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_BEHIND_PROXY="1",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DATABASE_URL=f"sqlite:///{folder / 'db.sqlite3'}",
    )
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "relations.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode()
                time.sleep(0.1)
        yield {"port": port, "static": folder / "static"}
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stderr.close()


def fetch(production, path, **headers):
    connection = http.client.HTTPConnection("127.0.0.1", production["port"], timeout=10)
    # As the TLS-terminating proxy sends it on.
    connection.request("GET", path, headers={"Host": HOST, "X-Forwarded-Proto": "https", **headers})
    response = connection.getresponse()
    body = response.read()
    connection.close()
    return response, body


def test_gunicorn_serves_a_page_with_the_security_headers(production):
    response, body = fetch(production, reverse("relations:home"))
    assert response.status == 200
    assert b"Canada" in body
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000; includeSubDomains"
    assert "object-src 'none'" in response.getheader("Content-Security-Policy")


def test_plain_http_is_redirected_to_https(production):
    response, _ = fetch(production, "/", **{"X-Forwarded-Proto": "http"})
    assert response.status == 301
    assert response.getheader("Location") == f"https://{HOST}/"


def test_whitenoise_serves_hashed_compressed_static_files_cached_for_long(production):
    manifest = json.loads((production["static"] / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/site.css"]
    assert hashed != "css/site.css"
    response, body = fetch(production, f"/static/{hashed}", **{"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert response.getheader("Content-Type").startswith("text/css")
    assert response.getheader("Cache-Control") == "max-age=315360000, public, immutable"
    assert body[:2] == b"\x1f\x8b"  # gzip's magic number


def test_an_admin_page_is_served_too(production):
    response, _ = fetch(production, "/admin/login/")
    assert response.status == 200
    assert response.getheader("Set-Cookie") and "Secure" in response.getheader("Set-Cookie")


def test_the_api_and_its_documentation_are_served_too(production):
    response, body = fetch(production, "/api/v1/")
    assert response.status == 200
    assert response.getheader("Content-Type") == "application/json"
    assert b'"events":"https://' in body
    response, body = fetch(production, "/api/v1/docs/")
    assert response.status == 200
    # Its stylesheet comes from the hashed static files, like the site's own.
    assert b"/static/css/api-docs." in body and b'id="events_list"' in body
