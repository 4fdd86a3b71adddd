"""Fault test: PostgreSQL restarts under load, and the site copes by itself.

    DATABASE_URL=postgres://relations:…@127.0.0.1:5432/<benchmark database> .venv/bin/python benchmarks/faults.py

Starts gunicorn on loopback with production settings against the database, reads pages from several
threads (uncached filtered lists, each a new URL, and a cached detail page), imports small batches of
events in a loop (each batch one transaction: five events, their pillars and history), and restarts
the database cluster part-way (`pg_ctlcluster 15 main restart`, as root; see --restart-command).
Then it prints, second by second, what the readers got, and checks that:

- errors were 503s with the site's page (no stack trace), and only while the database was down or
  in the few seconds after, with no restart of the application (CONN_HEALTH_CHECKS);
- every batch of the import is either all there (events, links and history) or not at all.

The database is one `manage.py benchmark site --keep` left filled (it has the reference data the
batches name). Run it once: the restart cuts every other session on the cluster too.
"""

import argparse
import collections
import http.client
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = int(os.environ.get("PORT") or free_port())
BATCH = 5

ENVIRONMENT = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "fault-test-only-" + "x" * 40,
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECURE_HSTS_SECONDS": "0",
    "DJANGO_LOG_LEVEL": "CRITICAL",
}


