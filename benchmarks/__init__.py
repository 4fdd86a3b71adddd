"""Dev-only tooling: the `benchmark` command (its synthetic data and the pages it measures), and the
load and fault scripts (`load.sh` with `vary.lua`, `faults.py`) run against a database it filled.

Nothing in `relations` imports it; it has no models, migrations, pages or templates.
"""
