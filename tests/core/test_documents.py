"""The contract and Swagger UI are served by mockcml itself, with no internet assets."""

from __future__ import annotations

import re

from mockcml.core.contract import contract_path


def test_swagger_json_is_the_committed_contract(api):
    response = api.get("/api/v2/swagger.json")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.content == contract_path().read_bytes()


def test_swagger_ui_assets_are_all_served_locally(api):
    page = api.get("/api/v2/swagger.html")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    refs = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert refs, "the page references its assets"
    for ref in refs:
        assert ref.startswith("/"), f"{ref} would leave the machine"
        asset = api.get(ref)
        assert asset.status_code == 200, ref
        assert len(asset.content) > 100, ref
    assert "/api/v2/swagger.json" in page.text


def test_fastapi_document_describes_only_the_control_plane(api):
    doc = api.get("/_mock/openapi.json").json()
    assert all(path.startswith("/_mock") for path in doc["paths"])


def test_health(api):
    response = api.get("/_mock/health")
    assert response.status_code == 200 and response.json()["ready"] is True
