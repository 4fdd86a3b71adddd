"""The benchmark command runs end to end (in its own throwaway database, hence a subprocess), and its
synthetic data covers every content type and imports as the fault test expects."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import data
from relations.models import CONTENT_MODELS, Event
from relations.resources import EventResource

ROOT = Path(__file__).resolve().parent.parent


def benchmark(*args):
    completed = subprocess.run(
        [sys.executable, "manage.py", "benchmark", *args],
        cwd=ROOT,
        # Any warning fails the run, but pyparsing's about the grammar of edtf (a dependency) at import.
        env={**os.environ, "PYTHONWARNINGS": "error,ignore:warn_multiple_tokens_in_named_alternation"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


@pytest.fixture(scope="module")
def output():
    """One run of every section, at tiny sizes, for both tests (each run makes and migrates a database)."""
    return benchmark("all", "--rows", "40", "--sizes", "30", "120", "--repeat", "3")


def test_benchmark_prints_the_three_import_rates_and_the_export(output):
    for line in [
        "plain bulk_create",
        "this project's import (validated, all-or-nothing)",
        "stock django-import-export (default)",
        "this project's export to CSV",
        "peak memory of the export",
        "Site: 30 events",
        "Downloads: ",
        "events CSV",
        "events calendar (.ics)",
    ]:
        assert line in output, line


def test_site_benchmark_measures_every_page_at_each_size_with_the_same_query_counts(output):
    """At a tiny size, for CI: one table per size, every page in it, and query counts that do
    not grow with the number of records (the command says so)."""
    tables = output.split("\nSite: ")[1:]
    assert [table.split(" events")[0] for table in tables] == ["30", "120"]
    counts = []
    ratios = {}  # each page's p95 over its p95 at the smallest size, at each size
    for table in tables:
        rows = {}
        for line in table.splitlines()[2:]:
            if match := re.match(r"  (.+?)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)x\s+([\d.]+)x$", line):
                rows[match[1]] = int(match[4])
                ratios.setdefault(match[1], []).append(float(match[6]))
        counts.append(rows)
    pages = ["home", "search", "timeline", "country", "countries", "event list, filtered, French", "search, French"]
    for name in ["event", "agreement", "mission", "assistanceprogram"]:
        pages += [f"{name} list", f"{name} list, filtered", f"{name} list, last page", f"{name} detail"]
    assert sorted(counts[0]) == sorted(pages)
    assert counts[0] == counts[1]
    assert all(count > 0 for count in counts[0].values())
    assert "Query counts are the same at every size." in output
    # Each page against itself at the smallest size (1.00 there), and against the floor page.
    assert all(by_size[0] == 1.0 and by_size[1] > 0 for by_size in ratios.values())
    assert output.count("floor page (robots.txt) p95") == 2
    growth = output.split("\nGrowth: ")[1]
    assert all(f"\n  {page} " in growth for page in pages)


def test_the_synthetic_data_has_a_builder_for_every_content_type():
    """A new content type without one would be left out of the site benchmark without a word."""
    assert [kind.model for kind in data.CONTENT_TYPES] == list(CONTENT_MODELS)


@pytest.mark.django_db
def test_the_fault_tests_rows_import_whole():
    """benchmarks/faults.py imports these rows and checks the links they name: they must import."""
    data.reference_data()
    rows = data.event_rows(range(5), prefix="fault-1-1", publication_status="published")
    result = EventResource().import_data(rows)
    assert not result.has_errors() and not result.has_validation_errors()
    events = Event.objects.filter(slug__startswith="fault-1-1-", publication_status="published")
    assert events.count() == 5
    links = sum(len(data.event_pillars(n)) for n in range(5))
    assert Event.pillars.through.objects.filter(event__in=events).count() == links == 7
