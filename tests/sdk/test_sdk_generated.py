"""The committed SDK (sdk/) against the contract: method names, argument order, models,
leniency towards the server's answers, the hand-written helpers, and drift from a fresh
generation."""

from __future__ import annotations

import ast
import inspect
import io
import json
import subprocess
import sys
import tarfile
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from mockcml.core.contract import load_contract
from mockcml.sdk_docs import build_sdist, model_class, sdk_methods, snake_case
from tests.helpers import ROOT
from tests.sdk import REFERENCE, SDK_DIR, import_committed_sdk

API_SOURCE = SDK_DIR / "cmlapi" / "api" / "cml_service_api.py"


@pytest.fixture(scope="module")
def cmlapi() -> ModuleType:
    return import_committed_sdk()


def _keyword_params() -> dict[str, list[str]]:
    """method name -> every parameter it accepts (its ``all_params``), read from the source."""
    tree = ast.parse(API_SOURCE.read_text(encoding="utf-8"))
    found = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and node.name.endswith("_with_http_info"):
            for statement in node.body:
                if (isinstance(statement, ast.Assign)
                        and getattr(statement.targets[0], "id", None) == "all_params"):
                    found[node.name.removesuffix("_with_http_info")] = [
                        element.value for element in statement.value.elts
                    ]
    return found


def _positional(method) -> list[str]:  # noqa: ANN001
    return [
        p.name for p in inspect.signature(method).parameters.values()
        if p.kind is p.POSITIONAL_OR_KEYWORD and p.name != "self"
    ]


def test_the_sdk_is_imported_from_the_repository(cmlapi: ModuleType) -> None:
    assert SDK_DIR in Path(cmlapi.__file__).parents
    assert cmlapi.CMLServiceApi and cmlapi.ApiClient and cmlapi.Configuration
    assert issubclass(cmlapi.rest.ApiException, Exception)


def test_every_operation_has_its_method_with_the_right_arguments(cmlapi: ModuleType) -> None:
    document = load_contract().document
    expected = sdk_methods(document)
    assert len(expected) == len(load_contract().operations) == 158
    keywords = _keyword_params()
    api = cmlapi.CMLServiceApi
    public = {
        name for name, _ in inspect.getmembers(api, inspect.isfunction)
        if not name.startswith("_") and not name.endswith("_with_http_info")
    }
    assert public == {method.name for method in expected}
    for method in expected:
        assert method.name == snake_case(method.operation_id)
        sdk_method = getattr(api, method.name)
        assert _positional(sdk_method) == [p.name for p in method.positional], method.name
        assert _positional(getattr(api, f"{method.name}_with_http_info")) == _positional(
            sdk_method)
        accepted = keywords[method.name]
        assert accepted == [p.name for p in method.positional + method.keyword], method.name
        # dotted path parameters ({project.id}) are spelled with underscores
        assert all("." not in name for name in accepted)


@pytest.mark.skipif(not REFERENCE.is_file(), reason="shared/reference/cml-api-v2.json is absent")
def test_method_names_and_arguments_equal_the_reference(cmlapi: ModuleType) -> None:
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))["operations"]
    contract_ids = {op.operation_id for op in load_contract().operations}
    assert {op["operationId"] for op in reference} == contract_ids
    keywords = _keyword_params()
    for op in reference:
        name = op["sdk_method"]
        assert name == snake_case(op["operationId"]), op["operationId"]
        method = getattr(cmlapi.CMLServiceApi, name, None)
        assert method is not None, f"CMLServiceApi.{name} is missing"
        assert _positional(method) == op["sdk_positional_args"], name
        extra = [p for p in keywords[name] if p not in op["sdk_positional_args"]]
        assert extra == op["sdk_keyword_args"], name


def test_the_examples_of_the_sdk_documentation(cmlapi: ModuleType) -> None:
    api = cmlapi.CMLServiceApi
    assert _positional(api.create_job_run) == ["body", "project_id", "job_id"]
    assert _positional(api.list_job_runs) == ["project_id", "job_id"]
    assert {"sort", "page_size", "page_token", "search_filter"} <= set(
        _keyword_params()["list_job_runs"])
    assert _positional(api.update_project) == ["body", "project_id"]
    for name in ("validate_api_key", "list_projects", "list_cpu_profiles",
                 "get_short_user_by_id"):
        assert callable(getattr(api, name))


