"""Sending over SMTP: one session, then one delivery per message.

The session is plain, STARTTLS or SSL, logs in when a user is set and has timeouts; each
delivery reports, per recipient, who was refused and why.

Failures say which step failed and why: :class:`SendError` for the session (server down,
TLS, refused login, connection lost), :class:`MessageRefused` for one message (sender or
content refused); refused recipients are returned, not raised.

Example:
    >>> from pipelines.config import EmailConfig
    >>> cfg = EmailConfig(host="mail.example.vn", security="none", user="u", password="p")
    >>> try:
    ...     check_send_settings(cfg)
    ... except SettingsError as exc:
    ...     print(str(exc).split(":")[0])
    [email] security is 'none'
"""

from __future__ import annotations

import base64
import smtplib
import ssl
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from pipelines.config import EmailConfig
from pipelines.errors import DancuError

__all__ = [
    "MessageRefused",
    "SendError",
    "SettingsError",
    "check_send_settings",
    "deliver",
    "smtp_session",
]

_LOOPBACK = ("localhost", "127.0.0.1", "::1")


class SettingsError(DancuError):
    """The e-mail settings cannot work (exit code 2); the message names the setting."""


class SendError(Exception):
    """The SMTP session failed (connect, TLS, login, connection lost); ``str`` says which."""


class MessageRefused(Exception):
    """The server refused one message as a whole (its sender or its content)."""


def check_send_settings(cfg: EmailConfig) -> None:
    """Raise :class:`SettingsError` when ``cfg`` cannot be used to send, before connecting."""
    if cfg.user and not cfg.password:
        raise SettingsError(
            f"[email] user (or DANCU_SMTP_USER) is {cfg.user!r} but DANCU_SMTP_PASSWORD is "
            "not set; the password is read only from the environment"
        )
    if cfg.password and not cfg.user:
        raise SettingsError(
            "DANCU_SMTP_PASSWORD is set but no user: set [email] user or DANCU_SMTP_USER"
        )
    if cfg.user and cfg.security == "none" and cfg.host not in _LOOPBACK:
        raise SettingsError(
            f"[email] security is 'none': logging in as {cfg.user!r} would send the password "
            f'unencrypted to {cfg.host}; use security = "starttls" or "ssl"'
        )
    if cfg.ca_file and not Path(cfg.ca_file).is_file():
        raise SettingsError(f"[email] ca_file: {cfg.ca_file} is not a file")
    if not cfg.host:
        raise SettingsError("[email] host (or DANCU_SMTP_HOST) is empty")


def _tls_context(cfg: EmailConfig) -> ssl.SSLContext:
    """Return a verifying TLS context: the system's CAs plus ``ca_file`` if set."""
    context = ssl.create_default_context()
    if cfg.ca_file:
        context.load_verify_locations(cafile=cfg.ca_file)
    return context


def _reply(code: int, text: bytes | str) -> str:
    """Return an SMTP reply as one readable line: ``550 5.1.1 no such user``."""
    line = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(line.split())}".strip()


def _where(cfg: EmailConfig) -> str:
    return f"{cfg.host}:{cfg.smtp_port()} ({cfg.security})"


def _connect(cfg: EmailConfig) -> smtplib.SMTP:
    """Return a connected, secured session (not yet logged in)."""
    port = cfg.smtp_port()
    try:
        if cfg.security == "ssl":
            return smtplib.SMTP_SSL(cfg.host, port, timeout=cfg.timeout, context=_tls_context(cfg))
        smtp = smtplib.SMTP(cfg.host, port, timeout=cfg.timeout)
    except ssl.SSLError as exc:
        raise SendError(_tls_problem(cfg, exc)) from exc
    except TimeoutError as exc:
        raise SendError(
            f"SMTP server {_where(cfg)} did not answer within {cfg.timeout:g} s"
        ) from exc
    except smtplib.SMTPServerDisconnected as exc:
        raise SendError(
            f"SMTP server {_where(cfg)} accepted the connection but did not greet within "
            f"{cfg.timeout:g} s or closed it ({exc})"
        ) from exc
    except smtplib.SMTPConnectError as exc:
        raise SendError(
            f"SMTP server {_where(cfg)} refused the connection: "
            f"{_reply(exc.smtp_code, exc.smtp_error)}"
        ) from exc
    except OSError as exc:
        raise SendError(
            f"cannot connect to SMTP server {_where(cfg)}: {exc.strerror or exc} "
            "(is the server up, and are host and port right?)"
        ) from exc
    if cfg.security == "starttls":
        try:
            smtp.ehlo()
            if not smtp.has_extn("starttls"):
                raise SendError(
                    f"SMTP server {_where(cfg)} does not offer STARTTLS; "
                    'set [email] security = "ssl" or "none"'
                )
            smtp.starttls(context=_tls_context(cfg))
            smtp.ehlo()
        except ssl.SSLError as exc:
            _close(smtp)
            raise SendError(_tls_problem(cfg, exc)) from exc
        except SendError:
            _close(smtp)
            raise
        except (smtplib.SMTPException, OSError) as exc:
            _close(smtp)
            raise SendError(f"STARTTLS with {_where(cfg)} failed: {exc}") from exc
    return smtp


