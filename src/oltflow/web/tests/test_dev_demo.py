"""The README's run command, exactly: ``./dev demo`` from the repository.

Within a minute the fleet page lists the eight simulated OLTs with their ONUs; SIGINT then
stops the product and every process it started.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[4]
READY_WITHIN_SECONDS = 60


def free_tcp_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def descendants(pid: int) -> set[int]:
    """Every process below ``pid``, from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


class Session:
    """A browser-like client: cookies and the CSRF token of Django's login form."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=10) as answer:
            return answer.read().decode()

    def sign_in(self, username: str, password: str) -> None:
        form = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)[1]
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "username": username, "password": password}
        ).encode()
        request = urllib.request.Request(
            self.base + "/login/", data=body, headers={"Referer": self.base + "/login/"}
        )
        with self.opener.open(request, timeout=10) as answer:
            assert "/login/" not in answer.url, "sign-in refused"


def fleet_rows(page: str) -> dict[str, tuple[int, int]]:
    """OLT name -> (ONUs present, ONUs known) from the fleet page."""
    rows = {}
    for row in re.findall(r'<tr class="state-[a-z]+" data-olt="\d+">(.*?)</tr>', page, re.S):
        name = re.search(r'<a href="/olts/\d+/">([^<]+)</a>', row)[1]
        present, known = re.search(r'class="num">(\d+) / (\d+)</td>', row).groups()
        rows[name] = (int(present), int(known))
    return rows


def test_dev_demo_fills_the_fleet_page_within_a_minute_and_stops_cleanly(
    tmp_path: Path,
) -> None:
    port = free_tcp_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("OLTFLOW_")}
    env |= {"OLTFLOW_HOME": str(tmp_path), "OLTFLOW_PORT": str(port), "PYTHONUNBUFFERED": "1"}
    started = time.monotonic()
    process = subprocess.Popen(
        ["./dev", "demo"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    output: list[str] = []
    reader = threading.Thread(target=lambda: output.extend(process.stdout), daemon=True)
    reader.start()
    children: set[int] = set()
    try:
        # The credentials it prints, then the fleet page until every OLT shows up with ONUs.
        rows: dict[str, tuple[int, int]] = {}
        session = None
        while time.monotonic() - started < READY_WITHIN_SECONDS:
            assert process.poll() is None, "".join(output)
            children |= descendants(process.pid)
            if session is None:
                found = re.search(r"sign in as (\S+) / (\S+)", "".join(output))
                if found:
                    session = Session(f"http://127.0.0.1:{port}")
                    session.sign_in(*found.groups())
            if session is not None:
                rows = fleet_rows(session.get("/"))
                with_onus = [name for name, (present, _) in rows.items() if present > 0]
                if len(rows) == 8 and len(with_onus) == 7:
                    break
            time.sleep(1)
        else:
            pytest.fail(f"not ready in {READY_WITHIN_SECONDS} s: {rows}\n{''.join(output)}")

        # Eight OLTs; all but the one that never answers have ONUs.
        assert len(rows) == 8
        assert [name for name, (present, _) in rows.items() if present == 0] == ["demo-down-08"]
        assert children, "the demo starts the simulator as child processes"
    finally:
        # Ctrl-C, as a user would stop it.
        children |= descendants(process.pid)
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        reader.join(timeout=5)

    assert code == 0, "".join(output)
    assert "Stopped" in "".join(output)
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in children) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in children if alive(pid)], "child processes left running"
