"""Typed models of a plan file (the YAML a user writes).

Who uses it: ``lzengine.plan.loader`` validates the parsed YAML into these models, and
``lzengine.compile`` turns a validated ``Plan`` into ARM resources. ``lzengine.schema`` exports
their JSON Schema for editors. Unknown keys are rejected (``extra="forbid"``) so a typo never
passes silently; cross-field rules (address containment, subnet minimums, references) are
checked by ``lzengine.plan.checks``, which knows where each value sits in the file.

The hub and spoke models live in ``lzengine.plan.hub`` and ``lzengine.plan.spoke``.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, Literal

from pydantic import Field, field_validator

from lzengine.plan.base import Strict, SubnetSpec
from lzengine.plan.hub import Hub
from lzengine.plan.spoke import Spoke

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,22}[a-z0-9]$")
LOCATION_PATTERN = re.compile(r"^[a-z][a-z0-9]+$")
#: Longest region name accepted. Azure's longest public region names are about 20 characters
#: ("australiasoutheast", display name "Germany West Central"); ARM documents no length limit for
#: ``location`` [unconfirmed], so this only keeps a pasted blob from travelling through the engine.
LOCATION_MAX = 64
TYPE_PATTERN = r"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)+(/[A-Za-z][A-Za-z0-9]*)+$"

__all__ = ["Hub", "IgnoreChanges", "Naming", "Plan", "RawResource", "Spoke", "SubnetSpec", "Team"]


class Naming(Strict):
    prefix: str | None = Field(
        default=None,
        description="Prefix used in resource names (defaults to the landing zone name).",
        pattern=r"^[a-z][a-z0-9-]{0,14}$",
    )


class Team(Strict):
    """A team: the Entra principals (users, groups or service principals) and their role on what
    the team owns (the hub for 'platform', its spokes for an application team)."""

    principals: list[str] = Field(default_factory=list, description="Entra object ids (GUIDs).")
    principal_type: Literal["Group", "User", "ServicePrincipal"] = "Group"
    role: str = Field(
        default="Contributor",
        description="Role on the team's resource groups: Owner, Contributor, Reader, another built-in "
        "role name known to lzengine, or a role definition GUID.",
    )

    @field_validator("principals")
    @classmethod
    def _object_ids(cls, value: list[str]) -> list[str]:
        for principal in value:
            try:
                uuid.UUID(principal)
            except ValueError:
                raise ValueError(f"{principal!r} is not an Entra object id (a GUID)") from None
        return [p.lower() for p in value]


class RawResource(Strict):
    """Any ARM resource, for what the plan language does not model yet (the escape hatch).

    A value ``{$ref: <address>, path: <dotted.path>}`` anywhere in ``properties`` is replaced at
    apply time by that resource's live value, and makes this resource depend on it.
    """

    type: str = Field(pattern=TYPE_PATTERN, description="Full ARM type, e.g. Microsoft.Storage/storageAccounts.")
    name: str = Field(min_length=1, description="Resource name; 'parent/child' for child types.")
    api_version: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}(-[A-Za-z0-9.]+)?$", description="api-version to call.")
    resource_group: str = Field(default="hub", description="'hub' or a spoke name: whose resource group.")
    location: str | None = Field(default=None, max_length=LOCATION_MAX,
                                 description="Region (default: the plan's); 'global' or 'none'.")
    kind: str | None = None
    sku: dict[str, Any] | None = None
    identity: dict[str, Any] | None = None
    zones: list[str] | None = None
    properties: dict[str, Any] = Field(default_factory=dict)
    tags: bool = Field(default=True, description="Write the landing zone tags on it.")
    depends_on: list[str] = Field(default_factory=list, description="Plan addresses this resource waits for.")

    @field_validator("api_version", mode="before")
    @classmethod
    def _version_text(cls, value: object) -> object:
        return value.isoformat() if hasattr(value, "isoformat") else value


class IgnoreChanges(Strict):
    """Fields lzengine never compares on matching resources: values Azure Policy (Modify,
    DeployIfNotExists) or another team manages, which would otherwise show as perpetual drift."""

    address: str = Field(
        description="Plan address or glob, e.g. 'spokes.chat.*' or '*' (see 'lzengine graph FILE').", min_length=1
    )
    paths: list[str] = Field(
        min_length=1, description="Dotted body paths, e.g. tags.CreatedBy or properties.privateDnsZoneConfigs."
    )


class Plan(Strict):
    """A landing zone plan: one hub (platform team) and spokes (application teams)."""

    name: str = Field(description="Landing zone name: lower case letters, digits and '-', 3 to 24 characters.")
    location: str = Field(max_length=LOCATION_MAX, description="Azure region, e.g. swedencentral.")
    subscription: str | None = Field(default=None, description="Subscription id (else --subscription / env).")
    tags: dict[str, str] = Field(default_factory=dict)
    naming: Naming = Field(default_factory=Naming)
    teams: dict[str, Team] = Field(
        default_factory=dict, description="Teams by name; 'platform' owns the hub, spokes name their owner."
    )
    hub: Hub
    spokes: list[Spoke] = Field(default_factory=list)
    resources: list[RawResource] = Field(default_factory=list, description="Raw ARM resources (escape hatch).")
    ignore_changes: list[IgnoreChanges] = Field(
        default_factory=list, description="Fields managed outside this plan (policy-stamped tags ...): never diffed."
    )

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not NAME_PATTERN.fullmatch(value):
            raise ValueError("use 3 to 24 lower-case letters, digits and '-', starting with a letter")
        return value

    @field_validator("location")
    @classmethod
    def _valid_location(cls, value: str) -> str:
        normalised = value.replace(" ", "").lower()
        if not LOCATION_PATTERN.fullmatch(normalised):
            raise ValueError("use an Azure region name such as swedencentral or eastus2")
        return normalised

    @field_validator("subscription")
    @classmethod
    def _valid_subscription(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                uuid.UUID(value)
            except ValueError:
                raise ValueError("a subscription id is a GUID") from None
        return value

    @property
    def prefix(self) -> str:
        return self.naming.prefix or self.name

    # -- subscriptions: where each part of the plan lives ------------------------------------------
    def hub_subscription(self, default: str) -> str:
        """The hub's subscription: ``hub.subscription``, else ``default`` (the plan's or the target's)."""
        return self.hub.subscription or default

    def spoke_subscription(self, spoke: Spoke | str, default: str) -> str:
        """A spoke's subscription: its ``subscription``, else ``default``."""
        found = self.spoke(spoke) if isinstance(spoke, str) else spoke
        return (found.subscription if found is not None else None) or default

    def subscriptions(self, default: str) -> list[str]:
        """Every subscription the plan's resources live in, ``default`` first (when the plan uses
        it), then the hub's, then the spokes' in plan order; no repeats (case-insensitive)."""
        out: list[str] = []
        named = [self.hub_subscription(default), *[self.spoke_subscription(s, default) for s in self.spokes]]
        uses_default = any(s.lower() == default.lower() for s in named)
        for sub in ([default] if uses_default else []) + named:
            if sub.lower() not in {o.lower() for o in out}:
                out.append(sub)
        return out

    def spoke(self, name: str) -> Spoke | None:
        return next((s for s in self.spokes if s.name == name), None)
