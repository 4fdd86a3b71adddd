"""Measure the registry's speed on synthetic data, in a throwaway database.

    manage.py benchmark import --rows 20000
    manage.py benchmark export --rows 100000
    manage.py benchmark site --sizes 1000 10000 100000
    manage.py benchmark downloads --rows 20000
    manage.py benchmark all

Each section runs in a database created for the run (``benchmark_<NAME>``, or the name given
with --database-name; in memory on SQLite) and dropped after it (kept with --keep, e.g. for the
load test), so neither real data nor the test suite's database is touched; on PostgreSQL the
database role needs CREATEDB. Sections are functions in `SECTIONS`: another
(e.g. the public site's pages) is added by writing one more and naming it there.
"""

import statistics
import time
import tracemalloc

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, reset_queries, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings, setup_databases, teardown_databases
from import_export import fields, resources
from import_export.instance_loaders import CachedInstanceLoader
from import_export.widgets import ForeignKeyWidget
from simple_history.utils import bulk_create_with_history

from benchmarks import data, sitebench
from relations.dates import parse_precise_date
from relations.formats import CSV
from relations.models import Country, Event, Organisation, Pillar, Track
from relations.resources import EventResource, OrganisationResource


class StockOrganisationResource(resources.ModelResource):
    """What django-import-export does out of the box with the same five fields and one foreign key."""

    country = fields.Field(attribute="country", column_name="country", widget=ForeignKeyWidget(Country, "code"))

    class Meta:
        model = Organisation
        fields = data.ORGANISATION_COLUMNS
        import_id_fields = ["slug"]


class StockBulkOrganisationResource(StockOrganisationResource):
    class Meta(StockOrganisationResource.Meta):
        use_bulk = True
        batch_size = 1000


class StockTunedOrganisationResource(StockOrganisationResource):
    """Stock django-import-export with the tuning its documentation gives for large imports
    ("Bulk imports"): bulk writes, no diff, and the cached instance loader (one query for the
    existing records instead of one per row)."""

    class Meta(StockOrganisationResource.Meta):
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        instance_loader_class = CachedInstanceLoader


def timed(function):
    start = time.perf_counter()
    value = function()
    return time.perf_counter() - start, value


