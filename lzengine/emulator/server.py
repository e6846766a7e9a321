"""The :class:`Emulator`: a local ARM endpoint over HTTPS, for tests and ``lzengine emulator serve``.

Used by the engine's tests (in-process, ``with Emulator(...) as emu``), by
:mod:`lzengine.emulator.serve` (the CLI) and by :mod:`lzengine.emulator.bench`. It creates a
throw-away CA and server certificate (trustme), serves the WSGI app of
:mod:`lzengine.emulator.app` with a threaded werkzeug server on 127.0.0.1, with HTTP/1.1
keep-alive, TLS handshakes in the connection threads and ``TCP_NODELAY`` on every accepted socket.
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import socket
import ssl
import tempfile
import threading
from collections.abc import Callable
from datetime import date
from types import TracebackType
from typing import Any

import trustme
from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler

from lzengine.emulator.app import EmulatorApp
from lzengine.emulator.auth import Authorizer
from lzengine.emulator.backend import DEFAULT_SUBSCRIPTION_ID, Backend, Clock
from lzengine.emulator.faults import FaultInjector, FaultSpec
from lzengine.emulator.store import Store
from lzengine.emulator.subscriptions import Subscriptions, subscription_ids
from lzengine.emulator.throttle import Throttler
from lzengine.emulator.today import source as today_source

log = logging.getLogger(__name__)


class _Handler(WSGIRequestHandler):
    """Request handler: TLS handshake in the worker thread, TCP_NODELAY, quiet logs."""

    protocol_version = "HTTP/1.1"
    timeout = None  # idle keep-alive connections stay open until the client (or stop()) closes them

    server: _Server

    def setup(self) -> None:
        raw: socket.socket = self.request
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        raw.settimeout(10)
        self.request = self.server.tls.wrap_socket(raw, server_side=True)
        self.request.settimeout(None)
        self.server.track(self.request)
        super().setup()

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.request)

    def run_wsgi(self) -> None:
        """Serve one request with HTTP/1.1 keep-alive.

        werkzeug's own runner always answers ``Connection: close`` (it cannot drain unread
        bodies); here the whole body is read first and every answer has a Content-Length, so the
        connection can stay open. Headers and body go out in one write.
        """
        if self.headers.get("Expect", "").strip().lower() == "100-continue":
            self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = self._read_body()
        environ = self.make_environ()
        environ["wsgi.input"] = io.BytesIO(body)
        environ["wsgi.input_terminated"] = True
        environ["CONTENT_LENGTH"] = str(len(body))
        self.environ = environ
        started: list[Any] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            started[:] = [status, headers]
            return lambda data: None

        try:
            result = self.server.app(environ, start_response)
            try:
                data = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
        except ConnectionError:
            self.close_connection = True
            raise
        except Exception:
            log.exception("emulator: unhandled error")
            started[:] = ["500 INTERNAL SERVER ERROR", [("Content-Type", "application/json")]]
            data = b'{"error": {"code": "InternalServerError", "message": "emulator failure"}}'
        status, headers = started
        code_text, _, reason = status.partition(" ")
        code = int(code_text)
        self.send_response(code, reason)
        for key, value in headers:
            if key.lower() not in ("content-length", "connection", "server", "date"):
                self.send_header(key, value)
        no_body = code in (204, 304) or 100 <= code < 200
        if not no_body:
            self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self._headers_buffer.append(b"\r\n")  # type: ignore[attr-defined]
        if data and not no_body and self.command != "HEAD":
            self._headers_buffer.append(data)  # type: ignore[attr-defined]
        self.flush_headers()

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The ``Date`` header on the emulator's clock (advanced by ``/_emulator/clock``), as ARM's
        server time: the Activity Log's event times are on the same clock."""
        wall = getattr(getattr(getattr(self.server.app, "backend", None), "activity", None), "wall", None)
        return super().date_time_string(wall() if timestamp is None and wall is not None else timestamp)

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log_error(self, format: str, *args: Any) -> None:
        log.debug("emulator: " + format, *args)


class _Server(ThreadedWSGIServer):
    """Threaded werkzeug server that wraps TLS per connection and can close them all."""

    def __init__(self, host: str, port: int, app: Any, tls: ssl.SSLContext) -> None:
        super().__init__(host, port, app, handler=_Handler)
        self.tls = tls
        self.ssl_context = tls  # werkzeug uses it for wsgi.url_scheme only
        self._conns: set[Any] = set()
        self._conns_lock = threading.Lock()

    def track(self, conn: Any) -> None:
        with self._conns_lock:
            self._conns.add(conn)

    def untrack(self, conn: Any) -> None:
        with self._conns_lock:
            self._conns.discard(conn)

    def close_connections(self) -> None:
        with self._conns_lock:
            conns = list(self._conns)
            self._conns.clear()
        for c in conns:
            try:
                c.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def handle_error(self, request: Any, client_address: Any) -> None:
        log.debug("emulator: connection error from %s", client_address, exc_info=True)


