"""Plan models of a spoke: one application team's network and AI workload.

Who uses it: ``lzengine.plan.models`` (each item of ``spokes:``) and the compiler's spoke steps.
Components are switched on by being present (``search: {}``); the defaults follow the
reference architecture (private only, local auth off, zone redundant where it matters).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, PrivateAttr, field_validator

from lzengine.plan.base import Strict, SubnetSpec, check_cidr, check_subscription, one_or_many, one_or_many_schema

Zone = Literal["1", "2", "3"]
DeploymentSku = Literal[
    "Standard", "GlobalStandard", "DataZoneStandard", "ProvisionedManaged", "GlobalProvisionedManaged",
    "DataZoneProvisionedManaged", "GlobalBatch", "DataZoneBatch",
]  # fmt: skip


class ModelDeployment(Strict):
    """A model deployed on the AI account."""

    name: str | None = Field(default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$",
                             description="Deployment name (default: the model name).")
    model: str = Field(min_length=1, description="Model name, e.g. gpt-4o.")
    version: str = Field(min_length=1, description="Model version, e.g. 2024-11-20.")
    format: str = Field(default="OpenAI", description="Model format (publisher), e.g. OpenAI.")
    sku: DeploymentSku = Field(default="DataZoneStandard", description="Deployment type.")
    capacity: int = Field(default=10, ge=1, le=10000, description="Capacity in thousands of tokens per minute.")
    upgrade: Literal["NoAutoUpgrade", "OnceNewDefaultVersionAvailable", "OnceCurrentVersionExpired"] = "NoAutoUpgrade"
    rai_policy: str = Field(default="Microsoft.DefaultV2", description="Content filter (RAI policy) name.")

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: object) -> object:
        # YAML reads 2024-11-20 as a date; the model version is text.
        return value.isoformat() if hasattr(value, "isoformat") else value

    @property
    def deployment_name(self) -> str:
        return self.name or self.model


ProjectConnection = Literal["search", "storage", "app_insights"]


class FoundryProject(Strict):
    """An AI Foundry project under the spoke's AI Services account (``accounts/projects``), with a
    system-assigned identity, keyless (Entra ID) connections to the spoke's services and the roles
    that identity needs on them."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[A-Za-z0-9]$",
                      description="Project name, unique in the account (2 to 64 letters, digits, '_', '.', '-').")
    display_name: str | None = Field(default=None, max_length=128, description="Shown in the Foundry portal.")
    description: str | None = Field(default=None, max_length=512)
    connections: list[ProjectConnection] | None = Field(
        default=None,
        description="Connections to create: search, storage, app_insights. Default: each of them the spoke "
        "deploys (AI Search, a storage account, Application Insights).",
    )


class Ai(Strict):
    """A Cognitive Services account (Azure OpenAI or AI Services), private and keyless."""

    kind: Literal["AIServices", "OpenAI"] = Field(default="AIServices", description="AIServices or OpenAI.")
    sku: Literal["S0"] = "S0"
    deployments: list[ModelDeployment] = Field(default_factory=list)
    restore: bool = Field(
        default=False,
        description="Recover a soft-deleted account of the same name (deleted accounts keep their name for 48 h) "
        "instead of failing with FlagMustBeSetForRestore; the alternative is 'lzengine destroy --purge'.",
    )
    projects: list[FoundryProject] = Field(
        default_factory=list,
        description="AI Foundry projects (AIServices accounts only); declaring one turns the account's "
        "project management on (allowProjectManagement).",
    )


class Search(Strict):
    """Azure AI Search, private and keyless."""

    sku: Literal["basic", "standard", "standard2", "standard3", "storage_optimized_l1", "storage_optimized_l2"] = (
        "standard"
    )
    replicas: int = Field(default=3, ge=1, le=12, description="3 replicas give the 99.9% read/write SLA.")
    partitions: Literal[1, 2, 3, 4, 6, 12] = 1
    semantic_search: Literal["disabled", "free", "standard"] | None = None


