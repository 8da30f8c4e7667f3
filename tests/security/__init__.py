"""Attack suite (issue 8): scope, privilege, injection, CSRF, sessions, redirects, SSRF, logs."""
