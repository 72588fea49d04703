"""Deployed configuration: the settings an API, gateway or frontend really runs with, read
from its deployment artifacts (local files, never executed).

One reader module per kind (`spring_boot`, `aspnetcore`, `istio`, ...), each behind the small
interface of `interface.py`; `read.py` runs them for every component that names artifacts and
`apply.py` uses the values where the environment file declares none.
"""
