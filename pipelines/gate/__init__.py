"""The quality gate for CI: GX suites, ``[gate]`` thresholds, regression, JUnit (``dancu gate``)."""

from pipelines.gate.checks import Check, gate_passed
from pipelines.gate.command import GateResult, run_gate
from pipelines.gate.errors import GateError

__all__ = ["Check", "GateError", "GateResult", "gate_passed", "run_gate"]