class AppService(Strict):
    """A Linux App Service plan and web app, VNet integrated, reachable only through the App Gateway."""

    sku: str = Field(default="P1v3", pattern=r"^(B[1-3]|S[1-3]|P[0-3]v[2-4]|P[0-3]mv[34]|I[1-6]v2)$",
                     description="Plan SKU, e.g. P1v3.")
    capacity: int = Field(default=3, ge=1, le=30, description="Instances (3 or more for zone redundancy).")
    zone_redundant: bool = True
    runtime: str = Field(default="PYTHON|3.12", pattern=r"^[A-Z]+\|[0-9A-Za-z.\-]+$",
                         description="Linux runtime stack, e.g. PYTHON|3.12 or NODE|20-lts.")
    app_settings: dict[str, str] = Field(default_factory=dict, description="Extra application settings.")


class AppGateway(Strict):
    """An Application Gateway WAF_v2 in front of the web app (the app's only public entry)."""

    min_capacity: int = Field(default=2, ge=0, le=125)
    max_capacity: int = Field(default=5, ge=2, le=125)
    zones: list[Zone] = Field(default_factory=lambda: ["1", "2", "3"])
    waf_mode: Literal["Prevention", "Detection"] = "Prevention"
    rule_set_version: Literal["3.2", "3.1"] = "3.2"
    certificate_secret_id: str | None = Field(
        default=None,
        description="Key Vault secret id of the TLS certificate; with it the listener is HTTPS on 443, "
        "without it HTTP on 80.",
    )
    identity_id: str | None = Field(
        default=None, description="User-assigned identity id that may read the certificate from Key Vault."
    )
    certificate: GatewayCertificate | None = Field(
        default=None,
        description="TLS certificate from the plan's vault: the listener is HTTPS on 443, and the gateway gets a "
        "user-assigned identity with Key Vault Secrets User on that vault.",
    )


# -- Key Vault and Storage (issue 14) ------------------------------------------------------------
class KeyVault(Strict):
    """A Key Vault with secure defaults: RBAC authorization (no access policies), purge
    protection, soft delete, no public network access, reached through a private endpoint."""

    name: str | None = Field(default=None, description="Vault name (globally unique, 3-24 letters, digits and '-'); "
                             "default kv-<spoke or hub>-<hash>.")
    sku: Literal["standard", "premium"] = "standard"
    retention_days: int = Field(default=90, ge=7, le=90,
                                description="Days a deleted vault is kept (and its name held); fixed at creation.")
    purge_protection: bool = Field(
        default=True, description="A deleted vault cannot be purged before its retention ends; once on, it stays on.")
    restore: bool = Field(
        default=False,
        description="Recover the soft-deleted vault of this name (createMode: recover, sent only when the vault "
        "is created) instead of failing with ConflictError; the alternative is 'lzengine destroy --purge'.",
    )
    certificates: list[VaultCertificate] = Field(
        default_factory=list,
        description="TLS certificates lzengine writes into the vault as secrets (a password-less base64 PFX, "
        "content type application/x-pkcs12) through Azure Resource Manager, for an Application Gateway's "
        "'certificate'; the value is written once and never shown.",
    )


class SelfSigned(Strict):
    """A self-signed certificate lzengine makes (for development: browsers do not trust it)."""

    subject: str = Field(description="Distinguished name, e.g. 'CN=chat.contoso.example'.")
    validity_days: int = Field(default=365, ge=2, le=3650, description="Days the certificate is valid.")
    renew_before_days: int = Field(
        default=30, ge=1, le=3649,
        description="An apply less than this many days before the certificate expires writes a new one.")


