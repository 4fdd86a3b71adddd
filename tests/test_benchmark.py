"""The benchmark command runs end to end (in its own throwaway database, hence a subprocess)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_prints_the_three_import_rates_and_the_export():
    completed = subprocess.run(
        [sys.executable, "manage.py", "benchmark", "all", "--rows", "40"],
        cwd=ROOT,
        env={**os.environ, "PYTHONWARNINGS": "error"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    for line in [
        "plain bulk_create",
        "this project's import (validated, all-or-nothing)",
        "stock django-import-export (default)",
        "this project's export to CSV",
        "peak memory of the export",
    ]:
        assert line in completed.stdout, line
