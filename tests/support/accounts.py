"""Users and API clients for the tests, and the run's one test password."""

import secrets

TEST_PASSWORD = f"prueba-{secrets.token_hex(8)}-2026"  # a fresh one per run, never a fixed secret
