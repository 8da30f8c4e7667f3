"""The API-auth vocabulary: the scopes an API client may hold (SPEC §8).

Plain choices, no model, so that every app's API can name the scope it needs without importing
the accounts app (which sits above the reference-data apps).
"""

from django.db import models


class Scope(models.TextChoices):
    CASES_READ = "cases:read", "cases:read"
    CASES_WRITE = "cases:write", "cases:write"
    CASES_READ_ALL = "cases:read_all", "cases:read_all"
    CASES_IMPORT = "cases:import", "cases:import"
    CATALOG_READ = "catalog:read", "catalog:read"
    CONTACTS_READ = "contacts:read", "contacts:read"
    # Contact details sent with a case change the single contact base (SPEC §8).
    CONTACTS_WRITE = "contacts:write", "contacts:write"
    INDICATORS_READ = "indicators:read", "indicators:read"
    WEBHOOKS_MANAGE = "webhooks:manage", "webhooks:manage"
