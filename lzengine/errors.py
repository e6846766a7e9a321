"""Errors and diagnostics shared by every layer of lzengine.

Who uses it: the plan loader and compiler (``Diagnostic`` for user mistakes, reported all at
once), the adapters (``ProviderError`` for what Azure answered), the executor and the CLI (which
turns both into exit codes and readable text without tracebacks).

Hierarchy::

    LzengineError                 base of everything lzengine raises on purpose
    ├── PlanError                 the plan is wrong; carries a list of Diagnostic
    ├── ProviderError             Azure (or the emulator) refused or failed a call;
    │                             carries the ARM code, HTTP status, Retry-After and the
    │                             classification (retryable or fatal) from lzengine.retry
    └── TargetError               the target cannot be reached or configured
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a plan file, pinned to file:line:column, with a hint to fix it."""

    file: str
    line: int  # 1-based
    column: int  # 1-based
    message: str
    hint: str = ""
    code: str = "invalid"

    def render(self) -> str:
        text = f"{self.file}:{self.line}:{self.column}: error[{self.code}]: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
        }


class LzengineError(Exception):
    """Base class of the errors lzengine raises on purpose."""


class PlanError(LzengineError):
    """A plan failed to load or validate; ``diagnostics`` holds every problem found."""

    def __init__(self, diagnostics: list[Diagnostic]):
        self.diagnostics = sorted(diagnostics, key=lambda d: (d.file, d.line, d.column))
        super().__init__("\n".join(d.render() for d in self.diagnostics))


class TargetError(LzengineError):
    """The chosen target (Azure, endpoint or local emulator) cannot be used as configured."""


class ProviderError(LzengineError):
    """A call to ARM failed.

    ``code`` is the ARM error code (``AnotherOperationInProgress``, ``InvalidParameter`` ...),
    ``status`` the HTTP status (200 for an LRO that ended Failed), ``retry_after`` the server's
    requested delay in seconds if any. ``retryable`` is decided by lzengine.retry.classify.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        arm_id: str = "",
        operation: str = "",
    ):
        self.code = code or "Unknown"
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.arm_id = arm_id
        self.operation = operation
        super().__init__(f"{self.code}: {message}")
