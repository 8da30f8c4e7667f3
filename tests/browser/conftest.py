"""The browser tests' fixtures; they live in `tests.support.browser` (the export tests of
`indicators` drive the browser too)."""

from tests.support.browser import (  # noqa: F401 (fixtures)
    _restore_reference_data,
    browser,
    page,
    reference_data,
)
