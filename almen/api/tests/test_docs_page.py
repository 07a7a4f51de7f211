"""The API docs page is served from Almen's own static files without inline scripts
(the CSP forbids them), and the footer links the open-data download."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_docs_page_uses_only_our_static_files_and_no_inline_script(cast) -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    html = response.text
    assert "script-src 'self'" in response["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts, "no script at all"
    for attributes, body in scripts:
        assert 'src="/static/' in attributes, attributes
        assert not body.strip(), "inline script"
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "/static/vendor/swagger-ui/swagger-ui.css" in html
    assert "cdn" not in html.lower()
    assert "/api/v1/openapi.json" in html  # the settings, in a data attribute


def test_the_footer_links_the_open_data_download(cast) -> None:
    html = Client().get("/").text
    footer = html[html.index("<footer") :]
    assert 'href="/api/v1/open-data.zip"' in footer
