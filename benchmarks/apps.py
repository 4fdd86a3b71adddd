from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """Adds the `benchmark` management command; nothing else."""

    name = "benchmarks"
    verbose_name = "Benchmarks"
