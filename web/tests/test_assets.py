"""Every asset comes from this site (npm packages copied by `make install`), never a CDN."""

import re

import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_pages_load_only_local_assets_that_exist(client):
    html = client.get("/accounts/login/").content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html)
    assert len(sources) == 6
    for source in sources:
        assert source.startswith("/static/"), source
        assert finders.find(source.removeprefix("/static/")) is not None, (
            f"{source}: run make install"
        )
