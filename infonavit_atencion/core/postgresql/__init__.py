"""PostgreSQL with a health check that costs no round trip (settings use it as ENGINE)."""
