"""The README's automation script runs as-is: the test extracts exactly its ```python block and
runs it against the emulator through the same environment variables the CLI reads."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from tests.conftest import REPO
from tests.ops.helpers import reference_size


def readme_script() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    library = text.split("\n## Library\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", library, flags=re.S)
    assert len(blocks) == 1, "the Library section has exactly one python block"
    return blocks[0]


def test_the_readme_script_converges_then_finds_nothing_and_the_guardrails_hold(emulator, tmp_path) -> None:
    script = tmp_path / "nightly.py"
    script.write_text(readme_script(), encoding="utf-8")
    emu = emulator.emu
    env = {**os.environ, "LZENGINE_ENDPOINT": emu.url, "LZENGINE_CA_FILE": emu.ca_file, "LZENGINE_TOKEN": emu.token,
           "AZURE_SUBSCRIPTION_ID": emu.subscription_id}

    first = subprocess.run([sys.executable, str(script)], cwd=REPO, env=env, capture_output=True, text=True,
                           timeout=300)
    assert first.returncode == 0, first.stdout + first.stderr
    created = reference_size(emu.subscription_id)
    assert "missing: hub.resource_group" in first.stdout and f"apply: {{'create': {created}" in first.stdout
    assert re.search(r"\b(\d+) of \1 guardrail checks passed", first.stdout), first.stdout

    emulator.reset_stats()
    second = subprocess.run([sys.executable, str(script)], cwd=REPO, env=env, capture_output=True, text=True,
                            timeout=300)
    assert second.returncode == 0, second.stdout + second.stderr
    assert "missing:" not in second.stdout and "apply:" not in second.stdout
    assert emulator.stats()["writes"] == 0
