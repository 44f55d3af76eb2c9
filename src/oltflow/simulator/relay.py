"""A UDP relay in front of snmpsim: per-OLT answer delays, silence and churn epochs.

snmpsim picks the data file by community, cannot delay one community without blocking all of
them, and reads its data files only at start. The relay sits on the fleet's public port and,
per community (per OLT), following a JSON state file it re-reads whenever it changes:

* ``delay_s``: sends the agent's answers that much later, without holding up other OLTs;
* ``silent``: drops the requests (the OLT never answers);
* ``serve_as``: forwards the request under another community, the data file of the current
  churn epoch (``<name>~e<n>``), and restores the original community in the answer.

SNMPv3 messages carry no community: they get the settings of the state's ``v3`` OLT and are
otherwise passed on unchanged. Run as ``python -m oltflow.simulator.relay --listen HOST:PORT
--upstream HOST:PORT --state FILE``; it prints ``listening HOST:PORT`` once bound.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any

from oltflow.simulator.ber import BerError, read_header, replace_community
from oltflow.simulator.watchdog import watch_parent

logger = logging.getLogger(__name__)

Address = tuple[str, int]

EPOCH_SUFFIX = re.compile(rb"~e\d+$")
IDLE_UPSTREAM_S = 60.0


def epoch_community(name: str, epoch: int) -> str:
    """The community (and data file name) snmpsim serves for ``name`` in churn ``epoch``."""
    return name if epoch == 0 else f"{name}~e{epoch}"


class StateFile:
    """The relay's settings, re-read when the file changes."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._stamp: tuple[int, int, int] | None = None
        self.olts: dict[str, dict[str, Any]] = {}
        self.v3: str | None = None

    def refresh(self) -> None:
        try:
            status = self._path.stat()
        except FileNotFoundError:
            return
        stamp = (status.st_ino, status.st_mtime_ns, status.st_size)
        if stamp == self._stamp:
            return
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            logger.exception("Cannot read relay state %s; keeping the previous one", self._path)
            return
        self._stamp = stamp
        self.olts = data.get("olts", {})
        self.v3 = data.get("v3")

    def settings(self, community: bytes | None) -> dict[str, Any]:
        name = self.v3 if community is None else community.decode("latin-1")
        return self.olts.get(name or "", {})


class _Upstream(asyncio.DatagramProtocol):
    """The relay's socket towards snmpsim for one client address."""

    def __init__(self, relay: Relay, client: Address) -> None:
        self.relay = relay
        self.client = client
        self.transport: asyncio.DatagramTransport | None = None
        self.used = time.monotonic()

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: Address) -> None:
        self.used = time.monotonic()
        self.relay.from_agent(data, self.client)


class _Front(asyncio.DatagramProtocol):
    def __init__(self, relay: Relay) -> None:
        self.relay = relay

    def datagram_received(self, data: bytes, addr: Address) -> None:
        self.relay.from_client(data, addr)


class Relay:
    """Forwards SNMP datagrams between clients and snmpsim (see the module docstring)."""

    def __init__(self, upstream: Address, state: StateFile) -> None:
        self.upstream = upstream
        self.state = state
        self.front: asyncio.DatagramTransport | None = None
        self._upstreams: dict[Address, _Upstream] = {}
        self._waiting: dict[Address, list[bytes]] = {}

    def from_client(self, data: bytes, client: Address) -> None:
        self.state.refresh()
        try:
            header = read_header(data)
        except BerError:
            return
        settings = self.state.settings(header.community)
        if settings.get("silent"):
            return
        serve_as = settings.get("serve_as")
        if header.community is not None and serve_as:
            data = replace_community(data, serve_as.encode("latin-1"))
        self._send_upstream(data, client)

    def from_agent(self, data: bytes, client: Address) -> None:
        try:
            header = read_header(data)
        except BerError:
            return
        community = header.community
        if community is not None and EPOCH_SUFFIX.search(community):
            community = EPOCH_SUFFIX.sub(b"", community)
            data = replace_community(data, community)
        delay = float(self.state.settings(community).get("delay_s", 0.0))
        if self.front is None:
            return
        if delay > 0:
            asyncio.get_running_loop().call_later(delay, self.front.sendto, data, client)
        else:
            self.front.sendto(data, client)

    def _send_upstream(self, data: bytes, client: Address) -> None:
        upstream = self._upstreams.get(client)
        if upstream is not None and upstream.transport is not None:
            upstream.used = time.monotonic()
            upstream.transport.sendto(data)
            return
        waiting = self._waiting.setdefault(client, [])
        waiting.append(data)
        if len(waiting) == 1:
            asyncio.get_running_loop().create_task(self._connect(client))

    async def _connect(self, client: Address) -> None:
        loop = asyncio.get_running_loop()
        _, protocol = await loop.create_datagram_endpoint(
            lambda: _Upstream(self, client), remote_addr=self.upstream
        )
        self._upstreams[client] = protocol
        for data in self._waiting.pop(client, []):
            if protocol.transport is not None:
                protocol.transport.sendto(data)

    async def sweep(self) -> None:
        """Close the upstream sockets of clients gone quiet."""
        while True:
            await asyncio.sleep(IDLE_UPSTREAM_S / 2)
            now = time.monotonic()
            for client, upstream in list(self._upstreams.items()):
                if now - upstream.used > IDLE_UPSTREAM_S and upstream.transport is not None:
                    upstream.transport.close()
                    del self._upstreams[client]


def _address(text: str) -> Address:
    host, _, port = text.rpartition(":")
    return host, int(port)


async def _serve(listen: Address, upstream: Address, state_path: Path) -> None:
    loop = asyncio.get_running_loop()
    relay = Relay(upstream, StateFile(state_path))
    relay.state.refresh()
    transport, _ = await loop.create_datagram_endpoint(lambda: _Front(relay), local_addr=listen)
    relay.front = transport
    host, port = transport.get_extra_info("sockname")[:2]
    sys.stdout.write(f"listening {host}:{port}\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    sweeper = loop.create_task(relay.sweep())
    await stop.wait()
    sweeper.cancel()
    transport.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m oltflow.simulator.relay")
    parser.add_argument("--listen", required=True, help="HOST:PORT to serve (port 0: any)")
    parser.add_argument("--upstream", required=True, help="HOST:PORT of snmpsim")
    parser.add_argument("--state", required=True, type=Path, help="JSON state file")
    args = parser.parse_args(argv)
    logging.basicConfig(level=os.environ.get("OLTFLOW_RELAY_LOG_LEVEL", "WARNING"))
    watch_parent()
    asyncio.run(_serve(_address(args.listen), _address(args.upstream), args.state))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
