"""A broken SNMP agent for one test: it answers every GETNEXT/GETBULK with the same rows.

No real agent can be made to return OIDs out of order on purpose (snmpsim sorts its data), so
this responder, written with the simulator's own BER helpers, plays one. It answers v1/v2c
requests under any community with ``<root>.1 = 1, <root>.2 = 2`` (GETNEXT: only the first),
which sends a naive walk back to ``<root>.1`` forever.
"""

from __future__ import annotations

import socket
import threading
from types import TracebackType

from oltflow.simulator.ber import (
    INTEGER,
    SEQUENCE,
    encode_integer,
    encode_tlv,
    read_header,
    read_tlv,
)

OBJECT_IDENTIFIER = 0x06
OCTET_STRING = 0x04
GET_NEXT_REQUEST = 0xA1
GET_RESPONSE = 0xA2


def encode_oid(oid: str) -> bytes:
    arcs = [int(part) for part in oid.split(".")]
    body = bytearray([arcs[0] * 40 + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return encode_tlv(OBJECT_IDENTIFIER, bytes(body))


class LoopingAgent:
    """Serves the looping rows under ``root`` on a free loopback port while the context lasts."""

    def __init__(self, root: str) -> None:
        self.root = root
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._socket.bind(("127.0.0.1", 0))
        self._socket.settimeout(0.1)
        self.port = int(self._socket.getsockname()[1])
        self.requests = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _answer(self, request: bytes) -> bytes | None:
        header = read_header(request)
        if header.community is None:
            return None
        pdu_tag, pdu_start, _ = read_tlv(request, header.pdu_start)
        tag, id_start, id_end = read_tlv(request, pdu_start)
        if tag != INTEGER:
            return None
        rows = [(f"{self.root}.1", 1), (f"{self.root}.2", 2)]
        if pdu_tag == GET_NEXT_REQUEST:
            rows = rows[:1]
        varbinds = b"".join(
            encode_tlv(SEQUENCE, encode_oid(oid) + encode_integer(value)) for oid, value in rows
        )
        pdu = encode_tlv(INTEGER, request[id_start:id_end])  # the request's request-id
        pdu += encode_integer(0) + encode_integer(0) + encode_tlv(SEQUENCE, varbinds)
        body = encode_integer(header.version) + encode_tlv(OCTET_STRING, header.community)
        return encode_tlv(SEQUENCE, body + encode_tlv(GET_RESPONSE, pdu))

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                request, client = self._socket.recvfrom(65535)
            except TimeoutError:
                continue
            self.requests += 1
            answer = self._answer(request)
            if answer is not None:
                self._socket.sendto(answer, client)

    def __enter__(self) -> LoopingAgent:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._socket.close()
