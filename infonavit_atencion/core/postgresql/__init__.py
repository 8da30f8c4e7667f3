"""PostgreSQL with a health check that costs no round trip and a lighter ORDER BY compiler
(settings use it as ENGINE)."""
