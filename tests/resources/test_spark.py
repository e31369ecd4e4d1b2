"""Spark defaults: the workspace's per pushdown mode (set by a site admin), the base
cluster's and CML's (fixed)."""

from __future__ import annotations

import pytest

from tests.helpers import assert_envelope, auth

SET = "/api/v2/workspaces/sparkconfig"


def _read(client, mode, key="mockcml-admin-key"):
    response = client.get(f"{SET}/{mode}", headers=auth(key))
    assert response.status_code == 200, response.text
    return response.json()


def test_reads_need_a_key_setting_needs_a_site_admin(world):
    for path in (f"{SET}/true", "/api/v2/basecluster/sparkconfig",
                 "/api/v2/cml/sparkconfig/true/false"):
        assert_envelope(world.get(path), 401, 16)
        assert world.get(path, headers=auth("alice-key")).status_code == 200
    body = {"is_pushdown": "true", "workspace_spark_default": "spark.executor.cores 4"}
    assert_envelope(world.post(SET, json=body), 401, 16)
    before = _read(world, "true", "alice-key")
    assert_envelope(world.post(SET, headers=auth("alice-key"), json=body), 403, 7)
    assert _read(world, "true", "alice-key") == before


def test_unset_modes_read_as_the_cml_default_and_set_ones_as_set():
    from tests.conftest import make_asgi_client

    with make_asgi_client() as client:
        for mode, raw in (("true", "true"), ("false", "false")):
            cml = client.get(f"/api/v2/cml/sparkconfig/{mode}/false", headers=auth()).json()
            assert _read(client, raw) == {"workspace_spark_default": cml["cml_spark_default"],
                                          "is_pushdown": mode}
        text = "# tuned\nspark.executor.cores 4\nspark.driver.memory=2g\n\n"
        done = client.post(SET, headers=auth(), json={"is_pushdown": "true",
                                                      "workspace_spark_default": text})
        assert done.status_code == 200 and done.json() == {}
        assert _read(client, "true")["workspace_spark_default"] == text
        assert _read(client, "false")["workspace_spark_default"] != text  # the other mode
        client.post(SET, headers=auth(), json={"is_pushdown": "true",
                                               "workspace_spark_default": ""})
        assert _read(client, "true")["workspace_spark_default"] == ""


@pytest.mark.parametrize("body", [
    {}, {"workspace_spark_default": "spark.a 1"},
    {"is_pushdown": "maybe", "workspace_spark_default": "spark.a 1"},
    {"is_pushdown": "false", "workspace_spark_default": "executor.cores 4"},
    {"is_pushdown": "false", "workspace_spark_default": "spark.a"},
    {"is_pushdown": True, "workspace_spark_default": "spark.a 1"},
])
def test_invalid_settings_are_400_and_change_nothing(api, body):
    before = _read(api, "false")
    assert_envelope(api.post(SET, headers=auth(), json=body), 400, 3)
    assert _read(api, "false") == before


@pytest.mark.parametrize("path", [f"{SET}/yes", "/api/v2/cml/sparkconfig/true/2",
                                  "/api/v2/cml/sparkconfig/x/false"])
def test_bad_flags_in_the_path_are_400(api, path):
    assert_envelope(api.get(path, headers=auth()), 400, 3)


def test_fixed_defaults(api):
    base = api.get("/api/v2/basecluster/sparkconfig", headers=auth()).json()
    pairs = base["base_cluster_spark_default"]
    assert pairs and all(set(p) == {"name", "value"} and p["name"].startswith("spark.")
                         for p in pairs)
    plain = api.get("/api/v2/cml/sparkconfig/false/false", headers=auth()).json()
    pushdown = api.get("/api/v2/cml/sparkconfig/true/false", headers=auth()).json()
    raz = api.get("/api/v2/cml/sparkconfig/false/true", headers=auth()).json()
    assert "spark.master k8s://" in pushdown["cml_spark_default"]
    assert "spark.master" not in plain["cml_spark_default"]
    assert "raz" in raz["cml_spark_default"] and "raz" not in plain["cml_spark_default"]
