"""The set-based import engine: parse and check streaming, compare in bulk, write in bulk.

One run = one transaction. Rows are checked one by one in Python by the domains' rules
(``parties.rules``, ``relationships.rules``; the hierarchy rules for the whole batch in
``hierarchies.batch``), the existing records of the source are loaded once as (external id ->
id, hash of the mapped values), and writes go out in chunks through the domains' bulk writers
(``parties.bulk``, ``relationships.bulk`` on ``core.bulk``). No per-row action is called; the
caller (``interfaces.actions``) writes one audit record for the run, and every party the run
creates, changes or archives gets a record in its history naming the run.

Keys: a party is ``(erp_source, erp_id)``. Links derived from party rows carry
``external_ref = "<source>/parent"`` (group) or ``"<source>/main"`` (settlement) and belong to
the import; links from relationship files carry ``"<source>:<external id>"`` (the external id
defaults to ``type:from:to``). Other links (manual, other sources) are never changed by an
import; clashing with them (a second parent) is an error.

The modules follow the phases of a run:

- ``results``: ``Context`` (the run's options), ``Issue``, ``Outcome``, ``Abort``;
- ``values``: how files spell choices, dates and shares, and how values are compared;
- ``party_rows``: the per-row stage of a party file and the writes of parties;
- ``parties``: a party file's phases (what the source holds, the rows, links, full sync);
- ``links``: link changes, checked as a batch and written in bulk;
- ``relationships``: a relationship file's phases and the look-ups they need.
"""

from verbund.interfaces.engine.parties import import_parties
from verbund.interfaces.engine.relationships import import_relationships
from verbund.interfaces.engine.results import Abort, Context, Issue, Outcome

__all__ = ["Abort", "Context", "Issue", "Outcome", "import_parties", "import_relationships"]
