"""The web server of ``oltflow up`` and ``oltflow web``: a threaded WSGI server in-process.

One thread per request (Django's ThreadedWSGIServer, which closes each thread's database
connections when its request ends), static files served by the app itself from the installed
apps' ``static`` folders, and an access log that keeps successful requests at DEBUG so that
the dashboard's periodic refreshes do not flood the console.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.core.management.base import CommandParser
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.core.wsgi import get_wsgi_application

from oltflow import config

logger = logging.getLogger(__name__)


class RequestHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        status = str(args[1]) if len(args) > 1 else ""
        if status[:1] in ("4", "5"):
            super().log_message(format, *args)
        else:
            logger.debug(format, *args)


class WebServer:
    """Bound at construction (so a busy port fails at once), served by ``start()``."""

    def __init__(self, bind: str, port: int) -> None:
        self.httpd = ThreadedWSGIServer((bind, port), RequestHandler, ipv6=":" in bind)
        self.httpd.set_app(StaticFilesHandler(get_wsgi_application()))
        self.bind = bind
        self.port = int(self.httpd.server_address[1])
        self._thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.5}, name="oltflow-web"
        )

    @property
    def url(self) -> str:
        host = {"0.0.0.0": "127.0.0.1", "::": "[::1]"}.get(self.bind, self.bind)
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    def start(self) -> WebServer:
        self._thread.start()
        logger.info("Web server listening on %s:%s", self.bind, self.port)
        return self

    def stop(self) -> None:
        """Stop accepting requests and close the socket; requests in flight finish alone."""
        if self._thread.is_alive():
            self.httpd.shutdown()
            self._thread.join()
        self.httpd.server_close()
        logger.info("Web server on %s:%s stopped", self.bind, self.port)


class StopSignals:
    """SIGINT and SIGTERM set ``requested``; a second one calls ``on_second`` (stop waiting).

    Install it once start-up is over; until then the default SIGINT handler (and SIGTERM made
    to behave like it by ``interrupt_on_sigterm``) unwinds start-up with KeyboardInterrupt.
    """

    def __init__(self) -> None:
        self.requested = threading.Event()
        self.on_second: Callable[[], None] | None = None

    def install(self) -> StopSignals:
        signal.signal(signal.SIGINT, self._handle)
        signal.signal(signal.SIGTERM, self._handle)
        return self

    def _handle(self, signum: int, frame: object) -> None:
        if self.requested.is_set() and self.on_second is not None:
            self.on_second()
        self.requested.set()

    def wait(self, alive: Callable[[], bool] = lambda: True, poll: float = 0.5) -> None:
        """Return when a signal came, or when ``alive()`` turns false."""
        while not self.requested.wait(poll):
            if not alive():
                return


def interrupt_on_sigterm() -> None:
    """Make SIGTERM raise KeyboardInterrupt, like SIGINT, so start-up unwinds cleanly."""
    signal.signal(signal.SIGTERM, signal.default_int_handler)


def add_server_arguments(parser: CommandParser) -> None:
    """``--port`` and ``--bind`` of the commands that serve the web."""
    parser.add_argument(
        "--port", type=int, default=None, help="TCP port (default: OLTFLOW_PORT, else 8000)"
    )
    parser.add_argument(
        "--bind", default=None, help="address to listen on (default: OLTFLOW_BIND, else 127.0.0.1)"
    )


def server_address(options: dict[str, Any]) -> tuple[str, int]:
    """Where to listen: the options, else OLTFLOW_BIND and OLTFLOW_PORT, else 127.0.0.1:8000."""
    bind = options["bind"] or config.env_str("OLTFLOW_BIND", "127.0.0.1")
    port = options["port"]
    if port is None:
        port = config.env_int("OLTFLOW_PORT", 8000, minimum=1)
    return bind, port
