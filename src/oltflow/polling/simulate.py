"""A runner that pretends to poll: it sleeps and succeeds, fails or is interrupted by chance.

Used by the demo and the scheduling benchmarks, like the original system's test mode. Node
parameters: ``duration_min`` and ``duration_max`` (seconds, default 0.5 and 2), ``failure_ratio``
(default 0), ``interrupt_ratio`` (default 0) and ``retryable`` (whether a simulated failure asks
for a retry, default true, as a timeout would).
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any

from oltflow.polling.registry import RunnerInterrupted

if TYPE_CHECKING:
    from oltflow.jobs.models import Execution


class SimulatedFailure(Exception):
    """A failure drawn by the simulate runner."""

    def __init__(self, message: str, *, retryable: bool) -> None:
        super().__init__(message)
        self.retryable = retryable


def run(execution: Execution) -> dict[str, Any]:
    params = execution.job_host.job.node.parameters or {}
    low = float(params.get("duration_min", 0.5))
    high = float(params.get("duration_max", max(low, 2.0)))
    failure_ratio = float(params.get("failure_ratio", 0.0))
    interrupt_ratio = float(params.get("interrupt_ratio", 0.0))

    duration = random.uniform(low, high)
    time.sleep(duration)

    draw = random.random()
    if draw < interrupt_ratio:
        raise RunnerInterrupted(f"simulated interruption after {duration:.2f} s")
    if draw < interrupt_ratio + failure_ratio:
        raise SimulatedFailure(
            f"simulated failure after {duration:.2f} s",
            retryable=bool(params.get("retryable", True)),
        )
    return {"simulated_seconds": round(duration, 3)}
