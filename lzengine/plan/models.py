"""Typed models of a plan file (the YAML a user writes).

Who uses it: ``lzengine.plan.loader`` validates the parsed YAML into these models, and
``lzengine.compile`` turns a validated ``Plan`` into ARM resources. ``lzengine schema`` exports
their JSON Schema for editors. Unknown keys are rejected (``extra="forbid"``) so a typo never
passes silently; cross-field rules (address containment, subnet minimums) are checked by the
loader, which knows where each value sits in the file.
"""

from __future__ import annotations

import ipaddress
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

NAME_PATTERN = re.compile(r"^[a-z][a-z0-9-]{1,22}[a-z0-9]$")
LOCATION_PATTERN = re.compile(r"^[a-z][a-z0-9]+$")


class Strict(BaseModel):
    """Base of every plan model: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Naming(Strict):
    prefix: str | None = Field(
        default=None,
        description="Prefix used in resource names (defaults to the landing zone name).",
        pattern=r"^[a-z][a-z0-9-]{0,14}$",
    )


class SubnetSpec(Strict):
    """A subnet of a virtual network: an explicit ``prefix`` or a ``size`` carved automatically."""

    name: str = Field(description="Subnet name, e.g. AzureFirewallSubnet or snet-app.", min_length=1, max_length=80)
    prefix: str | None = Field(default=None, description="Explicit CIDR inside the VNet's address space.")
    size: int | None = Field(default=None, ge=8, le=29, description="Prefix length to carve, e.g. 26 for a /26.")

    @field_validator("prefix")
    @classmethod
    def _valid_cidr(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                ipaddress.IPv4Network(value, strict=True)
            except ValueError as exc:
                raise ValueError(f"not a valid IPv4 CIDR block: {exc}") from None
        return value

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*[A-Za-z0-9_]|[A-Za-z0-9]", value):
            raise ValueError(
                "subnet names take letters, digits, '.', '-' and '_', start with a letter or digit "
                "and end with a letter, digit or '_'"
            )
        return value

    @model_validator(mode="after")
    def _prefix_or_size(self) -> SubnetSpec:
        if (self.prefix is None) == (self.size is None):
            raise ValueError("give exactly one of 'prefix' (e.g. 10.0.1.0/24) or 'size' (e.g. 24)")
        return self


class Hub(Strict):
    """The platform team's hub network."""

    resource_group: str | None = Field(default=None, description="Resource group name (default rg-<prefix>-hub).")
    address_space: list[str] = Field(description="CIDR blocks of the hub VNet.", min_length=1)
    subnets: list[SubnetSpec] = Field(default_factory=list)

    @field_validator("address_space", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("address_space")
    @classmethod
    def _valid_space(cls, value: list[str]) -> list[str]:
        for cidr in value:
            try:
                ipaddress.IPv4Network(cidr, strict=True)
            except ValueError as exc:
                raise ValueError(f"{cidr!r} is not a valid IPv4 CIDR block: {exc}") from None
        return value


class Plan(Strict):
    """A landing zone plan: one hub (platform team) and, later, spokes (application teams)."""

    name: str = Field(description="Landing zone name: lower case letters, digits and '-', 3 to 24 characters.")
    location: str = Field(description="Azure region, e.g. swedencentral.")
    subscription: str | None = Field(default=None, description="Subscription id (else --subscription / env).")
    tags: dict[str, str] = Field(default_factory=dict)
    naming: Naming = Field(default_factory=Naming)
    hub: Hub

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

    @property
    def prefix(self) -> str:
        return self.naming.prefix or self.name
