"""Live probes, judged: what a probed API answered, what driftcheck predicted, the verdicts.

Pure (no I/O): collection (collect/probes.py) records the answers; this package reads them
for the rules (rules/probe.py), the run result and the reports.
"""
