"""Loaded by pytest before Django (`-p tests.env`): the test environment, independent of a
developer's .env. DATABASE_URL / REDIS_URL pass through, so CI tests PostgreSQL and Redis."""

import os
import tempfile

os.environ["IGNORE_DOTENV"] = "true"
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="brandpost-test-"))
os.environ.setdefault("SANDBOX_PLATFORMS", "true")
