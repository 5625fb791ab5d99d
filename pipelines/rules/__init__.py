"""The rule registry: every data rule of dancu, declared once, read by every stage.

A rule is one :class:`Rule` declaration in the module of its word (``quarantine``, ``dung``,
``du``, ``sach``, ``song``): its id, dimension, severity (which sets its priority), whether it
is critical, and its texts in Vietnamese and English — a short title, the meaning, the
worklist message (``{column}`` is replaced by the column's name) and what to do. Validate,
reconcile and resolve emit it (through :func:`rule_id`), score counts it under its dimension,
the gate's ``critical_rules`` default to the critical ones, the worklists sort and word it,
the reports and the e-mail rank and explain it, and ``docs/rules.md`` is generated from it
(``make docs``; a test keeps them equal).

Adding a rule: one declaration in ``pipelines/rules/<word>.py`` plus the check that emits
it (a :class:`~schemas.standardised.RuleCheck`, or a ``check(...)`` in ``reconcile.py``).

Example:
    >>> r = RULES["death.not_reflected"]
    >>> r.dimension, r.severity, r.priority, r.critical
    ('song', 'legal', 1, True)
    >>> r.text("title", "en")
    'Death registered, the register still says alive'
    >>> RULES["record_id.duplicate"].outcome
    'quarantine'
"""

from __future__ import annotations

from pipelines.rules import model, registry
from pipelines.rules.model import *  # noqa: F403
from pipelines.rules.registry import *  # noqa: F403

__all__ = [*model.__all__, *registry.__all__]
