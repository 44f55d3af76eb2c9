"""Which Python function runs an execution, by the runner name of its TaskFunction.

A runner takes an Execution (PENDING or RUNNING, with its job host, job, node and OLT loaded)
and returns the summary stored on it. It signals failure by raising: an exception with a true
``retryable`` attribute (SNMP timeout, unreachable OLT) is retried by the coordinator;
``RunnerInterrupted`` ends the execution as INTERRUPTED; anything else ends it as FAILED.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oltflow.jobs.models import Execution

Runner = Callable[["Execution"], dict[str, Any]]


class RunnerInterrupted(Exception):
    """The runner stopped before finishing its work (shutdown, simulated interruption)."""


class UnknownRunnerError(LookupError):
    pass


def runner_for(name: str) -> Runner:
    """Return the runner registered under ``name`` (a ``catalog.Runner`` value)."""
    # Imported here: simulate imports this module, discovery and get import models.
    from oltflow.polling import discovery, get, simulate

    runners: dict[str, Runner] = {
        "discovery": discovery.run,
        "get": get.run,
        "simulate": simulate.run,
    }
    try:
        return runners[name]
    except KeyError:
        raise UnknownRunnerError(f"no runner is registered under {name!r}") from None
