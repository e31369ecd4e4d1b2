"""``:download`` errors are JSON envelopes although the contract declares only octet-stream
(issue 19, item 10): the behaviour, and that docs/fidelity.md says so."""

from __future__ import annotations

import json

from tests.helpers import ROOT, assert_envelope, auth, make_project


def test_download_errors_are_json_and_documented(api):
    contract = json.loads((ROOT / "openapi" / "swagger.json").read_text())
    route = contract["paths"]["/api/v2/projects/{project_id}/files/{path}:download"]["post"]
    assert route["produces"] == ["application/octet-stream"]
    pid = make_project(api)["id"]
    for response, status, code in (
        (api.post(f"/api/v2/projects/{pid}/files/nope.txt:download"), 401, 16),
        (api.post(f"/api/v2/projects/{pid}/files/nope.txt:download", headers=auth()), 404, 5),
    ):
        assert_envelope(response, status, code)
        assert response.headers["content-type"].startswith("application/json")
    fidelity = (ROOT / "docs" / "fidelity.md").read_text()
    assert "`:download` errors are JSON" in fidelity
