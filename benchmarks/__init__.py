"""Reproducible performance runs; not part of the test suite's pass/fail."""
