"""`lzengine emulator serve` for clients written by someone else: a plain `requests` script, and
lzengine itself through --endpoint; it prints one JSON line and stops cleanly on SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from tests.conftest import PLANS


def test_serve_prints_one_json_line_serves_clients_and_stops_on_sigterm(tmp_path: Path) -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "lzengine", "emulator", "serve", "--time-scale", "0", "--throttle", "off",
         "--state", str(tmp_path / "state.sqlite")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        info = json.loads(server.stdout.readline())
        assert set(info) == {"url", "ca_file", "token", "subscription_id", "subscriptions"}
        assert info["url"].startswith("https://127.0.0.1:")

        # A plain HTTP client, no Azure SDK: ARM's protocol as documented.
        rg = f"{info['url']}/subscriptions/{info['subscription_id']}/resourcegroups/rg-plain"
        auth = {"Authorization": f"Bearer {info['token']}"}
        created = requests.put(f"{rg}?api-version=2025-04-01", json={"location": "swedencentral"},
                               headers=auth, verify=info["ca_file"], timeout=10)
        assert created.status_code == 201 and created.json()["properties"]["provisioningState"] == "Succeeded"
        unauthenticated = requests.get(f"{rg}?api-version=2025-04-01", verify=info["ca_file"], timeout=10)
        assert unauthenticated.status_code == 401 and "error" in unauthenticated.json()

        # lzengine pointed at it as an external endpoint.
        env = {**os.environ, "LZENGINE_ENDPOINT": info["url"], "LZENGINE_CA_FILE": info["ca_file"],
               "LZENGINE_TOKEN": info["token"], "AZURE_SUBSCRIPTION_ID": info["subscription_id"]}
        applied = subprocess.run([sys.executable, "-m", "lzengine", "apply", str(PLANS / "minimal.yaml")],
                                 env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert applied.returncode == 0, applied.stderr
        first_line = applied.stdout.splitlines()[0]
        assert first_line == f"target: endpoint {info['url']} (subscription {info['subscription_id']})"
        assert "Apply complete" in applied.stdout
        assert not (tmp_path / ".lzengine").exists()  # the external endpoint, not an embedded emulator
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=30)
    assert code == 0