def test_every_model_of_the_contract_is_a_class(cmlapi: ModuleType) -> None:
    for name, schema in load_contract().definitions.items():
        if not (schema.get("properties") or schema.get("enum")):
            continue  # empty answers come back as plain dicts
        cls = getattr(cmlapi.models, model_class(name))
        if schema.get("properties"):
            assert list(cls.attribute_map) == list(schema["properties"]), name
            assert list(cls.attribute_map.values()) == list(schema["properties"]), name
            assert callable(cls().to_dict)


def _deserialize(cmlapi: ModuleType, payload: object, kind: str):  # noqa: ANN202
    client = cmlapi.ApiClient(cmlapi.Configuration(host="http://127.0.0.1:9"))
    return client.deserialize(SimpleNamespace(data=json.dumps(payload)), kind)


def test_models_take_the_server_answers_as_they_are(cmlapi: ModuleType) -> None:
    job = _deserialize(cmlapi, {
        "id": "abcd-1234", "name": "nightly", "timeout": "3600", "engine_image_id": "12",
        "created_at": "2026-01-02T03:04:05.123Z", "environment": '{"A":"1"}',
        "creator": {"username": "admin"}, "field_from_the_future": [1, 2],
    }, "Job")
    assert isinstance(job, cmlapi.Job)
    assert job.timeout == "3600" and job.engine_image_id == "12"  # int64 stays a string
    assert job.creator.username == "admin" and job.script is None  # missing fields are None
    assert job.created_at.year == 2026
    data = job.to_dict()
    assert data["name"] == "nightly" and data["creator"]["username"] == "admin"

    run = _deserialize(cmlapi, {"id": "r", "status": "ENGINE_FROM_A_NEWER_SERVER"}, "JobRun")
    assert run.status == "ENGINE_FROM_A_NEWER_SERVER"

    experiment_run = _deserialize(
        cmlapi, {"id": "e", "start_time": "1700000000000", "end_time": 1700000000000},
        "ExperimentRun")
    assert experiment_run.start_time == "1700000000000"  # epoch ms kept as sent
    assert experiment_run.end_time == 1700000000000

    page = _deserialize(cmlapi, {"projects": [{"id": "p1"}], "next_page_token": ""},
                        "ListProjectsResponse")
    assert [p.id for p in page.projects] == ["p1"]
    assert _deserialize(cmlapi, {}, "object") == {}


