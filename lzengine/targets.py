"""Targets: where lzengine talks ARM — real Azure, an external endpoint, or the local emulator.

Who uses it: ``lzengine.api`` (``open_target``) and, through it, the CLI. This is the composition
root's lower half: the only module besides the CLI that picks the concrete adapter connection
and the only one that starts the embedded emulator (lazily, inside ``open_target``), so the
engine never imports the emulator. The choice follows the same rules and environment variables
as the CLI: an endpoint (``LZENGINE_ENDPOINT``) wins; then Azure when a subscription is
configured (``AZURE_SUBSCRIPTION_ID``); otherwise the local emulator with its state under
``.lzengine/``.
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lzengine.errors import TargetError

LOCAL_STATE_DIR = ".lzengine"
DEFAULT_LOCAL_TIME_SCALE = 0.01


@dataclass(frozen=True)
class Target:
    """An open target: a human label, the adapter connection, and the time scale of waits
    (retry backoff shrinks with the emulator's time scale)."""

    label: str
    connection: Any
    backoff_scale: float = 1.0

    @property
    def subscription_id(self) -> str:
        return str(self.connection.subscription_id)


@contextlib.contextmanager
def open_target(
    kind: str | None = None,
    *,
    subscription_id: str | None = None,
    credential: Any = None,
    endpoint: str | None = None,
    ca_file: str | None = None,
    token: str | None = None,
    time_scale: float = DEFAULT_LOCAL_TIME_SCALE,
    policy_dir: str | None = None,
    state_dir: str = LOCAL_STATE_DIR,
    env: Mapping[str, str] | None = None,
    fallback_subscription_id: str | None = None,
    subscriptions: Sequence[str] | None = None,
) -> Iterator[Target]:
    """Open a target; the local emulator (if chosen) runs until the ``with`` block ends.

    ``kind`` is ``"local"``, ``"azure"``, ``"endpoint"`` or None (decide as the CLI does). Values
    not given are read from ``env`` (default ``os.environ``): ``AZURE_SUBSCRIPTION_ID``,
    ``LZENGINE_ENDPOINT``, ``LZENGINE_CA_FILE``, ``LZENGINE_TOKEN``. ``credential`` is any
    azure-identity credential for Azure; ``DefaultAzureCredential`` when None.
    ``fallback_subscription_id`` (the plan's ``subscription``) fills in the id but, unlike a
    configured one, does not by itself choose Azure over the local emulator. ``subscriptions``
    (the plan's others: hub and spokes, see :func:`plan_subscriptions`) are served by the local
    emulator beside the default one, which is ``fallback_subscription_id`` when given. Raises
    ``TargetError`` when the combination cannot work.
    """
    from lzengine.adapters.azure_sdk import Connection, StaticTokenCredential, default_credential

    env = os.environ if env is None else env
    subscription_id = subscription_id or env.get("AZURE_SUBSCRIPTION_ID") or None
    configured = bool(subscription_id)
    subscription_id = subscription_id or fallback_subscription_id
    endpoint = endpoint or (env.get("LZENGINE_ENDPOINT") if kind in (None, "endpoint") else None) or None
    ca_file = ca_file or env.get("LZENGINE_CA_FILE") or None
    token = token or env.get("LZENGINE_TOKEN") or None
    if kind == "endpoint" and not endpoint:
        raise TargetError("the endpoint target needs an endpoint URL (or LZENGINE_ENDPOINT)")
    if endpoint and kind in (None, "endpoint"):
        if not subscription_id:
            raise TargetError("--endpoint needs --subscription or AZURE_SUBSCRIPTION_ID")
        if not token:
            raise TargetError("--endpoint needs --token or LZENGINE_TOKEN")
        connection = Connection(subscription_id, StaticTokenCredential(token), base_url=endpoint, ca_file=ca_file,
                                polling_interval=0.05)
        yield Target(f"endpoint {endpoint} (subscription {subscription_id})", connection)
        return
    chosen = kind or ("azure" if configured else "local")
    if chosen == "azure":
        if not subscription_id:
            raise TargetError("--target azure needs --subscription or AZURE_SUBSCRIPTION_ID")
        if credential is None:
            credential = default_credential()
        yield Target(f"azure (subscription {subscription_id})", Connection(subscription_id, credential,
                                                                          polling_interval=5.0))
        return
    if chosen != "local":
        raise TargetError(f"unknown target {chosen!r}: use local, azure or endpoint")
    with _local_emulator(state_dir, time_scale, policy_dir, fallback_subscription_id, list(subscriptions or ())) as emu:
        connection = Connection(emu.subscription_id, StaticTokenCredential(emu.token), base_url=emu.url,
                                ca_file=emu.ca_file, polling_interval=0.02,
                                # its "scaled" throttling refills 1/time_scale times faster than ARM
                                pacing_speedup=1 / time_scale if time_scale > 0 else math.inf)
        state = Path(state_dir) / "emulator.sqlite"
        yield Target(f"local emulator (state {state}, time scale {time_scale:g})", connection,
                     backoff_scale=time_scale)


@contextlib.contextmanager
def _local_emulator(state_dir: str, time_scale: float, policy_dir: str | None, default: str | None,
                    others: list[str]) -> Iterator[Any]:
    from lzengine.emulator import DEFAULT_SUBSCRIPTION_ID, Emulator

    folder = Path(state_dir)
    folder.mkdir(exist_ok=True)
    emu = Emulator(state_file=str(folder / "emulator.sqlite"), time_scale=time_scale, throttle="scaled",
                   policy_dirs=[policy_dir] if policy_dir else None,
                   subscriptions=[default or DEFAULT_SUBSCRIPTION_ID, *(s for s in others if s)])
    emu.start()
    try:
        yield emu
    finally:
        emu.stop()


def plan_subscriptions(plan: Any) -> list[str]:
    """Every subscription a plan names (``subscription``, ``hub.subscription``,
    ``spokes[].subscription``, then those of ``hub.existing``'s ids), in that order, without
    repeats: what the local emulator serves."""
    found = [getattr(plan, "subscription", None), getattr(getattr(plan, "hub", None), "subscription", None)]
    found += [getattr(spoke, "subscription", None) for spoke in getattr(plan, "spokes", None) or ()]
    existing = getattr(getattr(plan, "hub", None), "existing", None)
    if existing is not None:  # an existing hub's ids name the subscriptions it lives in
        named = [existing.virtual_network_id, existing.firewall_id, existing.private_dns_resource_group_id,
                 existing.log_analytics_workspace_id, *(existing.private_dns_zone_ids or {}).values()]
        found += [i.split("/")[2] for i in named if isinstance(i, str) and i.lower().startswith("/subscriptions/")]
    out: list[str] = []
    for sub in found:
        if isinstance(sub, str) and sub and sub.lower() not in (s.lower() for s in out):
            out.append(sub)
    return out
