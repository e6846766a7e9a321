"""The certificates a plan puts in its vaults (``key_vault.certificates``): each checked where the
plan names it, and a ``pfx_file`` read once.

Who uses it: ``lzengine.plan.loader`` (``check`` after the plan's shape validated, beside the
policy files), which records on each file certificate its absolute path, the SHA-256 of its bytes
and its validity (``VaultCertificate.resolved``) for ``lzengine.compile.data_services``. Findings,
all at once, at the entry's path: neither or both of ``self_signed`` and ``pfx_file``; a
``password_env`` without a file, or naming a variable that is not set; a file that is missing,
is not a PFX, does not open with the password, holds no key, or holds a certificate that has
already expired; a renewal window not shorter than the validity; a name used twice in one vault.
The password is read from the environment and never stored or shown.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from lzengine import certificates
from lzengine.plan.network import Finding


def vaults(plan: Any) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """(plan path, KeyVault) of the hub's vault and every spoke's."""
    if plan.hub.key_vault is not None:
        yield ("hub", "key_vault"), plan.hub.key_vault
    for i, spoke in enumerate(plan.spokes):
        if spoke.key_vault is not None:
            yield ("spokes", i, "key_vault"), spoke.key_vault


def check(plan: Any, base: Path) -> list[Finding]:
    """Findings for every vault certificate; file certificates that read well get ``_resolved``."""
    found: list[Finding] = []
    for at, vault in vaults(plan):
        seen: set[str] = set()
        for j, cert in enumerate(vault.certificates):
            found.extend(_one(cert, (*at, "certificates", j), base, seen))
    return found


def _one(cert: Any, at: tuple[str | int, ...], base: Path, seen: set[str]) -> Iterator[Finding]:
    if cert.name.lower() in seen:
        yield Finding((*at, "name"), f"certificate {cert.name!r} is listed twice in this vault",
                      "give each certificate its own name", "duplicate")
    seen.add(cert.name.lower())
    if (cert.self_signed is None) == (cert.pfx_file is None):
        yield Finding(at, "a certificate is either 'self_signed' or 'pfx_file', one of the two",
                      "self_signed: {subject: CN=app.contoso.example} for development, or pfx_file: certs/app.pfx "
                      "(with password_env) for a certificate from your CA", "invalid-value")
        return
    if cert.self_signed is not None:
        if cert.password_env is not None:
            yield Finding((*at, "password_env"), "'password_env' goes with 'pfx_file'",
                          "remove it: a self-signed certificate has no file", "invalid-value")
        spec = cert.self_signed
        try:
            certificates.parse_subject(spec.subject)
        except certificates.CertificateError as exc:
            yield Finding((*at, "self_signed", "subject"), str(exc), "write it as CN=<host name>", "invalid-value")
        if spec.renew_before_days >= spec.validity_days:
            yield Finding((*at, "self_signed", "renew_before_days"),
                          f"renew_before_days ({spec.renew_before_days}) must be less than validity_days "
                          f"({spec.validity_days}), or every apply would write a new certificate",
                          "lower renew_before_days", "invalid-value")
        return
    path = Path(cert.pfx_file)
    path = path if path.is_absolute() else (base / path)
    if not path.is_file():
        yield Finding((*at, "pfx_file"), f"no file {cert.pfx_file!r} (relative to the plan's folder)",
                      "give the path of a .pfx file beside the plan", "missing-file")
        return
    password = None
    if cert.password_env is not None:
        password = os.environ.get(cert.password_env)
        if password is None:
            yield Finding((*at, "password_env"), f"environment variable {cert.password_env} is not set",
                          f"export {cert.password_env} with the PFX's password before running lzengine",
                          "missing-env")
            return
    try:
        pfx = certificates.read_pfx(path, password)
    except certificates.CertificateError as exc:
        hint = "check the file and the password in its password_env" if cert.password_env else \
            "a password-protected PFX needs password_env"
        yield Finding((*at, "pfx_file"), str(exc), hint, "invalid-file")
        return
    if pfx.not_after <= time.time():
        yield Finding((*at, "pfx_file"), f"the certificate in {cert.pfx_file!r} has expired",
                      "renew it with your CA and replace the file", "invalid-file")
        return
    cert._resolved = (str(path.resolve()), certificates.file_digest(path), pfx.not_before, pfx.not_after)
