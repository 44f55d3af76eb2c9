"""What a runner needs from its execution: the OLT, the node's OID, parameters and time budget.

The OLT and the OID are read again for every execution, so an edit made between two runs is
used by the next one (no cache to invalidate).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from oltflow.catalog.models import IndexFormula, Oid
from oltflow.inventory.models import Olt

if TYPE_CHECKING:
    from oltflow.jobs.models import Execution

#: Share of the execution's time limit the SNMP work may use; the rest is left for writing
#: the rows, so that a slow OLT fails with a clear deadline error before the reaper steps in.
SNMP_SHARE = 0.8

#: Default cap on the rows of one walk. The largest chassis hold 16 boards of 16 PON ports of
#: 128 ONUs (32,768 rows per column); a walk longer than this is reading the wrong subtree.
DEFAULT_MAX_ROWS = 50_000


class PollingConfigError(ValueError):
    """A node, OID or OLT setting that stops a runner before any SNMP request; not retried."""

    retryable = False


@dataclass(frozen=True)
class RunContext:
    """One execution's OLT (with its model and formula), its node's OID and parameters."""

    execution_id: int
    olt: Olt
    oid: Oid
    node_key: str
    parameters: Mapping[str, Any]
    time_limit_seconds: float

    @property
    def snmp_deadline_s(self) -> float:
        """Seconds the SNMP part of the run may take."""
        return max(1.0, self.time_limit_seconds * SNMP_SHARE)

    @property
    def max_rows(self) -> int:
        """Cap on the rows of one walk (node parameter ``max_rows``)."""
        return int(self.number("max_rows", DEFAULT_MAX_ROWS, minimum=1, integer=True))

    def formula(self) -> IndexFormula | None:
        """The formula that decodes the OID's row indexes on this OLT's model."""
        return self.oid.formula_for(self.olt.model)

    def number(
        self, name: str, default: float, *, minimum: float = 0, integer: bool = False
    ) -> float:
        """Node parameter ``name`` as a number of at least ``minimum``; ``default`` if unset."""
        value = self.parameters.get(name)
        if value is None:
            return default
        valid = isinstance(value, int | float) and not isinstance(value, bool)
        if valid and integer:
            valid = float(value).is_integer()
        if not valid or not math.isfinite(value) or value < minimum:
            kind = "an integer" if integer else "a number"
            raise PollingConfigError(
                f"parameter {name!r} of node {self.node_key!r} (execution {self.execution_id}) "
                f"must be {kind} of at least {minimum:g}, not {value!r}"
            )
        return int(value) if integer else float(value)


def load_context(execution: Execution) -> RunContext:
    """Read what ``execution`` polls; raise ``PollingConfigError`` when it cannot run."""
    job_host = execution.job_host
    if job_host is None:
        raise PollingConfigError(f"execution {execution.pk} has no job host any more")
    job = job_host.job
    node = job.node
    olt = (
        Olt.objects.select_related("brand", "model__index_formula")
        .filter(pk=execution.olt_id)
        .first()
    )
    if olt is None:
        raise PollingConfigError(f"OLT {execution.olt_id} of execution {execution.pk} is gone")
    oid = Oid.objects.select_related("index_formula").get(pk=node.oid_id)
    parameters = node.parameters if isinstance(node.parameters, Mapping) else {}
    time_limit = execution.time_limit_seconds or job.task_template.time_limit_seconds
    return RunContext(
        execution_id=execution.pk,
        olt=olt,
        oid=oid,
        node_key=node.key,
        parameters=parameters,
        time_limit_seconds=float(time_limit),
    )
