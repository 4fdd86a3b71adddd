"""The benchmark command runs end to end (in its own throwaway database, hence a subprocess)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def benchmark(*args):
    completed = subprocess.run(
        [sys.executable, "manage.py", "benchmark", *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "error"},
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
    ]:
        assert line in output, line


def test_site_benchmark_measures_every_page_at_each_size_with_the_same_query_counts(output):
    """At a tiny size, for CI: one table per size, every page in it, and query counts that do
    not grow with the number of records (the command says so)."""
    tables = output.split("\nSite: ")[1:]
    assert [table.split(" events")[0] for table in tables] == ["30", "120"]
    counts = []
    for table in tables:
        rows = {}
        for line in table.splitlines()[2:]:
            if match := re.match(r"  (.+?)\s+([\d.]+)\s+([\d.]+)\s+(\d+)$", line):
                rows[match[1]] = int(match[4])
        counts.append(rows)
    pages = ["home", "search", "timeline", "country", "event list, filtered, French", "search, French"]
    for name in ["event", "agreement", "mission", "assistanceprogram"]:
        pages += [f"{name} list", f"{name} list, filtered", f"{name} list, last page", f"{name} detail"]
    assert sorted(counts[0]) == sorted(pages)
    assert counts[0] == counts[1]
    assert all(count > 0 for count in counts[0].values())
    assert "Query counts are the same at every size." in output
