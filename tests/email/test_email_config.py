"""[email] settings: the shipped file, environment overrides, the password rule, errors."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from pipelines.config import ConfigError, EmailConfig, load_config

ROOT = Path(__file__).resolve().parents[2]


def toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dancu.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_toml_documents_every_email_setting_but_the_password() -> None:
    raw = tomllib.loads((ROOT / "dancu.toml").read_text(encoding="utf-8"))
    documented = set(raw["email"])
    fields = {f.name for f in dataclasses.fields(EmailConfig)}
    assert documented == fields - {"password"}
    assert load_config(ROOT / "dancu.toml", env={}).email == EmailConfig()


def test_file_settings_and_province_lists(tmp_path: Path) -> None:
    path = toml(
        tmp_path,
        '[email]\nhost = "smtp.example.vn"\nport = 2525\nsecurity = "ssl"\n'
        'recipients = ["a@example.vn", "Lan <lan@example.vn>"]\n'
        '[email.provinces]\n"01" = ["hn@example.vn"]\n"79" = ["hcm@example.vn", "x@example.vn"]\n',
    )
    email = load_config(path, env={}).email
    assert (email.host, email.smtp_port(), email.security) == ("smtp.example.vn", 2525, "ssl")
    assert email.recipients == ("a@example.vn", "Lan <lan@example.vn>")
    assert email.provinces == {"01": ("hn@example.vn",), "79": ("hcm@example.vn", "x@example.vn")}


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    path = toml(tmp_path, '[email]\nhost = "file.example.vn"\nrecipients = ["file@example.vn"]\n')
    env = {
        "DANCU_SMTP_HOST": "env.example.vn",
        "DANCU_SMTP_PORT": "465",
        "DANCU_SMTP_USER": "mailer",
        "DANCU_SMTP_PASSWORD": "s3cret",
        "DANCU_SMTP_SECURITY": "ssl",
        "DANCU_MAIL_FROM": "dancu@env.example.vn",
        "DANCU_MAIL_TO": "a@example.vn, b@example.vn,",
    }
    email = load_config(path, env=env).email
    assert email.host == "env.example.vn" and email.port == 465 and email.security == "ssl"
    assert (email.user, email.password, email.sender) == (
        "mailer",
        "s3cret",
        "dancu@env.example.vn",
    )
    assert email.recipients == ("a@example.vn", "b@example.vn")
    assert "s3cret" not in repr(email)  # the password never shows in a repr or a log line


def test_password_in_the_file_is_refused(tmp_path: Path) -> None:
    path = toml(tmp_path, '[email]\nuser = "mailer"\npassword = "hunter2"\n')
    with pytest.raises(ConfigError) as info:
        load_config(path, env={})
    assert "password is not allowed in a file" in str(info.value)
    assert "DANCU_SMTP_PASSWORD" in str(info.value)
    assert "hunter2" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "env", "needle"),
    [
        ('[email]\nsecurity = "tls"\n', {}, "must be 'none', 'starttls' or 'ssl'"),
        ("[email]\nport = 70000\n", {}, "port must be 0 (the usual one) to 65535"),
        ("[email]\ntimeout = 0\n", {}, "timeout must be more than 0"),
        ('[email]\nrecipients = "a@example.vn"\n', {}, "must be a list of e-mail addresses"),
        ('[email]\nrecipients = ["nobody"]\n', {}, "'nobody' is not an e-mail address"),
        ('[email]\nsender = "dancu"\n', {}, "sender (or DANCU_MAIL_FROM)"),
        ('[email.provinces]\n"1" = ["a@example.vn"]\n', {}, "not a two-digit province code"),
        ("", {"DANCU_SMTP_PORT": "smtp"}, "DANCU_SMTP_PORT must be a port number"),
        ("", {"DANCU_SMTP_SECURITY": "tls"}, "DANCU_SMTP_SECURITY"),
        ("", {"DANCU_MAIL_TO": "a@example.vn, oops"}, "DANCU_MAIL_TO: 'oops'"),
    ],
)
def test_bad_email_settings_name_the_problem(
    tmp_path: Path, text: str, env: dict[str, str], needle: str
) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(toml(tmp_path, text), env=env)
    assert needle in str(info.value)
