"""Global names preflight: before a Key Vault or storage account is created, ask Azure whether
its name is free, so ``plan`` shows a taken name instead of the apply failing on it.

Who uses it: ``Engine.plan`` (with the other preflights), for every pending create of a type
whose names are global across Azure. One ``checkNameAvailability`` POST per such create, at the
subscription of the resource (``POST /subscriptions/{s}/providers/Microsoft.KeyVault/
checkNameAvailability`` with ``{"name", "type"}``; the same for Microsoft.Storage): Azure
answers ``nameAvailable`` and a ``reason`` (``AlreadyExists``, ``AccountNameInvalid``) with a
message. A vault being recovered (``createMode: recover``) is skipped: its own soft-deleted copy
holds the name. An identity that may not call the action (403) or a target that does not offer
it (400/404) leaves the check to the write itself. A refused name fails that resource (and
what depends on it) like a policy denial; it does not stop the rest of the run.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lzengine import ids
from lzengine.adapters.base import Adapter
from lzengine.diff import Action, Change
from lzengine.errors import ProviderError
from lzengine.refs import get_path

#: lower-case ARM type → (provider namespace, api-version of the action, ARM code of a taken name)
GLOBAL_NAMES: dict[str, tuple[str, str, str]] = {
    "microsoft.keyvault/vaults": ("Microsoft.KeyVault", "2024-11-01", "VaultAlreadyExists"),
    "microsoft.storage/storageaccounts": ("Microsoft.Storage", "2025-01-01", "StorageAccountAlreadyTaken"),
}


def refusals(changes: Mapping[str, Change], desired: Mapping[str, Any], adapter: Adapter,
             subscription: str) -> dict[str, tuple[str, str]]:
    """Address → (ARM code, message) for every pending create whose global name Azure reports
    as not available."""
    found: dict[str, tuple[str, str]] = {}
    for address, change in changes.items():
        spec = GLOBAL_NAMES.get(change.arm_type.lower())
        if spec is None or change.action is not Action.CREATE or not change.allowed or change.failure:
            continue
        if str(get_path(desired.get(address) or {}, "properties.createMode") or "").lower() == "recover":
            continue
        namespace, api_version, taken_code = spec
        name = change.arm_id.rstrip("/").rsplit("/", 1)[-1]
        where = ids.subscription_of(change.arm_id) or subscription
        try:
            answer = adapter.invoke("POST", f"/subscriptions/{where}/providers/{namespace}/checkNameAvailability",
                                    api_version, {"name": name, "type": change.arm_type}) or {}
        except ProviderError as error:
            if error.status in (400, 403, 404):
                continue
            raise
        if answer.get("nameAvailable", True):
            continue
        reason = str(answer.get("reason") or "AlreadyExists")
        code = "AccountNameInvalid" if reason == "AccountNameInvalid" else taken_code
        found[address] = (code, f"the name '{name}' is not available ({reason}): {answer.get('message') or ''}".strip())
    return found
