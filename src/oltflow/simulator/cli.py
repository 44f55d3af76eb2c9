"""``oltflow simulate``: serve a fleet of simulated OLTs on loopback until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from oltflow.simulator.fleet import start_fleet
from oltflow.simulator.spec import (
    MAX_ONUS_PER_PORT,
    MAX_PORTS,
    MAX_SLOTS,
    Fleet,
    SimulatedOlt,
)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oltflow simulate",
        description="Serve simulated Huawei- and ZTE-like OLTs with snmpsim on loopback. "
        "Every OLT answers on one UDP port; its name is its SNMP community.",
    )
    parser.add_argument("--olts", type=int, default=3, help="number of OLTs (default 3)")
    parser.add_argument(
        "--vendor", choices=("huawei", "zte", "mixed"), default="mixed", help="default mixed"
    )
    parser.add_argument("--slots", type=int, default=1, help=f"boards per OLT, 1..{MAX_SLOTS}")
    parser.add_argument(
        "--ports", type=int, default=16, help=f"PON ports per board, 1..{MAX_PORTS}"
    )
    parser.add_argument(
        "--onus", type=int, default=8, help=f"ONUs per PON port, 0..{MAX_ONUS_PER_PORT}"
    )
    parser.add_argument("--host", default="127.0.0.1", help="loopback address (127.0.0.0/8)")
    parser.add_argument("--port", type=int, default=16161, help="UDP port, 0 for any free one")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds added to every answer")
    parser.add_argument("--silent", type=int, default=0, help="extra OLTs that never answer")
    parser.add_argument("--churn-epochs", type=int, default=0, help="churn data sets per OLT")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated data")
    parser.add_argument("--workdir", type=Path, help="keep data files here (default: temporary)")
    parser.add_argument("--duration", type=float, help="stop after this many seconds")
    return parser


def build_fleet(args: argparse.Namespace) -> Fleet:
    """The fleet the command-line options describe."""
    olts = []
    for number in range(1, args.olts + 1):
        vendor = args.vendor
        if vendor == "mixed":
            vendor = "huawei" if number % 2 else "zte"
        olts.append(
            SimulatedOlt(
                f"{vendor}-{number:02d}",
                vendor=vendor,
                slots=args.slots,
                ports_per_slot=args.ports,
                onus_per_port=args.onus,
                seed=args.seed + number,
                delay_s=args.delay,
                churn_epochs=args.churn_epochs,
            )
        )
    for number in range(1, args.silent + 1):
        olts.append(SimulatedOlt(f"silent-{number:02d}", responsive=False, onus_per_port=1))
    return Fleet(olts=tuple(olts), host=args.host, port=args.port)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    """Start the fleet, report where it answers, and stop on Ctrl-C, SIGTERM or --duration."""
    out = out or sys.stdout
    args = _parser().parse_args(argv)

    def say(message: str) -> None:
        out.write(message + "\n")
        out.flush()

    try:
        fleet = build_fleet(args)
    except ValueError as exc:
        say(f"Invalid option: {exc}")
        return 2
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())

    say(f"Starting {len(fleet.olts)} simulated OLTs")
    running = start_fleet(fleet, workdir=args.workdir, progress=say)
    try:
        for olt in fleet.olts:
            state = "never answers" if not olt.responsive else f"{olt.onu_count} ONUs"
            say(f"  {olt.name}: {olt.vendor}, {state}, community {olt.community!r}")
        if fleet.v3_user is not None:
            say(
                f"  SNMPv3 user {fleet.v3_user.name!r} ({fleet.v3_user.auth_protocol}, no "
                f"privacy) answers as {fleet.v3_olt_name}"
            )
        say(f"Fleet description: {running.workdir / 'fleet.json'}")
        say("Press Ctrl-C to stop")
        stop.wait(args.duration)
    finally:
        say("Stopping the simulated OLTs")
        running.stop()
        say("Stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
