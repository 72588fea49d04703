"""`driftcheck diagnose`: from an error message a user actually has to the step that failed."""

from driftcheck.diagnose.catalogue import CatalogueEntry, Diagnosis, MessageMatch, diagnose, entries

__all__ = ["CatalogueEntry", "Diagnosis", "MessageMatch", "diagnose", "entries"]
