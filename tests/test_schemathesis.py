"""The API does what its OpenAPI description says, checked by schemathesis against a live server.

A bounded, reproducible run: every check schemathesis has (status codes documented, responses and
their content types valid against the schema, valid requests accepted and invalid ones refused, …),
the phases that a generation budget bounds (the schema's examples, 15 generated requests per
operation, and sequences of requests following the links between operations), derandomized and
with a fixed seed,
on the shipped content (which has empty countries and URLs, archived records and drafts). Runs on
whichever database the suite runs on (SQLite and PostgreSQL in CI). The command it runs is the one
docs/open-data.md gives for running schemathesis by hand, less its coverage phase (every boundary
value of every parameter: some 1,300 requests, four times the rest together), which that page says
how to run before changing the API.
"""

import io
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.throttling import SimpleRateThrottle

EXAMPLES_PER_OPERATION = 15
SEED = 2026


def schemathesis_command(base_url):
    executable = shutil.which("schemathesis", path=str(Path(sys.executable).parent)) or "schemathesis"
    return [
        executable,
        "run",
        f"{base_url}/api/v1/schema/?format=json",
        f"--url={base_url}",
        "--checks=all",
        "--phases=examples,fuzzing,stateful",
        f"--max-examples={EXAMPLES_PER_OPERATION}",
        f"--seed={SEED}",
        "--generation-deterministic",
        "--request-timeout=30",
        "--no-color",
        "--warnings=off",
    ]


@pytest.fixture
def unthrottled(monkeypatch):
    """Some 1,500 requests from one address: more than the anonymous rate allows in an hour."""
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", {**SimpleRateThrottle.THROTTLE_RATES, "anon": None})


@pytest.mark.django_db(transaction=True)
def test_the_api_keeps_to_its_openapi_description(live_server, unthrottled, tmp_path):
    call_command("loadcontent", stdout=io.StringIO())
    result = subprocess.run(
        schemathesis_command(live_server.url), capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    report = result.stdout[-6000:] + result.stderr[-2000:]
    assert result.returncode == 0, report
    assert "No issues found" in result.stdout, report
    # Every operation was tested (nine lists and nine details), in every phase asked for.
    assert "Tested: 18" in result.stdout, report
    for phase in ("Examples", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in result.stdout, (phase, report)
