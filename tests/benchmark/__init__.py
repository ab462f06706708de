"""The benchmark of issue 5: ``make bench`` or ``python -m tests.benchmark.run``."""
