"""`driftcheck diagnose`: from an error message a user actually has to the step that failed.

`diagnose(text)` reads any text (a message, log excerpt, stack trace, challenge, JSON body,
HTTP response); `diagnose_response(status, headers, body)` reads an HTTP answer directly.
"""

from driftcheck.diagnose.catalogue import (
    Answer,
    CatalogueEntry,
    Diagnosis,
    MessageMatch,
    entries,
)
from driftcheck.diagnose.engine import diagnose, diagnose_response

__all__ = ["Answer", "CatalogueEntry", "Diagnosis", "MessageMatch", "diagnose",
           "diagnose_response", "entries"]
