#!/usr/bin/env python3
"""Replays the anonymous probes of the security test (issue 19) against a running site and reports
every server error.

    scripts/probe.py --serve                       # starts the site itself (below), probes, stops it
    scripts/probe.py --url http://127.0.0.1:8105   # a site already running on this machine

What it sends, to every public list, download, feed, calendar and API endpoint (and the home,
search, timeline and detail pages it finds through the API): NUL bytes, bytes that are not UTF-8,
numbers too large for any database integer, negative and fractional numbers, emoji and
right-to-left marks, very long values, in every filter parameter; a Host header that is not the
site's; `//other-host/…` paths; methods other than GET. It passes when nothing answers 5xx, a
foreign Host gets 400, no page names the other host of a `//host` path, and TRACE is refused.

Bounded: loopback addresses only, a fixed list of requests (about 900, four at a time), 30 seconds
at most each, and a time limit for the whole run (--deadline). Standard library only.

With --serve it runs the README's production setup in a temporary folder: debug off, gunicorn on a
free loopback port, the database of DATABASE_URL (SQLite in the folder when unset) migrated and
loaded with the content fixtures, the static files collected. The exit status is 0 when every probe
passed, 1 otherwise.
"""

import argparse
import concurrent.futures
import http.client
import ipaddress
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOST = "relations.example.gc.ca"
FOREIGN_HOST = "evil.example"

# Seconds one request may take (a busy machine builds the OpenAPI description in several).
TIMEOUT = 30
HUGE = "9" * 30
# Values every filter parameter is given, one at a time (already encoded for the querystring).
VALUES = ["%00", "%FF%FE", HUGE, "-1.5e308", quote("😀\u202eévénement"), "x" * 3000]
# Fewer for the endpoints that share a list's filters through the same code (files, feeds, French).
FEW_VALUES = ["%00", "%FF", HUGE]

# Each list's filters (relations/filters.py) and pagination.
RECORD = ["q", "page", "year_from", "year_to", "country", "organisation", "source", "kind", "status", "o"]
LISTS = {
    "events": (["evenements/", "events/"], [*RECORD, "track", "pillar"]),
    "agreements": (["accords/", "agreements/"], [*RECORD, "pillar"]),
    "missions": (["missions/", "missions/"], RECORD),
    "programs": (["programmes/", "programs/"], [*RECORD, "pillar", "sector"]),
}
FILE_PARAMETERS = ["q", "year_from", "country", "track"]
TIMELINE = ["type", "track", "pillar", "year_from", "year_to", "group", "page"]
REFERENCE_API = ["countries", "organisations", "tracks", "pillars", "sources"]


class OutOfTime(Exception):
    """The whole run's time limit (--deadline) was reached."""


class Probe:
    """Requests to one site, in a few threads; counts the answers and keeps what failed."""

    def __init__(self, host, port, site_host, deadline):
        self.host, self.port, self.site_host = host, port, site_host
        self.deadline = time.monotonic() + deadline
        self.statuses = Counter()
        self.failures = []
        self.lock = threading.Lock()

    @property
    def count(self):
        return sum(self.statuses.values())

    def request(self, path, method="GET", host=None, check=None):
        """One request; a 5xx is a failure, and so is what `check(response, body)` says is wrong."""
        if time.monotonic() > self.deadline:
            raise OutOfTime("the probe's time limit was reached")
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        headers = {"Host": host or self.site_host, "X-Forwarded-Proto": "https", "Accept": "*/*"}
        try:
            connection.request(method, path, headers=headers)
            response = connection.getresponse()
            body = response.read()
        except OSError as error:  # a timeout, a connection reset: as bad as a 500
            self.fail(method, path, host, f"no answer ({error})")
            return None, b""
        finally:
            connection.close()
        problem = f"answered {response.status}" if response.status >= 500 else check and check(response, body)
        with self.lock:
            self.statuses[response.status] += 1
        if problem:
            self.fail(method, path, host, problem)
        return response, body

    def fail(self, method, path, host, problem):
        shown = path if len(path) < 160 else path[:150] + "…"
        with self.lock:
            self.failures.append(f"{method} {shown}{f' (Host: {host})' if host else ''}: {problem}")

    def json(self, path):
        response, body = self.request(path)
        return json.loads(body) if response is not None and response.status == 200 else {}

    def run(self, requests, threads=4):
        with concurrent.futures.ThreadPoolExecutor(threads) as pool:
            for future in concurrent.futures.as_completed([pool.submit(self.request, **r) for r in requests]):
                future.result()