class VaultCertificate(Strict):
    """A certificate in the vault: ``self_signed`` (made by lzengine) or ``pfx_file`` (yours)."""

    name: str = Field(pattern=r"^[0-9A-Za-z-]{1,127}$", description="Secret name in the vault.")
    self_signed: SelfSigned | None = Field(default=None, description="Make a self-signed certificate.")
    pfx_file: str | None = Field(
        default=None, description="A PKCS#12 file with the key and certificate, relative to the plan's folder.")
    password_env: str | None = Field(
        default=None, pattern=r"^[A-Za-z_][A-Za-z0-9_]*$",
        description="Environment variable holding the PFX file's password (never in the plan).")
    _resolved: Any = PrivateAttr(default=None)

    @property
    def resolved(self) -> Any:
        """What ``lzengine.plan.certificate_files`` read from ``pfx_file``: (absolute path,
        SHA-256 of the file, not-before, not-after), or None."""
        return self._resolved


class Storage(Strict):
    """A StorageV2 account with secure defaults: no shared keys (Entra ID only), no public blob
    access, no public network access, TLS 1.2, HTTPS only, private endpoints per service."""

    name: str | None = Field(default=None, description="Account name (globally unique, 3-24 lower-case letters and "
                             "digits); default st<spoke><hash>.")
    sku: Literal["Standard_LRS", "Standard_ZRS", "Standard_GRS", "Standard_GZRS", "Standard_RAGRS",
                 "Standard_RAGZRS", "Premium_LRS", "Premium_ZRS"] = "Standard_ZRS"
    services: list[Literal["blob", "file"]] = Field(
        default_factory=lambda: ["blob", "file"], min_length=1,
        description="Services reached through a private endpoint (each with its DNS zone and diagnostics).")


class GatewayCertificate(Strict):
    """The gateway's TLS certificate, read from a vault of the plan by the gateway's identity."""

    vault: Literal["spoke", "hub"] = Field(default="spoke", description="spoke (the spoke's key_vault) or hub.")
    name: str = Field(pattern=r"^[0-9A-Za-z-]{1,127}$", description="Certificate name in that vault.")


class AiGateway(Strict):
    """API Management as the AI gateway in front of model deployments: in internal VNet mode in a
    subnet of its own (or reached through a private endpoint), a system-assigned identity that calls
    the AI accounts with Entra ID (Cognitive Services OpenAI User, no keys), one backend and one API
    per model deployment, diagnostics to the hub workspace, request logs to Application Insights."""

    sku: Literal["Developer", "Basic", "Standard", "Premium", "StandardV2"] = Field(
        default="Developer",
        description="Developer (no SLA, one unit) or Premium: the classic tiers that can be injected into a "
        "VNet in internal mode (both take 30 to 45 minutes or more to create). With network: private_endpoint "
        "also Basic, Standard or StandardV2.",
    )
    capacity: int = Field(default=1, ge=1, le=12, description="Scale units (Developer: exactly 1).")
    publisher_email: str = Field(description="Who API Management notifies (required by Azure).")
    publisher_name: str | None = Field(default=None, description="Organisation name (default: the landing zone's).")
    network: Literal["internal", "private_endpoint"] = Field(
        default="internal",
        description="internal: injected into its own subnet in internal VNet mode (Developer or Premium), "
        "resolved through the private DNS zone azure-api.net; private_endpoint: not injected, reached through a "
        "private endpoint (group Gateway) in snet-pep with the zone privatelink.azure-api.net, public network "
        "access turned off once the endpoint exists.",
    )
    dns_zone: bool = Field(
        default=True,
        description="Internal mode: A records for the gateway, portal, developer, management and scm host names "
        "in the private DNS zone azure-api.net (one zone per landing zone, in the hub, linked like the other "
        "zones). false when the platform's DNS serves them.",
    )
    app_insights: bool | None = Field(
        default=None,
        description="Log requests to the spoke's Application Insights (a logger that authenticates with the "
        "gateway's managed identity, and the applicationinsights diagnostic). Default: on when the spoke has "
        "monitoring with app_insights.",
    )
    sampling_percentage: float = Field(default=100.0, ge=0, le=100,
                                       description="Share of requests logged to Application Insights, 0 to 100.")
    verbosity: Literal["verbose", "information", "error"] = Field(
        default="information", description="Which trace policy records reach Application Insights.")
    restore: bool = Field(
        default=False,
        description="Recover a soft-deleted API Management service of the same name (deleted services keep their "
        "name for 48 h) instead of failing with ServiceAlreadyExistsInSoftDeletedState; the alternative is "
        "'lzengine destroy --purge'.",
    )

    @field_validator("publisher_email")
    @classmethod
    def _email(cls, value: str) -> str:
        local, _, domain = value.partition("@")
        if not local or "." not in domain:
            raise ValueError(f"{value!r} is not an e-mail address")
        return value