class Emulator:
    """A local ARM emulator on ``https://127.0.0.1:PORT``.

    ``time_scale`` multiplies every operation's latency (0 = operations finish at once).
    ``throttle`` is ``"on"``, ``"off"`` or ``"scaled"``; ``faults`` a fault spec string (see
    :mod:`lzengine.emulator.faults`) drawn with ``seed``. ``state_file`` persists resources in
    SQLite. Keyword-only extras: ``clock`` (a ``() -> float`` seconds source for tests),
    ``page_size`` of list responses, ``token`` to fix the admin token, ``policy_dirs``: folders
    whose policy definition JSON files are preloaded as built-ins under their real ids; ``today``
    (``YYYY-MM-DD``) pins the calendar day model lifecycles are decided on (default
    ``LZENGINE_EMULATOR_TODAY``, else the real date; see :mod:`lzengine.emulator.today`);
    ``subscriptions``: how many subscriptions to serve (their deterministic ids, see
    :func:`lzengine.emulator.subscriptions.subscription_ids`) or the ids themselves; the first is
    ``subscription_id`` (default: that one subscription).
    """

    def __init__(
        self,
        port: int = 0,
        state_file: str | None = None,
        time_scale: float = 1.0,
        throttle: str = "on",
        faults: str | None = None,
        seed: int = 0,
        subscription_id: str = DEFAULT_SUBSCRIPTION_ID,
        *,
        host: str = "127.0.0.1",
        clock: Callable[[], float] | None = None,
        page_size: int = 100,
        token: str | None = None,
        policy_dirs: list[str] | None = None,
        today: str | date | None = None,
        subscriptions: int | list[str] | None = None,
    ) -> None:
        self.port = port
        self.state_file = state_file
        self.time_scale = time_scale
        self.throttle = throttle
        self.faults = faults
        self.seed = seed
        if isinstance(subscriptions, int):
            ids = subscription_ids(subscriptions)
        else:
            ids = list(subscriptions or [subscription_id])
        #: every subscription served, the default first (validated here: a bad id fails at construction)
        self.subscriptions: list[str] = Subscriptions(ids).ids
        self.subscription_id = self.subscriptions[0]
        self.host = host
        self.page_size = page_size
        self._clock = Clock(clock)
        self.today = today_source(today)  # validates now: a bad day fails at construction
        self._token = token
        self.policy_dirs = [str(d) for d in policy_dirs or []]
        for d in self.policy_dirs:
            if not os.path.isdir(d):
                raise ValueError(f"policy directory {d} does not exist")
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._tmpdir: str | None = None
        self.url = ""
        self.ca_file = ""
        self.token = ""
        self.app: EmulatorApp | None = None
        self.backend: Backend | None = None
        # validate early so a bad option fails at construction, not at start
        Throttler(throttle, time_scale)
        self._fault_spec = FaultSpec.parse(faults, seed) if faults else None

    def start(self) -> Emulator:
        if self._server is not None:
            return self
        self._tmpdir = tempfile.mkdtemp(prefix="lzengine-emulator-")
        ca = trustme.CA(organization_name="lzengine emulator")
        cert = ca.issue_cert("127.0.0.1", "localhost", "::1")
        self.ca_file = os.path.join(self._tmpdir, "ca.pem")
        ca.cert_pem.write_to_path(self.ca_file)
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(tls)

        store = Store(self.state_file)
        self.backend = Backend(
            subscriptions=self.subscriptions, time_scale=self.time_scale, clock=self._clock,
            store=store, page_size=self.page_size, policy_dirs=self.policy_dirs, today=self.today,
        )  # fmt: skip
        authorizer = Authorizer(self._token)
        authorizer.restore(store.meta("principals", []) or [])
        self.app = EmulatorApp(
            self.backend, authorizer, Throttler(self.throttle, self.time_scale, self._clock),
            FaultInjector(self._fault_spec),
        )  # fmt: skip
        self._server = _Server(self.host, self.port, self.app, tls)
        self.port = self._server.socket.getsockname()[1]
        self.url = f"https://{self.host}:{self.port}"
        self.token = authorizer.admin.token
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"lzengine-emulator-{self.port}", daemon=True,
        )  # fmt: skip
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.backend is not None:
            with self.backend.lock:
                self.backend.store.close()
        if self._tmpdir:
            shutil.rmtree(self._tmpdir, ignore_errors=True)

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
