"""Write .env for the embedded default (`make run`) unless one exists: DEBUG on, the sandbox
platforms on, and a fresh SECRET_KEY and field-encryption key kept across runs."""

import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet

path = Path(__file__).resolve().parent.parent / ".env"
if path.exists():
    sys.exit(0)
path.write_text(
    "# Written by `make run` for the embedded default. See .env.example for every variable.\n"
    "DEBUG=true\n"
    "SANDBOX_PLATFORMS=true\n"
    f"SECRET_KEY={secrets.token_urlsafe(50)}\n"
    f"FIELD_ENCRYPTION_KEYS={Fernet.generate_key().decode()}\n"
)
path.chmod(0o600)
print(f"wrote {path}")
