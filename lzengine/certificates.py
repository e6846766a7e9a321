"""TLS certificates lzengine writes into a Key Vault for an Application Gateway's HTTPS listener.

Who uses it: ``lzengine.plan.certificate_files`` (``validate`` reads a plan's ``pfx_file`` once,
with its password, to report a bad file where the plan names it), and ``lzengine.compile.
data_services`` (a vault's ``certificates``: the ``CertificateValue`` it puts in the secret's
desired body, and the validity dates compared for a file). ``cryptography`` is imported lazily
(``lzengine --help`` stays fast).

What a gateway can read from a vault secret is "a password-less, base 64-encoded PFX file"
(Microsoft Learn, "TLS termination with Key Vault certificates", quoted in
MicrosoftDocs/azure-docs#46207; Azure/azure-cli#18345: "base-64 encoded unencrypted pfx"), with
content type ``application/x-pkcs12`` as Key Vault itself stores a certificate's secret. So a
password-protected file is opened here and written without its password: the secret is then
protected by the vault's RBAC, not by a password nobody could give the gateway.

A ``CertificateValue`` is a write-only value (``lzengine.refs.GeneratedSecret``): never compared
(Azure never returns a secret's value), never shown, produced only for the request that writes
it, and on every write of the secret (``on_update``): a self-signed certificate is made anew, a
file is read again. Its ``produce`` also sets the secret's ``attributes.nbf``/``exp`` to the
certificate's validity, which the diff then reads back: ``RenewBefore`` makes a self-signed
certificate that expires within its renewal window a change (a new one is written).
"""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from lzengine.refs import Expected, GeneratedSecret

CONTENT_TYPE = "application/x-pkcs12"
#: the tag on a secret written from a file: the SHA-256 of the file's bytes, so a changed file is an update
FILE_TAG = "lzengine-pfx-sha256"
#: the tag on a self-signed one: what it was made from, so a changed subject or validity is an update
SELF_SIGNED_TAG = "lzengine-self-signed"


class CertificateError(ValueError):
    """A certificate file that cannot be used (message says why, without any secret)."""


@dataclass(frozen=True)
class Pfx:
    """A password-less PKCS#12 (key and certificate) and its validity in Unix seconds."""

    data: bytes
    not_before: int
    not_after: int

    def base64(self) -> str:
        return base64.b64encode(self.data).decode("ascii")


def self_signed(subject: str, validity_days: int, now: datetime | None = None) -> Pfx:
    """A new RSA-2048 key and a self-signed certificate for ``subject`` (an RFC 4514 name,
    ``CN=app.contoso.example``), valid from now for ``validity_days``, as a password-less PFX.
    The certificate names its CN as a DNS subject alternative name (browsers ignore the CN)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    start = (now or datetime.now(UTC)).replace(microsecond=0)
    end = start + timedelta(days=validity_days)
    name = parse_subject(subject)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    builder = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False))
    common = [a.value for a in name.get_attributes_for_oid(NameOID.COMMON_NAME)]
    if common:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(str(common[0]))]), critical=False)
    cert = builder.sign(key, hashes.SHA256())
    data = pkcs12.serialize_key_and_certificates(None, key, cert, None, serialization.NoEncryption())
    return Pfx(data, int(start.timestamp()), int(end.timestamp()))


def parse_subject(subject: str) -> Any:
    """``subject`` as an x509 name; ``CertificateError`` when it is not an RFC 4514 name with a CN."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    try:
        name = x509.Name.from_rfc4514_string(subject)
    except ValueError as exc:
        raise CertificateError(f"{subject!r} is not a distinguished name like 'CN=app.contoso.example': {exc}") \
            from None
    if not name.get_attributes_for_oid(NameOID.COMMON_NAME):
        raise CertificateError(f"{subject!r} has no CN (e.g. 'CN=app.contoso.example')")
    return name


def read_pfx(path: Path, password: str | None) -> Pfx:
    """The key and certificate of the PFX at ``path`` (opened with ``password``), re-encoded
    without a password. ``CertificateError`` for a file that cannot be read, a wrong password,
    or a file without a private key or certificate."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs12

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CertificateError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(raw, password.encode() if password else None)
    except ValueError:
        raise CertificateError(f"{path.name} is not a PKCS#12 (PFX) file, or the password does not open it") from None
    if key is None or cert is None:
        raise CertificateError(f"{path.name} holds no private key and certificate: the gateway needs both")
    data = pkcs12.serialize_key_and_certificates(None, key, cert, chain or None,  # type: ignore[arg-type]
                                                 serialization.NoEncryption())
    return Pfx(data, int(cert.not_valid_before_utc.timestamp()), int(cert.not_valid_after_utc.timestamp()))


def file_digest(path: Path) -> str:
    """SHA-256 (hex) of the file's bytes, the tag that makes a changed file an update."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class CertificateValue(GeneratedSecret):
    """The secret's value: a self-signed certificate made at write time (``subject``), or the
    PFX at ``pfx_file`` opened with the password in environment variable ``password_env``."""

    subject: str = ""
    validity_days: int = 365
    pfx_file: str = ""
    password_env: str = ""
    on_update: ClassVar[bool] = True

    def produce(self) -> tuple[Any, dict[str, Any]]:
        import os

        if self.pfx_file:
            pfx = read_pfx(Path(self.pfx_file), os.environ.get(self.password_env) if self.password_env else None)
        else:
            pfx = self_signed(self.subject, self.validity_days)
        return pfx.base64(), {"attributes": {"nbf": pfx.not_before, "exp": pfx.not_after}}

    def __str__(self) -> str:
        return "(certificate written to the vault, never shown)"


@dataclass(frozen=True)
class RenewBefore(Expected):
    """A secret's ``attributes.exp`` at least ``days`` ahead: a self-signed certificate due to
    expire within that window (or without a recorded expiry) is written anew."""

    days: int

    def holds(self, observed: Any) -> bool:
        return isinstance(observed, int | float) and observed > time.time() + self.days * 86400

    def __str__(self) -> str:
        return f"(renewed: expires in less than {self.days} days)"
