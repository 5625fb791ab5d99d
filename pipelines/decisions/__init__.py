"""The stewards' decisions: what comes back from the review files and the worklists.

* :mod:`~pipelines.decisions.findings` — the stable finding key, and what the stored
  finding decisions do to this run's findings (suppressed false alarms, reopened fixes);
* :mod:`~pipelines.decisions.flow` — the week in numbers (new, resolved, reopened, false
  alarms, open; persons merged and split; review pairs open and decided);
* :mod:`~pipelines.decisions.store` — the ``decisions/`` folder of an output folder;
* :mod:`~pipelines.decisions.sheets` — reading filled review files and worklists;
* :mod:`~pipelines.decisions.imports` — checking them against the run and storing them
  (``dancu review import``).

The pair decisions' constraints live beside the clustering, in
:mod:`pipelines.resolve.review`.
"""