def _tls_problem(cfg: EmailConfig, exc: ssl.SSLError) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return (
            f"TLS with SMTP server {_where(cfg)} failed: its certificate could not be verified "
            f"({exc.verify_message}); if the server uses its own CA, set [email] ca_file to "
            "that CA's certificate"
        )
    return f"TLS with SMTP server {_where(cfg)} failed: {exc.reason or exc}"


def _login_utf8(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in with AUTH PLAIN in UTF-8 (RFC 4616); smtplib's login only sends ASCII."""
    smtp.ehlo_or_helo_if_needed()
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("SMTP AUTH extension not supported by server.")
    if "PLAIN" not in smtp.esmtp_features["auth"].upper().split():
        raise smtplib.SMTPException(
            "the user name or password has non-ASCII characters, which needs AUTH PLAIN, "
            "and the server does not offer it"
        )
    token = base64.b64encode(f"\0{user}\0{password}".encode()).decode("ascii")
    code, reply = smtp.docmd("AUTH", f"PLAIN {token}")
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def _login(smtp: smtplib.SMTP, cfg: EmailConfig) -> None:
    try:
        if (cfg.user + cfg.password).isascii():
            smtp.login(cfg.user, cfg.password)
        else:
            _login_utf8(smtp, cfg.user, cfg.password)
    except smtplib.SMTPAuthenticationError as exc:
        raise SendError(
            f"SMTP server {_where(cfg)} refused the login of user {cfg.user!r}: "
            f"{_reply(exc.smtp_code, exc.smtp_error)}"
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise SendError(
            f"SMTP server {_where(cfg)} does not offer login (AUTH); remove [email] user, "
            "or use starttls/ssl if it offers login only over TLS"
        ) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise SendError(f"login of user {cfg.user!r} on {_where(cfg)} failed: {exc}") from exc


def _close(smtp: smtplib.SMTP) -> None:
    """Say goodbye politely; a session that is already gone is closed quietly."""
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


@contextmanager
def smtp_session(cfg: EmailConfig) -> Iterator[smtplib.SMTP]:
    """Yield a connected, secured and (when ``cfg.user`` is set) logged-in SMTP session.

    Raises :class:`SendError` naming the step that failed.
    """
    smtp = _connect(cfg)
    try:
        if cfg.user:
            _login(smtp, cfg)
        yield smtp
    finally:
        _close(smtp)


def deliver(
    smtp: smtplib.SMTP, msg: EmailMessage, sender: str, recipients: Sequence[str]
) -> dict[str, str]:
    """Send ``msg`` to ``recipients``; return the refused ones with the server's reply.

    Raises :class:`MessageRefused` when the server refuses the sender or the content, and
    :class:`SendError` when the session is lost.
    """
    try:
        refused = smtp.send_message(msg, from_addr=parseaddr(sender)[1], to_addrs=list(recipients))
    except smtplib.SMTPRecipientsRefused as exc:
        return {addr: _reply(code, text) for addr, (code, text) in exc.recipients.items()}
    except smtplib.SMTPSenderRefused as exc:
        raise MessageRefused(
            f"sender {exc.sender!r} refused: {_reply(exc.smtp_code, exc.smtp_error)}"
        ) from exc
    except smtplib.SMTPDataError as exc:
        raise MessageRefused(f"message refused: {_reply(exc.smtp_code, exc.smtp_error)}") from exc
    except (smtplib.SMTPServerDisconnected, OSError) as exc:
        raise SendError(f"connection to the SMTP server lost: {exc}") from exc
    except smtplib.SMTPException as exc:
        raise MessageRefused(f"message not sent: {exc}") from exc
    return {addr: _reply(code, text) for addr, (code, text) in refused.items()}
