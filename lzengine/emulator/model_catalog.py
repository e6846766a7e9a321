"""The regional model catalogue of Azure OpenAI / AI Services, as data written for the emulator.

Read by :mod:`lzengine.emulator.rp_cognitive`: ``GET /subscriptions/{s}/providers/
Microsoft.CognitiveServices/locations/{location}/models`` (the SDK's ``models.list(location)``) lists
the entries of a region, and a deployment PUT is checked against them (model and version offered in
the region for the SKU, not retired, not deprecating).

The shape follows the REST specification's ``ModelListResult`` / ``Model`` / ``AccountModel`` /
``ModelSku`` (the same field names the azure-mgmt-cognitiveservices models map): one entry per
account kind and model version, with its SKUs (usage name, capacity bounds, deprecation date), the
version's ``deprecation.inference`` date and ``lifecycleStatus``.

Lifecycle is decided as of the emulator's day (``today``, see :mod:`lzengine.emulator.today`), not
stored: a version is ``Deprecated`` from its inference deprecation date on, ``Deprecating`` from
its ``deprecating_from`` date (new deployments refused, existing ones keep serving), and its base
status (``GenerallyAvailable``, ``Preview``) before. Azure's own catalogue answers the same way: the
``lifecycleStatus`` it lists is the server's view of that day, and clients take its word.

Which regions offer which SKU follows the public model-availability tables in broad strokes (global
deployments nearly everywhere, data-zone deployments in the US and EU zones, regional Standard in a
few regions). The dates are ours: retired versions carry retirement dates as published
(gpt-35-turbo 0613 retired 2025-02-13, 1106 on 2025-11-14; gpt-4o 2024-05-13 on 2026-03-31, deprecating
from 2025-10-01 [date ours]), and the versions the shipped plans use retire in 2027, so a test
suite pins the emulator's day before then (``tests/conftest.py``). Azure announced
the retirement of gpt-4o-mini 2024-07-18 for 2026-03-31; the catalogue keeps it available because
``plans/multi-spoke.yaml`` deploys it [deliberate difference].
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

US = ("eastus", "eastus2", "westus", "westus3", "northcentralus", "southcentralus", "centralus")
EU = ("swedencentral", "westeurope", "francecentral", "germanywestcentral", "polandcentral", "spaincentral",
      "italynorth", "northeurope")
GLOBAL = (*US, *EU, "westus2", "canadaeast", "canadacentral", "brazilsouth", "uksouth", "switzerlandnorth",
          "norwayeast", "australiaeast", "japaneast", "koreacentral", "southindia", "centralindia", "eastasia",
          "southeastasia", "southafricanorth", "uaenorth", "mexicocentral")
STANDARD_GPT4O = ("eastus", "eastus2", "northcentralus", "southcentralus", "westus", "westus3", "swedencentral",
                  "japaneast", "australiaeast", "canadaeast", "francecentral", "uksouth", "norwayeast")
STANDARD_EMBED = ("eastus", "eastus2", "westus", "westus3", "northcentralus", "southcentralus", "swedencentral",
                  "westeurope", "francecentral", "uksouth", "japaneast", "australiaeast", "canadaeast",
                  "switzerlandnorth", "norwayeast", "southindia", "koreacentral", "brazilsouth")
PROVISIONED = ("eastus", "eastus2", "westus", "westus3", "swedencentral", "francecentral", "uksouth", "japaneast",
               "australiaeast", "canadaeast", "southcentralus", "northcentralus")


@dataclass(frozen=True)
class Sku:
    """A deployment SKU of one model version, where it is offered and its capacity bounds."""

    name: str
    regions: tuple[str, ...]
    maximum: int = 1000
    minimum: int = 1
    step: int = 1
    default: int = 10


@dataclass(frozen=True)
class ModelVersion:
    """One model version. ``retires``: the inference deprecation date (ISO, UTC); ``lifecycle``: the
    status while current; ``deprecating_from``: the day it turns ``Deprecating`` (None: it goes
    straight from current to retired); ``deployable`` False: the model exists but new deployments
    are not allowed at all (``DeploymentModelNotSupported``)."""

    name: str
    version: str
    skus: tuple[Sku, ...]
    retires: str
    lifecycle: str = "GenerallyAvailable"  # | "Preview"
    deprecating_from: str | None = None
    default: bool = False
    deployable: bool = True
    format: str = "OpenAI"
    capabilities: dict[str, str] = field(default_factory=dict)


def _chat(name: str, version: str, retires: str, *, standard: tuple[str, ...] = (), default: bool = False,
          deprecating_from: str | None = None, provisioned: bool = False, gmax: int = 30000) -> ModelVersion:
    skus = [Sku("GlobalStandard", GLOBAL, maximum=gmax), Sku("DataZoneStandard", (*US, *EU), maximum=gmax // 2),
            Sku("GlobalBatch", GLOBAL, maximum=50000)]
    if standard:
        skus.append(Sku("Standard", standard, maximum=1000))
    if provisioned:
        skus += [Sku("ProvisionedManaged", PROVISIONED, minimum=15, step=5, default=15, maximum=10000),
                 Sku("GlobalProvisionedManaged", GLOBAL, minimum=15, step=5, default=15, maximum=10000),
                 Sku("DataZoneProvisionedManaged", (*US, *EU), minimum=15, step=5, default=15, maximum=10000)]
    caps = {"chatCompletion": "true", "maxContextToken": "128000", "maxOutputToken": "16384"}
    return ModelVersion(name, version, tuple(skus), retires, default=default, deprecating_from=deprecating_from,
                        capabilities=caps)


def _embedding(name: str, version: str, retires: str, *, default: bool = True) -> ModelVersion:
    skus = (Sku("Standard", STANDARD_EMBED, maximum=1000), Sku("GlobalStandard", GLOBAL, maximum=10000))
    return ModelVersion(name, version, skus, retires, default=default,
                        capabilities={"embeddings": "true", "maxContextToken": "8192"})


CATALOGUE: tuple[ModelVersion, ...] = (
    _chat("gpt-4o", "2024-05-13", "2026-03-31T00:00:00Z", standard=STANDARD_GPT4O,
          deprecating_from="2025-10-01"),
    _chat("gpt-4o", "2024-08-06", "2027-02-27T00:00:00Z", standard=STANDARD_GPT4O, provisioned=True),
    _chat("gpt-4o", "2024-11-20", "2027-03-01T00:00:00Z", standard=STANDARD_GPT4O, provisioned=True,
          default=True),
    _chat("gpt-4o-mini", "2024-07-18", "2027-03-31T00:00:00Z", standard=STANDARD_GPT4O, default=True,
          gmax=50000),
    _chat("gpt-4.1", "2025-04-14", "2027-04-14T00:00:00Z", default=True, provisioned=True),
    _chat("gpt-4.1-mini", "2025-04-14", "2027-04-14T00:00:00Z", default=True, gmax=50000),
    _chat("gpt-35-turbo", "0613", "2025-02-13T00:00:00Z", standard=STANDARD_GPT4O),
    _chat("gpt-35-turbo", "1106", "2025-11-14T00:00:00Z", standard=STANDARD_GPT4O),
    _embedding("text-embedding-3-large", "1", "2027-04-30T00:00:00Z"),
    _embedding("text-embedding-3-small", "1", "2027-04-30T00:00:00Z"),
    _embedding("text-embedding-ada-002", "2", "2027-04-30T00:00:00Z"),
    _embedding("text-embedding-ada-002", "1", "2024-06-14T00:00:00Z", default=False),
    ModelVersion("ada", "1", (Sku("Standard", STANDARD_EMBED),), "2023-07-06T00:00:00Z",
                 deployable=False),
)

KINDS = ("OpenAI", "AIServices")


def _day(iso: str) -> date:
    return date.fromisoformat(iso[:10])


def find(name: str, version: str, fmt: str = "OpenAI") -> ModelVersion | None:
    """The catalogue entry of a model version (names and formats compared case-insensitively)."""
    for m in CATALOGUE:
        if m.name.lower() == name.lower() and m.version.lower() == version.lower() and m.format.lower() == fmt.lower():
            return m
    return None


def default_version(name: str) -> ModelVersion | None:
    """The default version of a model (a deployment that names no version gets it)."""
    return next((m for m in CATALOGUE if m.name.lower() == name.lower() and m.default), None)


def sku_in(model: ModelVersion, sku: str, location: str) -> Sku | None:
    return next((s for s in model.skus if s.name.lower() == sku.lower() and location in s.regions), None)


def retired(model: ModelVersion, today: date) -> bool:
    """Past its inference deprecation date on ``today`` (the emulator's day)."""
    return today >= _day(model.retires)


def lifecycle(model: ModelVersion, today: date) -> str:
    """The ``lifecycleStatus`` the catalogue reports for ``model`` on ``today``."""
    if retired(model, today):
        return "Deprecated"
    if model.deprecating_from is not None and today >= _day(model.deprecating_from):
        return "Deprecating"
    return model.lifecycle


def entries(location: str, today: date) -> list[dict[str, Any]]:
    """The ``value`` of ``GET .../locations/{location}/models``: entries offered in the region,
    with each version's ``lifecycleStatus`` as of ``today``."""
    out = []
    for kind in KINDS:
        for m in CATALOGUE:
            skus = [s for s in m.skus if location in s.regions]
            if not skus:
                continue
            out.append({
                "kind": kind,
                "skuName": "S0",
                "description": f"{m.name} {m.version}",
                "model": {
                    "format": m.format, "name": m.name, "version": m.version,
                    "isDefaultVersion": m.default,
                    "lifecycleStatus": lifecycle(m, today),
                    "maxCapacity": max(s.maximum for s in skus),
                    "capabilities": dict(m.capabilities),
                    "deprecation": {"inference": m.retires},
                    "skus": [{
                        "name": s.name,
                        "usageName": f"{m.format}.{s.name}.{m.name}",
                        "deprecationDate": m.retires,
                        "capacity": {"minimum": s.minimum, "maximum": s.maximum, "step": s.step,
                                     "default": s.default},
                    } for s in skus],
                    "systemData": {"createdBy": "Microsoft", "createdByType": "Application",
                                   "createdAt": "2024-01-01T00:00:00Z", "lastModifiedBy": "Microsoft",
                                   "lastModifiedByType": "Application", "lastModifiedAt": "2025-01-01T00:00:00Z"},
                },
            })  # fmt: skip
    return out
