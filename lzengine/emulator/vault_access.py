"""Who may read a Key Vault secret: the data-plane check another provider makes against a vault.

Called by :mod:`lzengine.emulator.rp_network` when an Application Gateway's certificate is a
``keyVaultSecretId``: Azure's gateway reads the secret with one of its user-assigned identities,
so the vault must exist and one of those identities must hold a role whose data actions include
``Microsoft.KeyVault/vaults/secrets/getSecret/action`` at the vault or above (vaults with RBAC
authorization), or an access policy with ``get`` on secrets (vaults without); and the secret
must exist and hold what the gateway can use: "a password-less, base 64-encoded PFX file"
(Microsoft Learn, "TLS termination with Key Vault certificates", quoted in
MicrosoftDocs/azure-docs#46207; the CLI's help says "base-64 encoded unencrypted pfx",
Azure/azure-cli#18345). A module of its own so the network provider need not know the Key Vault
provider's storage: it asks :func:`lzengine.emulator.rp_keyvault.secret_value` for the value.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from lzengine.emulator import errors, roles, rp_keyvault
from lzengine.emulator.context import ProviderContext
from lzengine.emulator.paths import id_key
from lzengine.emulator.store import Resource

VAULT = "microsoft.keyvault/vaults"
ROLE_ASSIGNMENT = "microsoft.authorization/roleassignments"
GET_SECRET = "Microsoft.KeyVault/vaults/secrets/getSecret/action"


def vault_of_secret(ctx: ProviderContext, secret_id: str) -> Resource | None:
    """The vault whose URI hosts ``secret_id`` (``https://{vault}.vault.azure.net/secrets/{name}[/{version}]``)."""
    host = (urlparse(secret_id).hostname or "").lower()
    name = host.split(".", 1)[0]
    if not host.endswith(".vault.azure.net") or not name:
        return None
    return next((v for v in ctx.store.of_type(VAULT) if str(v.body.get("name", "")).lower() == name), None)


def can_read_secrets(ctx: ProviderContext, vault: Resource, principal_id: str, secret_key: str | None = None) -> bool:
    """Whether ``principal_id`` may read the vault's secrets (or the one secret ``secret_key``: an
    RBAC role may be assigned at one secret's scope, Microsoft Learn "Provide access to Key Vault
    keys, certificates, and secrets with Azure role-based access control")."""
    p = vault.body.get("properties") or {}
    principal = principal_id.lower()
    if not p.get("enableRbacAuthorization"):
        return any(str(ap.get("objectId", "")).lower() == principal
                   and "get" in [str(x).lower() for x in (ap.get("permissions") or {}).get("secrets") or []]
                   for ap in p.get("accessPolicies") or [] if isinstance(ap, dict))
    vault_key = vault.key
    for assignment in ctx.store.of_type(ROLE_ASSIGNMENT):
        ap = assignment.body.get("properties") or {}
        scope = str(ap.get("scope") or assignment.id.rsplit("/providers/Microsoft.Authorization/", 1)[0]).lower()
        if str(ap.get("principalId", "")).lower() != principal:
            continue
        if not (vault_key == scope or vault_key.startswith(scope.rstrip("/") + "/") or scope == secret_key):
            continue
        role = roles.BUILTIN_ROLES.get(roles.guid_of(str(ap.get("roleDefinitionId", ""))))
        if role is not None and roles.allows(role.data_actions, (), GET_SECRET):
            return True
    return False


def check_gateway_secret(ctx: ProviderContext, gateway_id: str, body: dict[str, Any], secret_id: str) -> None:
    """Refuse a gateway certificate whose vault does not exist or that none of the gateway's
    user-assigned identities may read. Azure reports both as the operation's failure with code
    ``ApplicationGatewayKeyVaultSecretException`` and a detail naming the cause
    (``ApplicationGatewayKeyVaultSecretAccessDenied``: MicrosoftDocs/azure-docs#33157,
    mspnp/aks-baseline#262); the emulator refuses the PUT itself with the same codes."""
    vault = vault_of_secret(ctx, secret_id)
    outer = (f"Problem occured while accessing and validating KeyVault Secrets associated with Application Gateway "
             f"'{gateway_id}'. See details below:")
    if vault is None:
        raise errors.ArmError(400, "ApplicationGatewayKeyVaultSecretException", outer, details=[{
            "code": "ApplicationGatewayKeyVaultSecretNotFound",  # [unconfirmed] detail code
            "message": f"The KeyVault '{urlparse(secret_id).hostname}' of secret '{secret_id}' for Application "
                       f"Gateway '{gateway_id}' does not exist."}])
    identity = body.get("identity") or {}
    users = identity.get("userAssignedIdentities") or {}
    principals = []
    for uid in users:
        target = ctx.store.get(id_key(uid))
        principal = ((target.body.get("properties") or {}).get("principalId") if target else None) \
            or (users[uid] or {}).get("principalId")
        if principal:
            principals.append(str(principal))
    secret, value = rp_keyvault.secret_value(ctx, secret_id)
    if not any(can_read_secrets(ctx, vault, p, secret.key if secret is not None else None) for p in principals):
        raise errors.ArmError(400, "ApplicationGatewayKeyVaultSecretException", outer, details=[{
            "code": "ApplicationGatewayKeyVaultSecretAccessDenied",
            "message": f"Access denied for KeyVault Secret '{secret_id}' for Application Gateway '{gateway_id}'. "
                       "Make sure that Identity assigned to Application Gateway has access to the KeyVault "
                       "associated with secret."}])
    if secret is None or value is None:
        raise errors.ArmError(400, "ApplicationGatewayKeyVaultSecretException", outer, details=[{
            "code": "ApplicationGatewayKeyVaultSecretNotFound",  # [unconfirmed] detail code
            "message": f"KeyVault Secret '{secret_id}' for Application Gateway '{gateway_id}' was not found, is "
                       "disabled or is not valid now. Put the certificate in the vault before the gateway uses it."}])
    if not _is_unprotected_pfx(value):
        raise errors.ArmError(400, "ApplicationGatewayKeyVaultSecretException", outer, details=[{
            "code": "ApplicationGatewaySslCertificateDataMustBeValidPfx",  # [unconfirmed] detail code
            "message": f"KeyVault Secret '{secret_id}' for Application Gateway '{gateway_id}' does not hold a "
                       "base64-encoded PFX without a password, with a private key and a certificate."}])


def _is_unprotected_pfx(value: str) -> bool:
    """Whether ``value`` is a base64 PKCS#12 that opens without a password and holds a key and a certificate."""
    import base64
    import binascii

    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        key, cert, _ = pkcs12.load_key_and_certificates(base64.b64decode(value, validate=True), None)
    except (ValueError, TypeError, binascii.Error):
        return False
    return key is not None and cert is not None
