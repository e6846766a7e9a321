"""Log records of the CLI, as human lines or JSON lines (``--log-format json``).

Who uses it: ``lzengine.cli`` for every command that talks to a target (the target line,
progress events, errors and hints, ``reconcile``'s one record per cycle). In JSON format each
record is one JSON object per line on stderr (``{"ts", "level", "event", ...}``), so stdout keeps
the command's document (``--output json``) and a log collector never has to parse prose.
Records hold addresses, ids, ARM codes and counts — never resource bodies, so a secret cannot
reach a log.
"""

from __future__ import annotations

import datetime
import json
import sys
import threading
from typing import IO, Any

from lzengine.diff import Change
from lzengine.errors import ProviderError
from lzengine.report import Outcome


def now_iso() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class JsonLog:
    """Writes one JSON object per record to ``stream`` (thread-safe)."""

    def __init__(self, stream: IO[str] | None = None):
        self._stream = stream
        self._lock = threading.Lock()

    def record(self, event: str, level: str = "info", **fields: Any) -> None:
        line = json.dumps({"ts": now_iso(), "level": level, "event": event, **fields}, default=str)
        stream = self._stream or sys.stderr
        with self._lock:
            stream.write(line + "\n")
            stream.flush()


class JsonLinesReporter:
    """The executor's progress events as JSON log records."""

    def __init__(self, log: JsonLog):
        self._log = log

    def started(self, change: Change) -> None:
        self._log.record("started", address=change.address, id=change.arm_id, action=change.action.label)

    def retrying(self, address: str, error: BaseException, delay_s: float) -> None:
        code = error.code if isinstance(error, ProviderError) else type(error).__name__
        self._log.record("retrying", level="warning", address=address, code=code, delay_s=round(delay_s, 3))

    def done(self, outcome: Outcome) -> None:
        if outcome.action.label == "noop" and outcome.status.value == "succeeded":
            return
        self._log.record("done", level="error" if outcome.status.value == "failed" else "info",
                         address=outcome.address, id=outcome.arm_id, action=outcome.action.label,
                         status=outcome.status.value, attempts=outcome.attempts, duration_s=outcome.duration_s,
                         error_code=outcome.error_code)

    def close(self) -> None:
        pass
