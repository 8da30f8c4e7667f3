"""Every page carries the Content-Security-Policy, and the API docs work under it offline."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_pages_forbid_foreign_and_inline_scripts(client):
    response = client.get("/accounts/login/")

    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy


def test_the_api_docs_load_only_files_from_this_server(client):
    html = client.get("/api/docs/").content.decode()

    # No inline script or style element, and nothing from another host
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    # The start-up script the page loads is served, and points at the schema
    script = re.search(r'<script src="([^"]*\?script[^"]*)"', html)
    assert script is not None
    body = client.get(script.group(1).replace("&amp;", "&")).content.decode()
    assert "/api/schema/" in body