def start_server(static_root):
    env = {**os.environ, **ENVIRONMENT, "DJANGO_STATIC_ROOT": static_root}
    python = str(ROOT / ".venv/bin/python")
    subprocess.run([python, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [python, "-m", "gunicorn", "relations.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            get("/robots.txt")
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def get(path, connection=None):
    connection = connection or http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    return response.status, response.read(), connection


class Readers:
    """Threads that request pages in a loop and log (time, kind, status) for each answer."""

    def __init__(self, detail, threads=4):
        self.detail = detail
        self.log = []
        self.bodies = {}
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.run, args=(n,), daemon=True) for n in range(threads)]

    def run(self, number):
        connection = None
        count = 0
        while not self.stop.is_set():
            count += 1
            kind = "cached" if count % 5 == 0 else "uncached"
            path = self.detail if kind == "cached" else f"/en/events/?country=ID&year_from=2000&v={number}-{count}"
            try:
                status, body, connection = get(path, connection)
                self.bodies.setdefault(status, body)
            except (OSError, http.client.HTTPException):
                status, connection = "no answer", None
            self.log.append((time.monotonic(), kind, status))


def import_batches(stop, log, run):
    """Imports batches of events, one transaction each, until `stop`; logs (time, batch, outcome)."""
    from django.db import close_old_connections

    from benchmarks.data import event_rows
    from relations.resources import EventResource

    batch = 0
    while not stop.is_set():
        batch += 1
        rows = event_rows(range(BATCH), prefix=f"fault-{run}-{batch}", publication_status="published")
        close_old_connections()  # as a server does before each request: drops a dead connection
        try:
            result = EventResource().import_data(rows)
            outcome = "failed" if result.has_errors() or result.has_validation_errors() else "committed"
        except Exception as error:
            outcome = f"failed ({type(error).__name__})"
        log.append((time.monotonic(), batch, outcome))
        time.sleep(0.05)


def check_batches(log, run):
    """Each batch all there or not at all: its events, their pillar links and history."""
    from django.db import close_old_connections

    from benchmarks.data import event_pillars
    from relations.models import Event

    close_old_connections()
    events = Event.objects.filter(slug__startswith=f"fault-{run}-")
    slugs = list(events.values_list("slug", flat=True))
    present = collections.Counter(slug.split("-")[2] for slug in slugs)
    links = Event.pillars.through.objects.filter(event__in=events).count()
    # What the rows of the events there named: the pillars of a row depend on its number.
    expected_links = sum(len(event_pillars(int(slug.rsplit("-", 1)[1]))) for slug in slugs)
    history = Event.history.filter(slug__startswith=f"fault-{run}-").count()
    outcomes = collections.Counter("committed" if outcome == "committed" else "failed" for _t, _b, outcome in log)
    partial = [batch for batch, count in present.items() if count != BATCH]
    lost = [batch for _t, batch, outcome in log if outcome == "committed" and present[str(batch)] != BATCH]
    failed_but_there = [batch for _t, batch, outcome in log if outcome != "committed" and present[str(batch)]]
    total = sum(present.values())
    print(
        f"\nWrites: {len(log)} import batches of {BATCH} events, {outcomes['committed']} committed, "
        f"{outcomes['failed']} failed; in the database: {len(present)} complete batches ({total} events, "
        f"{links} pillar links, {history} history entries)."
    )
    print(
        f"  batches partly written: {len(partial)}; committed but missing: {len(lost)}; "
        f"reported failed but complete (commit acknowledged too late): {len(failed_but_there)}"
    )
    ok = not partial and not lost and links == expected_links and history == total
    events.delete()
    Event.history.filter(slug__startswith=f"fault-{run}-").delete()
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=30, help="Length of the run (default 30).")
    parser.add_argument("--restart-at", type=float, default=10, help="Seconds into the run (default 10).")
    parser.add_argument("--restart-command", default="pg_ctlcluster 15 main restart")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL benchmark database.")

    os.environ.update(ENVIRONMENT)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relations.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from relations.models import Event

    detail = Event.objects.listed().order_by("pk").first().get_absolute_url()
    run = str(int(time.time()))
    with tempfile.TemporaryDirectory() as static_root:
        server = start_server(static_root)
        try:
            for _ in range(10):
                get(detail)  # into both workers' caches
            readers = Readers(detail)
            writes = []
            writer = threading.Thread(target=import_batches, args=(readers.stop, writes, run), daemon=True)
            start = time.monotonic()
            for thread in [*readers.threads, writer]:
                thread.start()
            time.sleep(args.restart_at)
            down = time.monotonic()
            subprocess.run(shlex.split(args.restart_command), check=True)
            up = time.monotonic()
            time.sleep(max(args.seconds - (up - start), 0))
            readers.stop.set()
            for thread in [*readers.threads, writer]:
                thread.join(timeout=30)
        finally:
            server.terminate()
            server.wait(timeout=10)

    print(f"Database restart: from {down - start:.1f} s to {up - start:.1f} s ({up - down:.1f} s).\n")
    print(f"{'second':>6}  {'uncached 200':>12} {'uncached 503':>12} {'cached 200':>10} {'other':>6}")
    seconds = collections.defaultdict(collections.Counter)
    for moment, kind, status in readers.log:
        seconds[int(moment - start)][(kind, status)] += 1
    errors = []
    for second in sorted(seconds):
        counts = seconds[second]
        other = sum(n for (kind, status), n in counts.items() if status not in (200, 503))
        other += counts[("cached", 503)]
        marker = "  <- database restarting" if int(down - start) <= second <= int(up - start) else ""
        print(
            f"{second:>6}  {counts[('uncached', 200)]:>12} {counts[('uncached', 503)]:>12} "
            f"{counts[('cached', 200)]:>10} {other:>6}{marker}"
        )
    errors = [moment - start for moment, _kind, status in readers.log if status != 200]
    body = readers.bodies.get(503, b"").decode()
    clean = 503 not in readers.bodies or ("temporarily unavailable" in body and "Traceback" not in body)
    if errors:
        print(
            f"\nErrors from {min(errors):.1f} s to {max(errors):.1f} s; back to all 200s "
            f"{max(errors) - (up - start):.1f} s after the restart ended; 503 page clean: {clean}."
        )
    others = [status for _m, _k, status in readers.log if status not in (200, 503)]
    print(f"Answers other than 200 and 503: {len(others)}.")
    ok = check_batches(writes, run)
    recovered = not errors or max(errors) - (up - start) < 10
    early = [moment for moment in errors if moment < down - start - 0.5]
    print(f"\nResult: {'PASS' if ok and recovered and clean and not others and not early else 'FAIL'}")


if __name__ == "__main__":
    main()
