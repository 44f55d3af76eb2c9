"""Simulated GPON OLTs for tests, demos and benchmarks (plain Python, no Django).

``Fleet`` and ``SimulatedOlt`` describe what to simulate; ``start_fleet`` serves it with
snmpsim on loopback and returns a ``RunningFleet``; ``oltflow.simulator.pytest_plugin`` holds
the pytest fixtures and ``oltflow.simulator.cli.main`` the ``oltflow simulate`` command.
"""

from oltflow.simulator.fleet import RunningFleet, start_fleet
from oltflow.simulator.population import SimOnu
from oltflow.simulator.spec import Fleet, SimulatedOlt, V3User

__all__ = ["Fleet", "RunningFleet", "SimOnu", "SimulatedOlt", "V3User", "start_fleet"]
