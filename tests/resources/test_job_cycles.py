"""UpdateJob refuses a parent that would close a dependency cycle (issue 19, item 1).

A cycle makes every success start the next job of the loop forever; fixtures already
refuse one, so the API does too, and the refused update leaves the job unchanged.
"""

from __future__ import annotations

import pytest

from tests.helpers import assert_envelope, auth, make_job, make_project


def _patch(api, project_id: str, job_id: str, **fields):
    return api.patch(f"/api/v2/projects/{project_id}/jobs/{job_id}", json=fields, headers=auth())


@pytest.mark.parametrize("alias", ["parent_id", "parentId"])
def test_two_job_cycle_is_refused(api, alias):
    project = make_project(api)["id"]
    a = make_job(api, project)
    b = make_job(api, project, parent_job_id=a["id"])
    body = assert_envelope(_patch(api, project, a["id"], **{alias: b["id"]}), 400, 3)
    assert "cycle" in body["message"]
    got = api.get(f"/api/v2/projects/{project}/jobs/{a['id']}", headers=auth()).json()
    assert got["parent_id"] == "" and got["type"] == "manual"


def test_longer_cycle_is_refused_and_a_chain_is_not(api):
    project = make_project(api)["id"]
    a = make_job(api, project)
    b = make_job(api, project, parent_job_id=a["id"])
    c = make_job(api, project, parent_job_id=b["id"])
    assert_envelope(_patch(api, project, a["id"], parent_id=c["id"]), 400, 3)
    # Re-parenting inside the chain without closing a loop is fine.
    d = make_job(api, project)
    response = _patch(api, project, c["id"], parent_id=d["id"])
    assert response.status_code == 200 and response.json()["parent_id"] == d["id"]
    response = _patch(api, project, d["id"], parent_id=a["id"])
    assert response.status_code == 200, response.text
    # Now a -> b and a -> d -> c: making a depend on c closes a loop again.
    assert_envelope(_patch(api, project, a["id"], parent_id=c["id"]), 400, 3)


def test_self_parent_by_update_is_refused(api):
    project = make_project(api)["id"]
    a = make_job(api, project)
    assert_envelope(_patch(api, project, a["id"], parent_id=a["id"]), 400, 3)
