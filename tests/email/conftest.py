"""Fixtures of the e-mail tests: a folder of weekly runs and real SMTP servers on 127.0.0.1
(helpers in email_fixtures.py)."""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from email_fixtures import (
    PASSWORD,
    USER,
    Recorder,
    Server,
    authenticator,
    free_port,
    running,
    server_tls,
    weekly_history,
    write_run,
)

from pipelines.config import EmailConfig


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    """An output folder with six weekly runs; the latest as of 2026-11-22 (week 47)."""
    cards = weekly_history()
    return write_run(tmp_path / "clean", cards[-1], cards[:-1])


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for localhost / 127.0.0.1 (its own CA) and its key."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(ski, critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def smtp_server() -> Iterator[Server]:
    """A plain SMTP server (no TLS, no login) on 127.0.0.1."""
    recorder, port = Recorder(), free_port()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    cfg = EmailConfig(host="127.0.0.1", port=port, security="none", timeout=5.0)
    for _ in running(controller):
        yield Server(recorder, port, cfg)


@pytest.fixture
def tls_server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    """A STARTTLS server that requires TLS and a login (USER / PASSWORD) before mail."""
    recorder, port = Recorder(), free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        tls_context=server_tls(certificate),
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    cfg = EmailConfig(
        host="127.0.0.1",
        port=port,
        security="starttls",
        user=USER,
        password=PASSWORD,
        timeout=5.0,
        ca_file=str(certificate[0]),
    )
    for _ in running(controller):
        yield Server(recorder, port, cfg)


@pytest.fixture
def ssl_server(certificate: tuple[Path, Path]) -> Iterator[Server]:
    """An implicit-TLS server (``security = "ssl"``) with login."""
    recorder, port = Recorder(), free_port()
    controller = Controller(
        recorder,
        hostname="127.0.0.1",
        port=port,
        ssl_context=server_tls(certificate),
        authenticator=authenticator,
        # aiosmtpd does not see implicit TLS as TLS: it would hide AUTH unless told not to
        auth_require_tls=False,
    )
    cfg = EmailConfig(
        host="127.0.0.1",
        port=port,
        security="ssl",
        user=USER,
        password=PASSWORD,
        timeout=5.0,
        ca_file=str(certificate[0]),
    )
    for _ in running(controller):
        yield Server(recorder, port, cfg)