class Command(BaseCommand):
    help = "Benchmark imports, exports and the public pages on synthetic rows, in a throwaway test database."

    def add_arguments(self, parser):
        parser.add_argument("section", choices=[*SECTIONS, "all"], help="What to measure.")
        parser.add_argument(
            "--rows",
            type=int,
            help="Rows per run (default: 20000 to import, 100000 to export, 20000 events to download).",
        )
        parser.add_argument(
            "--skip-stock",
            action="store_true",
            help="Leave out stock django-import-export's row-by-row import (the slow one).",
        )
        parser.add_argument(
            "--sizes",
            type=int,
            nargs="+",
            default=[1000, 10_000, 100_000],
            help="site: the numbers of events to measure at, smallest first (default: 1000 10000 100000).",
        )
        parser.add_argument("--repeat", type=int, default=30, help="site: requests per page (default: 30).")
        parser.add_argument(
            "--database-name", help="The throwaway database's name (default: benchmark_ and the configured one's)."
        )
        parser.add_argument(
            "--keep",
            action="store_true",
            help="Keep the database afterwards (e.g. for benchmarks/load.sh), and use it again if it is there already.",
        )

    def handle(self, *args, section, rows, skip_stock, sizes, repeat, database_name, keep, **options):
        self.skip_stock = skip_stock
        self.sizes = sorted(sizes)
        self.repeat = repeat
        if connection.vendor != "sqlite":  # SQLite's is in memory
            # Its own name, so that it never replaces the test suite's test database either.
            name = database_name or f"benchmark_{connection.settings_dict['NAME']}"
            if name == connection.settings_dict["NAME"]:
                raise CommandError("The benchmark's database must not be the configured one: it is dropped first.")
            connection.settings_dict["TEST"]["NAME"] = name
        self.stdout.write(f"Database: {connection.vendor}; creating a throwaway database for the run…")
        # With --keep, a database kept by an earlier run is used again (the site section only adds
        # the records it lacks); without, it is created afresh and dropped afterwards.
        old_config = setup_databases(verbosity=0, interactive=False, keepdb=keep, serialized_aliases=[])
        try:
            for number, name in enumerate(SECTIONS if section == "all" else [section]):
                if number:  # each section starts from an empty database
                    call_command("flush", interactive=False, verbosity=0)
                SECTIONS[name](self, rows)
        finally:
            if keep:
                self.stdout.write(f"Kept the database {connection.settings_dict['NAME']}.")
            else:
                teardown_databases(old_config, verbosity=0)

    def report(self, label, rows, seconds, baseline=None):
        rate = rows / seconds
        share = f"{rate / baseline:6.0%} of bulk_create" if baseline else ""
        self.stdout.write(f"  {label:<64} {seconds:7.2f} s {rate:8,.0f} rows/s  {share}".rstrip())
        return rate

    def benchmark_import(self, rows):
        rows = rows or 20_000
        data.reference_data()
        dataset = data.organisation_rows(rows)
        self.stdout.write(f"\nImport: {rows:,} new organisations (five fields and one foreign key)")

        def clear():
            Organisation.objects.all().delete()

        def bulk_create():
            countries = dict(Country.objects.values_list("code", "pk"))
            with transaction.atomic():
                Organisation.objects.bulk_create(
                    (
                        Organisation(
                            **dict(zip(data.ORGANISATION_COLUMNS[:-1], row[:-1], strict=True)),
                            country_id=countries[row[-1]],
                        )
                        for row in dataset
                    ),
                    batch_size=1000,
                )

        seconds, _ = timed(bulk_create)
        assert Organisation.objects.count() == rows
        clear()
        baseline = self.report("plain bulk_create (no validation)", rows, seconds)

        runs = [("this project's import (validated, all-or-nothing)", OrganisationResource)]
        if not self.skip_stock:
            runs.append(("stock django-import-export (default)", StockOrganisationResource))
        runs.append(("stock django-import-export (use_bulk)", StockBulkOrganisationResource))
        runs.append(("stock django-import-export (use_bulk, skip_diff, cached loader)", StockTunedOrganisationResource))
        for label, resource_class in runs:
            seconds, result = timed(lambda resource_class=resource_class: resource_class().import_data(dataset))
            assert not result.has_errors() and not result.has_validation_errors(), label
            assert Organisation.objects.count() == rows, label
            self.report(label, rows, seconds, baseline)
            if resource_class is OrganisationResource:
                self.benchmark_reimport(rows, baseline)
            clear()

        self.benchmark_event_import(rows)

    def benchmark_event_import(self, rows):
        """Events (the real content type: history, two foreign keys, a many-to-many) beside plain
        bulk_create and bulk_create_with_history of the same rows, in one run."""
        self.stdout.write(f"\nImport: {rows:,} new events (2 foreign keys, 1 many-to-many, history)")
        countries = dict(Country.objects.values_list("code", "pk"))
        tracks = dict(Track.objects.values_list("number", "pk"))
        pillars = dict(Pillar.objects.values_list("slug", "pk"))
        through = Event.pillars.through

        def write(create):
            instances, links = [], []
            for n in range(rows):
                row = data.event_row(n)
                start, precision = parse_precise_date(row["start_date"])
                instances.append(
                    Event(
                        slug=row["slug"],
                        title_en=row["title_en"],
                        title_fr=row["title_fr"],
                        summary_en=row["summary_en"],
                        summary_fr=row["summary_fr"],
                        kind=row["kind"],
                        start_date=start,
                        date_precision=precision,
                        country_id=countries[row["country"]],
                        track_id=tracks[int(row["track"])],
                    )
                )
            with transaction.atomic():
                created = create(instances)
                for n, event in enumerate(created):
                    links.extend(through(event_id=event.pk, pillar_id=pillars[s]) for s in data.event_pillars(n))
                through.objects.bulk_create(links, batch_size=1000)

        baselines = {}
        for label, create in [
            ("plain bulk_create (no validation, no history)", lambda i: Event.objects.bulk_create(i, batch_size=1000)),
            ("bulk_create_with_history (no validation)", lambda i: bulk_create_with_history(i, Event, batch_size=1000)),
        ]:
            seconds, _ = timed(lambda create=create: write(create))
            assert Event.objects.count() == rows, label
            baselines[label] = self.report(label, rows, seconds)
            Event.objects.all().delete()
            Event.history.all().delete()  # the deletions' entries too
        events = data.event_rows(range(rows))
        seconds, result = timed(lambda: EventResource().import_data(events))
        assert not result.has_errors() and not result.has_validation_errors(), [
            r.error_dict for r in result.invalid_rows[:3]
        ]
        assert Event.objects.count() == rows and Event.history.count() == rows
        rate = self.report("this project's import, events (validated, all-or-nothing)", rows, seconds)
        with_history = baselines["bulk_create_with_history (no validation)"]
        self.stdout.write(f"  {'':<64} {rate / with_history:.0%} of bulk_create_with_history")
        Event.objects.all().delete()

    def benchmark_reimport(self, rows, baseline):
        """The same import again, each row edited, then once more with nothing changed."""
        edited = data.organisation_rows(rows, description="Edited description {n}")
        for label, import_type in [("every row updated", "update"), ("every row unchanged (skipped)", "skip")]:
            seconds, result = timed(lambda: OrganisationResource().import_data(edited))
            assert result.totals[import_type] == rows, result.totals
            self.report(f"this project's import, {label}", rows, seconds, baseline)

    def benchmark_site(self, rows):
        """Each public page, at each size: server-side time (p50, p95) and SQL queries, cache off.

        Beside each page's p95: its ratio to a floor page measured in the same run (robots.txt: a
        trivial view through the full middleware stack, no query) and to its own p95 at the
        smallest size. Absolute times move with the machine and its load; these ratios, from one
        run, are what the goals are about (GROWTH_GOAL).
        """
        data.site_reference_data()
        counts = {}
        slow = []
        p95s = {}  # label -> {size: p95}
        floors = {}
        smallest = self.sizes[0]
        for size in self.sizes:
            sitebench.fill(size)
            numbers = ", ".join(f"{data.count(kind, size):,} {kind.plural}" for kind in data.CONTENT_TYPES)
            self.stdout.write(f"\nSite: {numbers} ({connection.vendor}, cache off, {self.repeat} requests a page)")
            with override_settings(DEBUG=False, PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["testserver"]):
                client = Client()
                # Ten times the requests: at well under a millisecond each, one hiccup of the
                # machine would otherwise be its p95.
                _p50, floor, _queries = self.measure(client, sitebench.FLOOR_URL, repeat=10 * self.repeat)
                floors[size] = floor
                self.stdout.write(f"  floor page (robots.txt) p95 {floor:.1f} ms")
                self.stdout.write(
                    f"  {'page':<34} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'/floor':>8} "
                    f"{'/' + format(smallest, ','):>8}"
                )
                for label, url in sitebench.pages(size):
                    p50, p95, queries = self.measure(client, url)
                    counts.setdefault(label, []).append(queries)
                    p95s.setdefault(label, {})[size] = p95
                    if p95 > GOAL_MS:
                        slow.append(f"{label} at {size:,}")
                    growth = p95 / p95s[label][smallest]
                    self.stdout.write(
                        f"  {label:<34} {p50:8.1f} {p95:8.1f} {queries:8d} {p95 / floor:7.1f}x {growth:7.2f}x"
                    )
        self.growth_table(p95s, floors)
        varying = [label for label, numbers in counts.items() if len(set(numbers)) > 1]
        if varying:
            self.stdout.write(self.style.WARNING(f"\nQuery counts differ between sizes: {', '.join(varying)}"))
        else:
            self.stdout.write(self.style.SUCCESS("\nQuery counts are the same at every size."))
        grown = [
            f"{label} ({max(normalised_growth(by_size, floors, size, smallest) for size in self.sizes):.2f}x)"
            for label, by_size in p95s.items()
            if any(normalised_growth(by_size, floors, size, smallest) > GROWTH_GOAL for size in self.sizes)
        ]
        if grown:
            self.stdout.write(
                self.style.WARNING(
                    f"Over {GROWTH_GOAL}x their p95 at {smallest:,} (over the floor): {', '.join(grown)}"
                )
            )
        elif len(self.sizes) > 1:
            self.stdout.write(
                self.style.SUCCESS(f"Every page within {GROWTH_GOAL}x its p95 at {smallest:,} (over the floor).")
            )
        if slow:
            self.stdout.write(self.style.WARNING(f"Over {GOAL_MS} ms at p95: {', '.join(slow)}"))
        else:
            self.stdout.write(self.style.SUCCESS(f"Every page at p95 within {GOAL_MS} ms."))

    def growth_table(self, p95s, floors):
        """Every page's p95 at each size: as a multiple of the floor page's, of its own at the
        smallest size, and of its own at the smallest size each measured against the floor then
        ("/floor growth": what is left of the growth once the machine's load, which moves the floor
        too, is taken out)."""
        smallest = self.sizes[0]
        self.stdout.write(
            f"\nGrowth: p95 / floor page, p95 / p95 at {smallest:,} events, and the same over the floor at each size"
        )
        header = "".join(
            f" {f'{size:,} /floor':>14} {f'/{smallest:,}':>9} {'/floor growth':>14}" for size in self.sizes
        )
        self.stdout.write(f"  {'page':<34}{header}")
        floor_row = "".join(
            f" {floors[size]:11.1f} ms {floors[size] / floors[smallest]:8.2f}x {'':>14}" for size in self.sizes
        )
        self.stdout.write(f"  {'floor page (robots.txt)':<34}{floor_row}")
        for label, by_size in p95s.items():
            row = "".join(
                f" {by_size[size] / floors[size]:13.1f}x {by_size[size] / by_size[smallest]:8.2f}x"
                f" {normalised_growth(by_size, floors, size, smallest):13.2f}x"
                for size in self.sizes
            )
            self.stdout.write(f"  {label:<34}{row}")

    def measure(self, client, url, repeat=None):
        for _ in range(2):  # warm up: connection, templates, the database's caches
            response = client.get(url)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        reset_queries()  # a full log (the fill ran with debug on) would count nothing
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        count = len(queries)  # now: it reads the log, which the loop below empties
        times = []
        for _ in range(repeat or self.repeat):
            start = time.perf_counter()
            client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            reset_queries()
        p95 = statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else times[0]
        return statistics.median(times), p95, count

    def benchmark_downloads(self, rows):
        """The events list's CSV, JSON and calendar, whole (no filter): time, size, peak memory.

        Streamed, so memory should not grow with the rows: the peak is traced (tracemalloc, in a
        second request, as tracing slows it) and the process's high-water mark (VmHWM) shown beside.
        """
        rows = rows or 20_000
        data.site_reference_data()
        sitebench.fill(rows)
        listed = Event.objects.listed().count()
        self.stdout.write(
            f"\nDownloads: {listed:,} listed events of {rows:,} ({connection.vendor}, whole list, no filter)"
        )
        self.stdout.write(f"  {'file':<22} {'seconds':>8} {'MB':>8} {'peak MB (traced)':>17} {'process MB':>11}")
        unbounded = {"DOWNLOAD_RATE": "", "DOWNLOAD_MAX_ROWS": 10**9, "DOWNLOAD_CONCURRENCY": 100}
        with override_settings(DEBUG=False, PAGE_CACHE_SECONDS=0, ALLOWED_HOSTS=["testserver"], **unbounded):
            client = Client()
            for label, url in sitebench.downloads():
                seconds, size = timed(lambda url=url: read_streamed(client, url))
                tracemalloc.start()
                read_streamed(client, url)
                _current, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                self.stdout.write(
                    f"  {label:<22} {seconds:8.2f} {size / 2**20:8.1f} {peak / 2**20:17.1f} {high_water_mb():11.0f}"
                )

    def benchmark_export(self, rows):
        rows = rows or 100_000
        data.reference_data()
        self.stdout.write(f"\nExport: {rows:,} organisations to CSV")
        countries = dict(Country.objects.values_list("code", "pk"))
        Organisation.objects.bulk_create(
            (Organisation(**data.organisation(n), country_id=countries[data.country_code(n)]) for n in range(rows)),
            batch_size=2000,
        )

        def export():
            return CSV().export_data(OrganisationResource().export())

        seconds, exported = timed(export)
        assert exported.count("\n") == rows + 1
        self.report("this project's export to CSV", rows, seconds)
        del exported
        tracemalloc.start()
        export()
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        self.stdout.write(f"  peak memory of the export (tracemalloc): {peak / 2**20:,.0f} MB")
        Organisation.objects.all().delete()


def normalised_growth(by_size, floors, size, smallest):
    """A page's p95 at `size` over its p95 at `smallest`, each first divided by the floor page's p95
    measured just before it: the growth the page's own work shows, whatever the machine's load did."""
    return (by_size[size] / floors[size]) / (by_size[smallest] / floors[smallest])


def read_streamed(client, url):
    """Reads a streamed response to the end, as a server sends it, without keeping it; its size."""
    response = client.get(url)
    if response.status_code != 200:
        raise CommandError(f"{url} answered {response.status_code}")
    size = sum(len(chunk) for chunk in response.streaming_content)
    response.close()
    return size


def high_water_mb():
    """The process's peak resident memory so far (Linux's VmHWM), in MB; 0 where unknown."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0


#: The sections `benchmark` can run, by name: each a function of the command and a row count.
SECTIONS = {
    "import": Command.benchmark_import,
    "export": Command.benchmark_export,
    "site": Command.benchmark_site,
    "downloads": Command.benchmark_downloads,
}

#: The goal for every page, uncached, at p95 (README, Performance).
GOAL_MS = 50
#: The most a page's p95 may grow from the smallest size measured to the largest (docs/performance.md).
GROWTH_GOAL = 1.5