def with_values(path, parameters, values):
    """`path` alone, then with each parameter given each value, then a parameter given twice."""
    separator = "&" if "?" in path else "?"
    yield {"path": path}
    for name in parameters:
        for value in values:
            yield {"path": f"{path}{separator}{name}={value}"}
    yield {"path": f"{path}{separator}page=1&page={HUGE}&q=a&q=%00"}


def probes(probe):
    """Every request of the run, as keyword arguments of Probe.request."""
    requests = []
    for code, index in (("fr", 0), ("en", 1)):
        every = code == "en"  # the French pages run the same code: fewer values there
        values = VALUES if every else FEW_VALUES
        search, timeline = ("search", "timeline") if every else ("recherche", "chronologie")
        requests += with_values(f"/{code}/", ["q"], FEW_VALUES)
        requests += with_values(f"/{code}/{search}/", ["q", "page"], values)
        requests += with_values(f"/{code}/{timeline}/", TIMELINE, values)
        requests += with_values(f"/{code}/feed.atom", ["q"], FEW_VALUES)
        for prefixes, parameters in LISTS.values():
            prefix = prefixes[index]
            requests += with_values(f"/{code}/{prefix}", parameters if every else ["q", "track"], values)
            files = ("download.csv", "download.json", "feed.atom") if every else ("download.csv",)
            for file in files:
                requests += with_values(f"/{code}/{prefix}{file}", FILE_PARAMETERS if every else ["q"], FEW_VALUES)
        requests += with_values(f"/{code}/{LISTS['events'][0][index]}calendar.ics", FILE_PARAMETERS, FEW_VALUES)
    for name in LISTS:
        requests += with_values(f"/api/v1/{name}/", [*FILE_PARAMETERS, "page", "page_size", "format"], FEW_VALUES)
    for name in REFERENCE_API:
        requests += with_values(f"/api/v1/{name}/", ["page", "page_size"], FEW_VALUES)
    # Detail pages, their citation files and the API's details: two of each type, found through the API.
    for name, (prefixes, _parameters) in LISTS.items():
        for record in probe.json(f"/api/v1/{name}/?page_size=2").get("results", []):
            if slug := record.get("slug"):
                for path in (
                    f"/en/{prefixes[1]}{slug}/",
                    f"/fr/{prefixes[0]}{slug}/cite.bib",
                    f"/api/v1/{name}/{slug}/",
                ):
                    requests += with_values(path, ["q"], ["%00"])
    for path in ("/sitemap.xml", "/robots.txt", "/api/v1/", "/en/countries/", "/fr/pays/ph/"):
        requests += with_values(path, ["format"], ["%00", HUGE])
    # The OpenAPI description takes no parameter, and is slow to build: once.
    requests.append({"path": "/api/v1/schema/"})
    requests += [{"path": path} for path in ODD_PATHS]

    # A Host the site does not serve: 400, never a 500, and nothing names that host.
    def refused(response, body):
        if response.status != 400:
            return f"answered {response.status} to a foreign Host, not 400"
        return FOREIGN_HOST.encode() in body and "the 400 page names the foreign host"

    for path in ("/", "/en/", "/en/events/", "/en/no-such-page/", "/api/v1/events/", "/sitemap.xml", "/robots.txt"):
        requests.append({"path": path, "host": FOREIGN_HOST, "check": refused})

    # `//host/…` paths: nothing in the answer may lead to that host.
    def stays(response, body):
        pointed = FOREIGN_HOST.encode() in body or FOREIGN_HOST in (response.getheader("Location") or "")
        return pointed and "the answer points at the other host"

    for path in ("/en/events/", "/fr/evenements/", "/en/", "/en/search/?q=x", "/api/v1/events/", "/en/no-such-page/"):
        requests.append({"path": f"//{FOREIGN_HOST}{path}", "check": stays})

    # Methods other than GET, HEAD and OPTIONS on public pages: refused.
    def not_allowed(response, body):
        return response.status != 405 and f"answered {response.status}, not 405"

    for method in ("TRACE", "PUT", "DELETE", "PATCH", "POST"):
        for path in ("/en/search/?q=x", "/en/events/", "/fr/evenements/download.csv", "/sitemap.xml"):
            requests.append({"path": path, "method": method, "check": not_allowed})
    return requests