def test_default_client_without_settings_names_the_variables(
    cmlapi: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CDSW_API_URL", raising=False)
    monkeypatch.delenv("CDSW_APIV2_KEY", raising=False)
    with pytest.raises(ValueError) as error:
        cmlapi.default_client()
    assert "CDSW_API_URL" in str(error.value) and "CDSW_APIV2_KEY" in str(error.value)
    with pytest.raises(ValueError, match="CDSW_APIV2_KEY") as error:
        cmlapi.default_client("http://127.0.0.1:8080")
    assert "CDSW_API_URL" not in str(error.value)
    monkeypatch.setenv("CDSW_APIV2_KEY", "k")
    with pytest.raises(ValueError, match="CDSW_API_URL"):
        cmlapi.default_client()


@pytest.mark.parametrize(("given", "host"), [
    ("http://127.0.0.1:8123/api/v1", "http://127.0.0.1:8123"),
    ("https://ml.example.com/api/v2/", "https://ml.example.com"),
    ("https://ml.example.com", "https://ml.example.com"),
    ("ml.example.com:8443", "https://ml.example.com:8443"),
])
def test_default_client_reads_the_workspace_variables(
    cmlapi: ModuleType, monkeypatch: pytest.MonkeyPatch, given: str, host: str
) -> None:
    monkeypatch.setenv("CDSW_API_URL", given)
    monkeypatch.setenv("CDSW_APIV2_KEY", "secret-key")
    client = cmlapi.default_client()
    assert isinstance(client, cmlapi.CMLServiceApi)
    assert client.api_client.configuration.host == host
    assert client.api_client.default_headers["authorization"] == "Bearer secret-key"
    explicit = cmlapi.default_client(url="http://10.0.0.1:1", cml_api_key="other")
    assert explicit.api_client.configuration.host == "http://10.0.0.1:1"
    assert explicit.api_client.default_headers["authorization"] == "Bearer other"


def test_cursor_follows_the_page_tokens(cmlapi: ModuleType) -> None:
    pages = {
        None: (["a", "b"], "t1"),
        "t1": (["c", "d"], "t2"),
        "t2": (["e"], ""),
    }
    calls = []

    def list_jobs(project_id, **kwargs):  # noqa: ANN001, ANN202 - shaped like the SDK
        calls.append((project_id, dict(kwargs)))
        names, token = pages[kwargs.get("page_token")]
        return cmlapi.ListJobsResponse(jobs=[cmlapi.Job(name=n) for n in names],
                                       next_page_token=token)

    cursor = cmlapi.utils.Cursor(list_jobs, project_id="p", page_size=2, search_filter="{}")
    assert [job.name for job in cursor] == ["a", "b", "c", "d", "e"]
    assert calls == [
        ("p", {"page_size": 2, "search_filter": "{}"}),
        ("p", {"page_size": 2, "search_filter": "{}", "page_token": "t1"}),
        ("p", {"page_size": 2, "search_filter": "{}", "page_token": "t2"}),
    ]
    assert len(list(cursor.pages())) == 3


def test_cursor_needs_a_single_list_field(cmlapi: ModuleType) -> None:
    def executions(**_kwargs):  # noqa: ANN202
        return cmlapi.ListWorkloadExecutionsResponse(workloads=[1], executions=[2])

    with pytest.raises(ValueError, match="items_field"):
        list(cmlapi.utils.Cursor(executions))
    assert list(cmlapi.utils.Cursor(executions, items_field="executions")) == [2]

    def looping(**_kwargs):  # noqa: ANN202
        return cmlapi.ListProjectsResponse(projects=[], next_page_token="same")

    with pytest.raises(RuntimeError, match="twice"):
        list(cmlapi.utils.Cursor(looping))


def test_the_sdist_holds_the_package_and_is_reproducible() -> None:
    name, data = build_sdist()
    assert name.startswith("cmlapi-") and name.endswith(".tar.gz")
    assert build_sdist.__wrapped__(SDK_DIR)[1] == data
    base = name.removesuffix(".tar.gz")
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        names = set(tar.getnames())
        info = tar.extractfile(f"{base}/PKG-INFO").read().decode()
    assert {f"{base}/PKG-INFO", f"{base}/pyproject.toml", f"{base}/README.md",
            f"{base}/cmlapi/__init__.py", f"{base}/cmlapi/utils.py",
            f"{base}/cmlapi/api/cml_service_api.py"} <= names
    assert not any("overlay" in n or "__pycache__" in n or n.endswith(".pyc") for n in names)
    assert "Name: cmlapi\n" in info and f"Version: {base.split('-', 1)[1]}\n" in info
    assert "Requires-Dist: urllib3" in info


def _build_script():  # noqa: ANN202
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import build_sdk
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    return build_sdk


def test_the_overlay_is_part_of_the_committed_sdk() -> None:
    overlay = SDK_DIR / "overlay"
    for source in overlay.rglob("*"):
        if source.is_file() and "__pycache__" not in source.parts:
            committed = SDK_DIR / source.relative_to(overlay)
            assert committed.read_bytes() == source.read_bytes(), committed


def test_a_fresh_generation_equals_the_committed_sdk() -> None:
    build_sdk = _build_script()
    if not build_sdk.generator_available():
        pytest.skip(f"needs java and {build_sdk.GENERATOR_PACKAGE}=="
                    f"{build_sdk.GENERATOR_VERSION} (pip install -e '.[sdk]')")
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_sdk.py"), "--check"],
        capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