class Alert(Strict):
    """A metric alert on one of the spoke's components."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{0,40}[a-z0-9]$")
    target: Literal["ai", "search", "app_service", "app_gateway"] = Field(description="The component watched.")
    metric: str = Field(min_length=1, description="Metric name, e.g. Http5xx or ProcessedPromptTokens.")
    operator: Literal["GreaterThan", "GreaterThanOrEqual", "LessThan", "LessThanOrEqual", "Equals"] = "GreaterThan"
    threshold: float
    aggregation: Literal["Average", "Minimum", "Maximum", "Total", "Count"] = "Average"
    window: Literal["PT1M", "PT5M", "PT15M", "PT30M", "PT1H", "PT6H", "PT12H", "P1D"] = "PT15M"
    frequency: Literal["PT1M", "PT5M", "PT15M", "PT30M", "PT1H"] = "PT5M"
    severity: int = Field(default=2, ge=0, le=4)


class Monitoring(Strict):
    """Application Insights for the web app, plus metric alerts."""

    app_insights: bool = True
    retention_days: Literal[30, 60, 90, 120, 180, 270, 365, 550, 730] = 90
    alerts: list[Alert] = Field(default_factory=list)
    alert_emails: list[str] = Field(default_factory=list, description="Who the alerts e-mail (an action group).")

    @field_validator("alert_emails")
    @classmethod
    def _emails(cls, value: list[str]) -> list[str]:
        for email in value:
            local, _, domain = email.partition("@")
            if not local or "." not in domain:
                raise ValueError(f"{email!r} is not an e-mail address")
        return value


class Spoke(Strict):
    """One application team's spoke: its network and AI workload."""

    name: str = Field(description="Spoke name: 2 to 16 lower-case letters, digits and '-'.")
    owner: str = Field(description="The team (a key of 'teams') that owns this spoke.")
    subscription: str | None = Field(
        default=None,
        description="Subscription id (GUID) of this spoke, e.g. its application landing zone subscription. "
        "Default: the plan's subscription. Everything of the spoke lands there, its route tables and NSGs too.",
    )
    resource_group: str | None = Field(default=None, description="Resource group (default rg-<prefix>-<name>).")
    address_space: list[str] = Field(
        min_length=1, description="CIDR blocks of the spoke VNet.", json_schema_extra=one_or_many_schema
    )
    subnets: list[SubnetSpec] = Field(
        default_factory=list,
        description="Subnets. Missing ones the components need are carved automatically: snet-pep (/27) for "
        "private endpoints, snet-app (/26) for App Service, snet-agw (/26) for the App Gateway.",
    )
    ai: Ai | None = None
    search: Search | None = None
    app_service: AppService | None = None
    app_gateway: AppGateway | None = None
    monitoring: Monitoring | None = None
    ai_gateway: AiGateway | None = Field(
        default=None, description="An API Management AI gateway of this spoke in front of its model deployments "
        "(or use the hub's central 'ai_gateway').",
    )
    key_vault: KeyVault | None = None
    storage: Storage | None = None

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9-]{0,14}[a-z0-9]", value):
            raise ValueError("use 2 to 16 lower-case letters, digits and '-', starting with a letter")
        return value

    @field_validator("subscription")
    @classmethod
    def _valid_subscription(cls, value: str | None) -> str | None:
        return check_subscription(value)

    @field_validator("address_space", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        return one_or_many(value)

    @field_validator("address_space")
    @classmethod
    def _valid_space(cls, value: list[str]) -> list[str]:
        return [check_cidr(c) for c in value]