# Paths that are odd in themselves: slugs with NUL bytes, not UTF-8, too long; unknown formats.
ODD_PATHS = [
    "/en/events/%00/",
    "/en/events/%FF/",
    "/en/events/" + "a" * 2000 + "/",
    "/en/events/download.xlsx",
    "/en/events/download.%00",
    "/en/events/no-such-event/cite.xyz",
    "/en/tracks/" + HUGE + "/",
    "/en/countries/%00%00/",
    "/api/v1/tracks/" + HUGE + "/",
    "/api/v1/countries/%00%00/",
    "/api/v1/events/%00/",
    "/en/%F0%9F%98%80/",
    "/%00",
    "/?next=//" + FOREIGN_HOST,
]


def is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve(folder):
    """gunicorn with the production environment of README.md, Deploy, on a free loopback port."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.setdefault("DATABASE_URL", f"sqlite:///{folder / 'db.sqlite3'}")
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="a-throwaway-key-for-the-probe-only-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS=HOST,
        DJANGO_BEHIND_PROXY="1",
        DJANGO_STATIC_ROOT=str(folder / "static"),
        DJANGO_API_RATE="",  # the probe makes more API requests than a visitor may
        DJANGO_LOG_LEVEL="CRITICAL",  # the refused hosts and 404s are expected; errors are counted here
    )
    python = sys.executable
    for command in (["migrate", "--noinput"], ["loadcontent"], ["collectstatic", "--noinput"]):
        subprocess.run([python, "manage.py", *command], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    port = free_port()
    command = [python, "-m", "gunicorn", "relations.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    # Until a page answers (every worker loads the project on its first request).
    for _ in range(300):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/robots.txt", headers={"Host": HOST, "X-Forwarded-Proto": "https"})
            if connection.getresponse().status == 200:
                return server, port
        except OSError:
            if server.poll() is not None:
                raise SystemExit("gunicorn did not start") from None
            time.sleep(0.1)
        finally:
            connection.close()
    stop(server)
    raise SystemExit("gunicorn did not answer")


def stop(server):
    """gunicorn's quick shutdown (SIGINT: requests in flight are not waited for)."""
    server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="a site running on this machine, e.g. http://127.0.0.1:8105")
    where.add_argument("--serve", action="store_true", help="start the site with gunicorn, probe it, stop it")
    parser.add_argument("--host", default=None, help=f"the Host header the site serves (with --serve: {HOST})")
    parser.add_argument("--deadline", type=float, default=120, help="seconds the whole probe may take (120)")
    args = parser.parse_args()

    server = None
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="probe-") as folder:
        if args.serve:
            server, port = serve(Path(folder))
            host, site_host = "127.0.0.1", HOST
            print(f"The site is up after {time.monotonic() - started:.1f} s (migrated, loaded, static files collected)")
        else:
            url = urlsplit(args.url)
            host, port = url.hostname, url.port or 80
            site_host = args.host or url.netloc
            if not is_loopback(host):
                raise SystemExit(f"{host} is not a loopback address: the probe only runs against this machine.")
        probe = Probe(host, port, site_host, args.deadline)
        probing = time.monotonic()
        try:
            probe.run(probes(probe))
        except OutOfTime as error:
            probe.fail("-", "-", None, str(error))
        finally:
            if server is not None:
                stop(server)
    statuses = ", ".join(f"{status}: {n}" for status, n in sorted(probe.statuses.items()))
    errors = sum(n for status, n in probe.statuses.items() if status >= 500)
    print(f"{probe.count} requests in {time.monotonic() - probing:.1f} s ({statuses}); {errors} server errors")
    for failure in probe.failures:
        print("FAIL", failure)
    return 1 if probe.failures else 0


if __name__ == "__main__":
    sys.exit(main())
