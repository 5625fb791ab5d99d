"""The report model: everything a report or an e-mail shows, built once from a scorecard.

:func:`build_model` reads the run's scorecard, the runs to compare with and to draw, the
example records and the worklist files, and returns a :class:`Report` of plain values (numbers,
names, ranked actions, links). The four renderings — HTML report, Markdown report, e-mail HTML
and e-mail text — are Jinja2 templates over this one model (:mod:`pipelines.report.render`),
so they cannot disagree. Nothing here formats a number: the templates do, with the filters of
:mod:`pipelines.report.texts`.

Two audiences: ``local`` (the steward's machine: example record ids, links to the worklists)
and ``shared`` (what leaves the machine in an e-mail: counts and scores only, no record id,
no link to a file the reader cannot open; DESIGN §9).

Example:
    >>> card = {"run_id": "r1", "as_of": "2026-11-22", "overall": {"rows": 10,
    ...     "score": 95.0, "dung": 99.0}, "sources": {"residents": {"rows": 10, "rules": [
    ...     {"rule": "phone.invalid", "dimension": "dung", "checked": 10, "failed": 1},
    ...     {"rule": "death.not_reflected", "dimension": "song", "checked": 5, "failed": 1}]}},
    ...     "provinces": []}
    >>> m = build_model(card, lang="vi", trend_runs=[card], targets=MinScores())
    >>> [a.rule for a in m.actions], m.scope.scores["dung"].status
    (['death.not_reflected', 'phone.invalid'], 'green')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pipelines.config import MinScores, ScoreFloors
from pipelines.report.chart import WORDS, Series, trend_series
from pipelines.report.examples import Examples
from pipelines.report.summary import (
    national_rules,
    province_rules,
    provinces_by_share,
    provinces_worst_first,
)
from pipelines.report.texts import label, source_label
from pipelines.report.worklist import WORKLIST_DIR
from pipelines.rules import RULES

__all__ = [
    "AMBER_MARGIN",
    "Action",
    "Audience",
    "Flow",
    "FlowRow",
    "Group",
    "Link",
    "Place",
    "Report",
    "Score",
    "Section",
    "build_model",
    "status_of",
]

Audience = Literal["local", "shared"]

AMBER_MARGIN = 2.0
"""A score below its target by at most this many points is amber (close), further below red."""


@dataclass(frozen=True)
class Score:
    """One of the five scores of a group, its change, target and status.

    ``count`` is the records failing the word (or, for ``score``, the group's records);
    ``status`` is ``green`` (at or above target), ``amber`` (below by at most
    :data:`AMBER_MARGIN`), ``red`` or ``none`` (no score or no target).
    """

    word: str
    value: float | None
    change: float | None
    target: float | None
    status: str
    count: int | None


@dataclass(frozen=True)
class Link:
    """A link to a file beside the report: ``href`` relative to the report, ``text`` shown."""

    href: str
    text: str


@dataclass(frozen=True)
class Group:
    """A row of a table: all registers, a register, a province or the records without one."""

    key: str
    name: str
    rows: int | None
    quarantined: int | None
    scores: Mapping[str, Score]
    anchor: str = ""
    rank: int | None = None
    worklists: tuple[Link, ...] = ()

    @property
    def status(self) -> str:
        """Return the status of the overall score."""
        return self.scores["score"].status


@dataclass(frozen=True)
class Place:
    """A province where a rule fails, with its share of the records checked there."""

    code: str
    name: str
    anchor: str
    failed: int
    checked: int
    share: float


@dataclass(frozen=True)
class Action:
    """A failing rule in a scope (the run, or one province) with what to do about it."""

    rule: str
    title: str
    meaning: str
    todo: str
    dimension: str
    severity: str
    priority: int
    critical: bool
    checked: int
    failed: int
    share: float
    score: float | None
    sources: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    where: tuple[Place, ...] = ()


@dataclass(frozen=True)
class Section:
    """One province's part of the report: its scores, what to do first, its rules."""

    group: Group
    actions: tuple[Action, ...]
    rules: tuple[Action, ...]


@dataclass(frozen=True)
class FlowRow:
    """How one group's list of findings moved since the previous run (``flow`` counts)."""

    key: str
    name: str
    new: int
    resolved: int
    reopened: int
    false_alarms: int
    open: int


@dataclass(frozen=True)
class Flow:
    """The week in numbers (``scorecard.json`` ``flow``): counts only, for every audience."""

    compared_as_of: str | None
    total: FlowRow
    sources: tuple[FlowRow, ...] = ()
    provinces: tuple[FlowRow, ...] = ()
    persons: Mapping[str, int] | None = None
    review: Mapping[str, int] | None = None


@dataclass(frozen=True)
class Report:
    """Everything one report or message shows (see the module docstring)."""

    lang: str
    audience: Audience
    run_id: str
    as_of: str
    generated_at: str
    week: tuple[int, int]
    scope: Group
    province: tuple[str, str] | None
    comparison: str
    compared_as_of: str | None
    trend: Series
    sources: tuple[Group, ...] = ()
    total: Group | None = None
    provinces: tuple[Group, ...] = ()
    unplaced: Group | None = None
    rules: tuple[Action, ...] = ()
    actions: tuple[Action, ...] = ()
    sections: tuple[Section, ...] = ()
    has_targets: bool = False
    margin: float = AMBER_MARGIN
    flow: Flow | None = None

    @property
    def local(self) -> bool:
        """Return True for the steward's own copy (record ids, links to worklists)."""
        return self.audience == "local"


def status_of(value: float | None, target: float | None) -> str:
    """Return ``green``, ``amber``, ``red`` or ``none`` for a score against its target.

    Example:
        >>> status_of(95.0, 95.0), status_of(93.5, 95.0), status_of(90.0, 95.0), status_of(None, 9)
        ('green', 'amber', 'red', 'none')
    """
    if value is None or target is None:
        return "none"
    if value >= target:
        return "green"
    return "amber" if value >= target - AMBER_MARGIN else "red"


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _int(value: Any) -> int | None:
    number = _number(value)
    return None if number is None else int(number)


def _diff(now: Mapping[str, Any], before: Mapping[str, Any] | None) -> dict[str, float | None]:
    if before is None:
        return dict.fromkeys(WORDS)
    out: dict[str, float | None] = {}
    for w in WORDS:
        a, b = _number(now.get(w)), _number(before.get(w))
        out[w] = None if a is None or b is None else round(a - b, 2)
    return out


def _group(
    key: str,
    name: str,
    body: Mapping[str, Any] | None,
    change: Mapping[str, Any] | None,
    floors: ScoreFloors | None,
    **extra: Any,
) -> Group:
    body = body or {}
    change = change or {}
    failed = body.get("failed_records") or {}
    scores = {}
    for w in WORDS:
        value = _number(body.get(w))
        target = getattr(floors, w) if floors is not None else None
        count = _int(body.get("rows")) if w == "score" else _int(failed.get(w))
        delta = _number(change.get(w))
        scores[w] = Score(w, value, delta, target, status_of(value, target), count)
    return Group(key, name, _int(body.get("rows")), _int(body.get("quarantined")), scores, **extra)


def _record_text(source: str, record_id: str, lang: str) -> str:
    return f"{source_label(source, lang)} {record_id}"


def _action(
    item: Mapping[str, Any], lang: str, examples: Sequence[tuple[str, str]] = (), where: Any = ()
) -> Action:
    rule = RULES[item["rule"]]
    return Action(
        rule=rule.id,
        title=rule.title(lang),
        meaning=rule.meaning(lang).replace("`", ""),
        todo=rule.action(lang),
        dimension=rule.dimension,
        severity=rule.severity,
        priority=rule.priority,
        critical=rule.critical,
        checked=int(item["checked"]),
        failed=int(item["failed"]),
        share=float(item["share"]),
        score=_number(item.get("score")),
        sources=tuple(item.get("sources") or ()),
        examples=tuple(_record_text(s, r, lang) for s, r in examples),
        where=tuple(where),
    )


def _links(names: Sequence[str]) -> tuple[Link, ...]:
    return tuple(Link(f"{WORKLIST_DIR}/{n}", n) for n in names)


def _anchor(code: str) -> str:
    return f"p-{code}"


def _province_entry(card: Mapping[str, Any] | None, code: str) -> Mapping[str, Any] | None:
    for item in (card or {}).get("provinces") or []:
        if str(item.get("province_code")) == code:
            return dict(item)
    return None


def _flow_row(key: str, name: str, counts: Mapping[str, Any] | None) -> FlowRow:
    c = counts or {}
    keys = ("new", "resolved", "reopened", "false_alarms", "open")
    return FlowRow(key, name, *(int(c.get(k) or 0) for k in keys))


def flow_of(
    card: Mapping[str, Any], lang: str, province: tuple[str, str] | None = None
) -> Flow | None:
    """Return the week in numbers of ``card`` (None for a scorecard without ``flow``).

    With ``province`` only that province's counts (a province's message).

    Example:
        >>> card = {"flow": {"compared_with": None, "findings": {"new": 2, "open": 2},
        ...     "sources": {"residents": {"new": 2, "open": 2}}, "provinces": [],
        ...     "persons": {"new": 1}, "review": {"open": 3}}}
        >>> f = flow_of(card, "vi")
        >>> f.total.new, [s.name for s in f.sources], f.review["open"]
        (2, ['Dân cư'], 3)
    """
    flow = card.get("flow")
    if not isinstance(flow, Mapping):
        return None
    compared = (flow.get("compared_with") or {}).get("as_of")
    if province is not None:
        code, name = province
        entry = next((p for p in flow.get("provinces") or []
                      if str(p.get("province_code")) == code), None)  # fmt: skip
        return Flow(compared, _flow_row(code, name, entry))
    sources = tuple(
        _flow_row(s, source_label(s, lang), c) for s, c in (flow.get("sources") or {}).items()
    )
    provinces = tuple(
        _flow_row(str(p.get("province_code")), str(p.get("province_name")), p)
        for p in flow.get("provinces") or []
    )
    return Flow(
        compared,
        _flow_row("all", label("total", lang), flow.get("findings")),
        sources,
        provinces,
        dict(flow.get("persons") or {}),
        dict(flow.get("review") or {}),
    )


def build_model(
    card: Mapping[str, Any],
    *,
    lang: str,
    trend_runs: Sequence[Mapping[str, Any]],
    trend_labels: Sequence[str] | None = None,
    audience: Audience = "local",
    before: Mapping[str, Any] | None = None,
    comparison: str | None = None,
    card_change: bool = False,
    province: tuple[str, str] | None = None,
    examples: Examples | None = None,
    worklists: Mapping[str | None, Sequence[str]] | None = None,
    targets: MinScores | None = None,
    n_actions: int = 5,
    week: tuple[int, int] | None = None,
) -> Report:
    """Return the model of one report or message of ``card``.

    ``before`` is the run the changes compare with (``comparison`` names how it was chosen:
    ``previous``, ``week``, ``latest``; ``none`` without one); with ``card_change`` the changes
    of all registers and of each register are the card's own ``change`` (the report), else
    they are computed against ``before`` (the e-mail). ``trend_runs`` are the runs drawn,
    oldest first, labelled ``trend_labels`` (default: short dates). ``province`` is
    ``(code, name)`` for a message about one province only: then the model holds that
    province's figures and nothing of any other. ``examples`` and ``worklists`` (province code
    → worklist file names; None for the records without a province) are used only for the
    ``local`` audience. ``targets`` are the gate's minimum scores.
    """
    lang = "en" if lang == "en" else "vi"
    local = audience == "local"
    examples = examples if local and examples is not None else Examples()
    files = worklists if local and worklists is not None else {}
    as_of = str(card.get("as_of") or "")
    try:
        day = dt.date.fromisoformat(as_of[:10])
        iso = day.isocalendar()
        week = week or (iso[0], iso[1])
    except ValueError:
        week = week or (0, 0)
    kind = comparison or ("previous" if before is not None else "none")
    compared = str(before.get("as_of")) if before is not None and before.get("as_of") else None
    floors_all = targets.all if targets is not None else None
    common: dict[str, Any] = {
        "lang": lang,
        "audience": audience,
        "run_id": str(card.get("run_id") or ""),
        "as_of": as_of,
        "generated_at": str(card.get("generated_at") or ""),
        "week": week,
        "comparison": kind,
        "compared_as_of": compared,
        "has_targets": targets is not None,
    }

    if province is not None:
        code, name = province
        entry = _province_entry(card, code)
        earlier = _province_entry(before, code)
        scope = _group(
            code,
            str((entry or {}).get("province_name") or name),
            entry if entry is not None else {"rows": 0},
            _diff(entry or {}, earlier) if earlier is not None else None,
            floors_all,
        )
        items = province_rules(entry or {})
        return Report(
            **common,
            flow=flow_of(card, lang, (code, scope.name)),
            scope=scope,
            province=(code, scope.name),
            trend=trend_series(trend_runs, lang, lambda r: _province_entry(r, code), trend_labels),
            rules=tuple(_action(i, lang) for i in items),
            actions=tuple(_action(i, lang) for i in items[:n_actions]),
        )

    change = card.get("change") or {}
    prev_sources = (before or {}).get("sources") or {}
    overall = card.get("overall") or {}
    if card_change:
        scope_change: Mapping[str, Any] | None = change.get("overall") if change else None
    else:
        scope_change = _diff(overall, (before or {}).get("overall")) if before else None
    scope = _group("all", label("total", lang), overall, scope_change, floors_all)
    sources = []
    for source, body in (card.get("sources") or {}).items():
        if card_change:
            delta = (change.get("sources") or {}).get(source) if change else None
        else:
            delta = _diff(body or {}, prev_sources.get(source)) if source in prev_sources else None
        floors = getattr(targets, source, None) if targets is not None else None
        sources.append(_group(source, source_label(source, lang), body, delta, floors))

    groups, sections = [], []
    for rank, p in enumerate(provinces_worst_first(card), start=1):
        code = str(p.get("province_code"))
        name = str(p.get("province_name") or label("unknown_province", lang))
        earlier = _province_entry(before, code)
        g = _group(
            code,
            name,
            p,
            _diff(p, earlier) if earlier is not None else None,
            floors_all,
            anchor=_anchor(code),
            rank=rank,
            worklists=_links(files.get(code, ())),
        )
        groups.append(g)
        if g.rows:
            items = province_rules(p)
            found = [_action(i, lang, examples.of(i["rule"], code)) for i in items]
            sections.append(Section(g, tuple(found[:3]), tuple(found)))
    unplaced_body = card.get("unplaced") or {}
    unplaced = None
    if unplaced_body.get("rows") or files.get(None):
        unplaced = _group(
            "",
            label("unplaced", lang),
            unplaced_body,
            None,
            floors_all,
            worklists=_links(files.get(None, ())),
        )

    def where(rule: str) -> list[Place]:
        return [
            Place(p["province_code"], p["province_name"], _anchor(p["province_code"]),
                  p["failed"], p["checked"], p["share"])
            for p in provinces_by_share(card, rule)
        ]  # fmt: skip

    items = national_rules(card)
    rules = tuple(_action(i, lang, examples.of(i["rule"]), where(i["rule"])) for i in items)
    return Report(
        **common,
        flow=flow_of(card, lang),
        scope=scope,
        province=None,
        trend=trend_series(trend_runs, lang, None, trend_labels),
        sources=tuple(sources),
        total=scope if len(sources) != 1 else None,
        provinces=tuple(groups),
        unplaced=unplaced,
        rules=rules,
        actions=rules[:n_actions],
        sections=tuple(sections),
    )
