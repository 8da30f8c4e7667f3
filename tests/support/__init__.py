"""Test set-up that more than one app's tests use, in one place: users and the run's password
(`accounts`), API callers and cases made through the real services (`cases`), the intake form
(`intake`), tampering with the append-only history (`history`) and the browser (`browser`).

An app's own helpers stay in its `tests/support.py`; fixtures stay in `conftest.py` files."""
