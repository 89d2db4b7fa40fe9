"""The WRES analysis book: inputs, analysis, results, report and book layers.

Importing the package does one thing before anything else: it keeps ``rfc3987_syntax`` from
loading in this process.  Why: jsonschema (imported by Altair, nbformat and papermill)
imports it, when installed, to check the ``iri`` formats, and it compiles about 35 Earley
grammars as it loads, about a second of every process that imports jsonschema (jsonschema
issue 1428). Measured on the development machine (2 cores), medians of 7 runs: a process
importing the organisation page's modules took 2.0 s with it loaded, 0.8 s without.
Every chapter's kernel, every worker and every ``wres`` command paid it, and the book never
checks an ``iri`` format (no schema it reads names one).  jsonschema treats the missing module
as it treats any missing format library: the two ``iri`` checks are not registered, and
validation is otherwise unchanged.  A process that imported the module before importing
``wres`` keeps it.
"""

import sys

sys.modules.setdefault("rfc3987_syntax", None)
