"""Properties a resource cannot change in place, as data, with the errors Azure answers.

Called by the backend on every PUT and PATCH of an existing resource (after the body is merged, before
the provider's own validation). A rule names a type, a dot-separated path in the body, the answer
(status, code, message) and, where Azure allows some changes, the transitions it allows. Values compare
case-insensitively; a rule only applies when both the stored and the new body have a value there.

The location of a resource is immutable for every type; that rule lives in the backend's location
check (``InvalidResourceLocation``, 409).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lzengine.emulator import errors


@dataclass(frozen=True)
class Immutable:
    """``allowed``: (old, new) pairs, lower case, that Azure does accept."""

    type: str
    path: str
    code: str
    message: str  # formatted with {name}, {old}, {new}
    status: int = 400
    allowed: tuple[tuple[str, str], ...] = ()


RULES: tuple[Immutable, ...] = (
    # "It's not allowed to update kind of API account." (Azure/bicep#15446); Azure OpenAI resources may
    # be upgraded to AI Foundry (kind AIServices) in place, the one documented kind change.
    Immutable("microsoft.cognitiveservices/accounts", "kind", "UpdateKindNotAllowed",
              "It's not allowed to update kind of API account. Account {name} is of kind '{old}'; '{new}' was "
              "requested.", allowed=(("openai", "aiservices"),)),
    Immutable("microsoft.cognitiveservices/accounts", "properties.customSubDomainName",
              "CustomSubDomainNameCannotBeChanged",  # [unconfirmed] code: terraform forces a new account for it
              # (azurerm_cognitive_account docs, terraform-provider-azurerm#28585); Azure's answer not found
              "The customSubDomainName of account {name} is '{old}' and cannot be changed to '{new}'."),
    # a free search service cannot change tier, and none can become free; basic and standard tiers may
    # change among themselves since 2025 (search-capacity-planning docs; terraform-provider-azurerm#30842,
    # #33069). Azure's answer, quoted in Azure-Samples/azure-search-openai-demo#586: 400 BadRequest "Cannot
    # update sku for an existing search service."
    Immutable("microsoft.search/searchservices", "sku.name", "BadRequest",
              "Cannot update sku for an existing search service ('{name}': '{old}' to '{new}').",
              allowed=tuple((a, b) for a in ("basic", "standard", "standard2", "standard3")
                            for b in ("basic", "standard", "standard2", "standard3"))),
    # a public IP can be upgraded from Basic to Standard, never the other way [unconfirmed] code: searched
    # issues for a downgrade refused by the network RP, none found
    Immutable("microsoft.network/publicipaddresses", "sku.name", "PublicIPAddressSkuCannotBeDowngraded",
              "Public IP address {name} of SKU '{old}' cannot be changed to SKU '{new}'.",
              allowed=(("basic", "standard"),)),
    # a VNet firewall cannot become a virtual hub firewall or back [unconfirmed] code: searched issues, none found
    Immutable("microsoft.network/azurefirewalls", "properties.sku.name", "AzureFirewallSkuNameCannotBeChanged",
              "The SKU name of Azure Firewall {name} cannot be changed from '{old}' to '{new}'."),
    # Windows and Linux plans are different farms: 'reserved' cannot flip. Azure's answer, quoted in
    # cloud-custodian/cloud-custodian#4556 and #3210: 400 BadRequest "You cannot change the OS hosting your app
    # at this time. Please recreate your app with the desired OS." (extended code 59315)
    Immutable("microsoft.web/serverfarms", "properties.reserved", "BadRequest",
              "You cannot change the OS hosting your app at this time. Please recreate your app with the desired "
              "OS. (App Service plan {name}: reserved '{old}' to '{new}'.)"),
)


def _at(body: dict[str, Any], path: str) -> Any:
    value: Any = body
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def check(type_lower: str, name: str, old_body: dict[str, Any], new_body: dict[str, Any]) -> None:
    """Raise the type's error when ``new_body`` changes a property that cannot change in place."""
    for rule in RULES:
        if rule.type != type_lower:
            continue
        old, new = _at(old_body, rule.path), _at(new_body, rule.path)
        if old is None or new is None or str(old).lower() == str(new).lower():
            continue
        if (str(old).lower(), str(new).lower()) in rule.allowed:
            continue
        raise errors.ArmError(rule.status, rule.code, rule.message.format(name=name, old=old, new=new),
                              target=rule.path)
