"""Settings refuse to start on bad or missing configuration, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7" * 30 + "-production-secret-key-for-the-check",
    "ALLOWED_HOSTS": "brandpost.example.com",
    "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
}


def run_django(env_overrides: dict, *args: str) -> subprocess.CompletedProcess:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS"}
    }
    env.update({"IGNORE_DOTENV": "true", "DJANGO_SETTINGS_MODULE": "config.settings"})
    env.update(env_overrides)
    command = args or ("-c", "import django; django.setup()")
    return subprocess.run(
        [sys.executable, *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "FIELD_ENCRYPTION_KEYS"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = run_django(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and missing in result.stderr


def test_production_starts_with_its_secrets():
    result = run_django(PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("DEBUG", "maybe", "DEBUG: expected true/false"),
        ("DATABASE_URL", "mysql://db/x", "DATABASE_URL: expected a URL"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL: expected a URL"),
        ("SECURE_HSTS_SECONDS", "a year", "SECURE_HSTS_SECONDS: expected an integer"),
        ("FIELD_ENCRYPTION_KEYS", "not-a-key", "FIELD_ENCRYPTION_KEYS: entry 1"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL"),
    ],
)
def test_malformed_settings_fail_at_start_naming_the_variable(name, value, expected):
    result = run_django({**PRODUCTION, name: value})
    assert result.returncode != 0
    assert expected in result.stderr


def test_old_encryption_keys_can_follow_the_newest():
    keys = f"{Fernet.generate_key().decode()},{Fernet.generate_key().decode()}"
    result = run_django({**PRODUCTION, "FIELD_ENCRYPTION_KEYS": keys})
    assert result.returncode == 0, result.stderr


def test_secrets_can_come_from_files(tmp_path):
    secret_file = tmp_path / "secret"
    secret_file.write_text(PRODUCTION["SECRET_KEY"])
    env = {k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"}
    result = run_django({**env, "SECRET_KEY_FILE": str(secret_file)})
    assert result.returncode == 0, result.stderr


def test_deploy_check_reports_no_warnings_for_documented_production_settings():
    result = run_django(PRODUCTION, "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
