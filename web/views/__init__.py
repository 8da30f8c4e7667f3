"""Browser views: thin, like the API — each reads the clock once, calls one selector or service."""
