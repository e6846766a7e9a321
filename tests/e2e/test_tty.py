"""On a terminal: live progress, and a yes/no question before a replacement (stdlib pty)."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

HUB = """\
name: contoso-ai
location: swedencentral
hub:
  address_space: 10.100.0.0/16
  policy_assignments: []
  subnets:
    - {name: snet-a, prefix: 10.100.1.0/24}
"""


def run_on_tty(args: list[str], cwd: Path, answer: str | None = None, timeout: float = 60) -> tuple[int, str]:
    """Run lzengine with a pseudo-terminal as stdin/stdout; answer the first question asked."""
    master, slave = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("AZURE_SUBSCRIPTION_ID", "LZENGINE_ENDPOINT")}
    process = subprocess.Popen([sys.executable, "-m", "lzengine", *args], cwd=cwd, env=env,
                               stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    output = b""
    deadline = time.monotonic() + timeout
    answered = False
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
            if answer is not None and not answered and b"the resources above?" in output:
                os.write(master, answer.encode() + b"\n")
                answered = True
        elif process.poll() is not None:
            break
    os.close(master)
    return process.wait(timeout=30), output.decode(errors="replace")


def test_terminal_confirmation_before_a_replacement(tmp_path: Path) -> None:
    (tmp_path / "hub.yaml").write_text(HUB, encoding="utf-8")
    (tmp_path / "moved.yaml").write_text(HUB.replace("swedencentral", "westeurope"), encoding="utf-8")
    code, output = run_on_tty(["apply", "hub.yaml", "--time-scale", "0"], tmp_path)
    assert code == 0 and "Apply complete" in output and "✓" in output  # live view on a terminal

    code, output = run_on_tty(["apply", "moved.yaml", "--time-scale", "0"], tmp_path, answer="n")
    assert code == 1 and "Replace/delete the resources above?" in output and "re-run with --yes" in output

    code, output = run_on_tty(["apply", "moved.yaml", "--time-scale", "0"], tmp_path, answer="y")
    assert code == 0, output
    assert "1 replaced" in output
