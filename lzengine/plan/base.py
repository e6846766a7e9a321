"""Building blocks shared by every plan model: the strict base class, CIDR checks, subnets.

Who uses it: ``lzengine.plan.hub``, ``lzengine.plan.spoke`` and ``lzengine.plan.models`` build
their models from these; ``lzengine.plan.network`` carves ``SubnetSpec`` lists. Kept apart so
the address arithmetic does not depend on the whole plan.
"""

from __future__ import annotations

import ipaddress
import re
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

#: What a subnet is for; components find their subnet by purpose.
SubnetPurpose = Literal["workload", "private-endpoints", "app-service", "app-gateway", "ai-gateway"]


class Strict(BaseModel):
    """Base of every plan model: unknown keys are errors, values are not coerced silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def check_cidr(value: str) -> str:
    """A strict IPv4 CIDR block (host bits zero), or ValueError with the reason."""
    try:
        ipaddress.IPv4Network(value, strict=True)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a valid IPv4 CIDR block: {exc}") from None
    return value


def check_subscription(value: str | None) -> str | None:
    """A subscription id (a GUID, kept as written in lower case), or ValueError."""
    if value is None:
        return None
    try:
        uuid.UUID(value)
    except (ValueError, AttributeError, TypeError):
        raise ValueError(f"{value!r} is not a subscription id: a subscription id is a GUID") from None
    return value.lower()


def one_or_many_schema(schema: dict) -> None:
    """JSON Schema of a list field that also accepts one string (see ``one_or_many``)."""
    array = {k: schema.pop(k) for k in ("type", "items", "minItems") if k in schema}
    schema["anyOf"] = [{"type": "string"}, array]


def one_or_many(value: object) -> object:
    """Let a single string stand for a one-item list (``address_space: 10.0.0.0/16``)."""
    return [value] if isinstance(value, str) else value


class SubnetSpec(Strict):
    """A subnet of a virtual network: an explicit ``prefix`` or a ``size`` carved automatically."""

    name: str = Field(description="Subnet name, e.g. AzureFirewallSubnet or snet-app.", min_length=1, max_length=80)
    prefix: str | None = Field(default=None, description="Explicit CIDR inside the VNet's address space.")
    size: int | None = Field(default=None, ge=8, le=29, description="Prefix length to carve, e.g. 26 for a /26.")
    purpose: SubnetPurpose = Field(
        default="workload",
        description="What the subnet hosts: workload (default), private-endpoints, app-service (VNet "
        "integration, delegated to Microsoft.Web/serverFarms), app-gateway (dedicated) or ai-gateway (API "
        "Management in internal mode, dedicated).",
    )
    nsg: bool = Field(default=True, description="Attach a network security group (where Azure allows one).")
    route_table: str | None = Field(
        default=None,
        description="Name of a route table declared under hub.route_tables, or 'none'; each VNet gets its "
        "own copy beside it. Default: spoke subnets egress through the hub firewall (route table "
        "'egress'); hub subnets get none.",
    )

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
