"""What ``@operation(...)`` declares is done around the handler by registry.invoke and
registry.after_commit: site-admin checks, the path's project, body/path id agreement and
the scheduler poke. Unit tests with stand-in calls; the HTTP sweep of every operation's
permissions is tests/robustness/test_authorization.py."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from mockcml.core import registry
from mockcml.core.errors import InvalidArgument, NotFound, PermissionDenied
from mockcml.resources.projects import access


@pytest.fixture
def declare():
    """Register stand-in operations for one test, and forget them afterwards."""
    added: list[str] = []

    def _declare(operation_id: str, **declaration):
        added.append(operation_id)
        seen: list = []
        registry.operation(operation_id, **declaration)(lambda call: seen.append(call) or "done")
        return seen

    yield _declare
    for operation_id in added:
        registry.HANDLERS.pop(operation_id, None)
        registry.DECLARED.pop(operation_id, None)


class Scheduler:
    def __init__(self) -> None:
        self.pokes = 0

    def poke(self) -> None:
        self.pokes += 1


class Work(str):
    """The call's unit of work, by name; ``plain_writes`` as UnitOfWork's (False: a file
    database or PostgreSQL, where a write's checks go through the ORM session)."""

    plain_writes = False


class InMemoryWork(Work):
    plain_writes = True  # an in-memory SQLite: one connection, plain writes on it


PLAIN_SQL = Work("plain-sql")


def make_call(operation_id: str, *, admin: bool = False, path=None, body=None,
              db: Work = PLAIN_SQL):
    return SimpleNamespace(
        op=SimpleNamespace(operation_id=operation_id),
        user=SimpleNamespace(id=7, username="ann", is_admin=admin),
        path=path or {}, body=body, db=db, session="orm-session", project=None,
        mock=SimpleNamespace(scheduler=Scheduler()),
    )


@pytest.fixture
def projects(monkeypatch):
    """access.require replaced: 'hidden' is not visible, 'seen' visible read-only."""
    asked: list = []

    def require(db, user, project_id, capability="view"):
        asked.append((db, project_id, capability))
        if project_id == "hidden":
            raise NotFound(f"project {project_id!r} not found")
        if project_id == "seen" and capability != "view":
            raise PermissionDenied("read only")
        return SimpleNamespace(id=project_id), None

    monkeypatch.setattr(access, "require", require)
    return asked


def test_plain_operation_just_runs_its_handler(declare):
    seen = declare("TestPlain")
    call = make_call("TestPlain")
    assert registry.invoke(call) == "done"
    assert seen == [call] and call.project is None
    registry.after_commit(call)
    assert call.mock.scheduler.pokes == 0


def test_twice_registered_is_an_error(declare):
    declare("TestTwice")
    with pytest.raises(RuntimeError, match="registered twice"):
        registry.operation("TestTwice")(lambda call: None)


def test_unknown_capability_is_refused_at_declaration():
    with pytest.raises(ValueError, match="capability"):
        registry.operation("TestBad", project="own")


def test_admin_only_refuses_others_before_the_handler(declare):
    seen = declare("TestAdmin", admin="admins only here")
    with pytest.raises(PermissionDenied, match="admins only here"):
        registry.invoke(make_call("TestAdmin"))
    assert seen == []
    assert registry.invoke(make_call("TestAdmin", admin=True)) == "done"


def test_project_not_visible_is_not_found(declare, projects):
    seen = declare("TestHidden", project="view")
    with pytest.raises(NotFound):
        registry.invoke(make_call("TestHidden", path={"project_id": "hidden"}))
    assert seen == []


def test_project_visible_but_not_writable_is_denied(declare, projects):
    seen = declare("TestDenied", project="write")
    with pytest.raises(PermissionDenied):
        registry.invoke(make_call("TestDenied", path={"project_id": "seen"}))
    assert seen == []


def test_project_is_on_the_call_and_writes_read_it_in_the_transaction(declare, projects):
    declare("TestRead", project="view")
    declare("TestWrite", project="write", project_param="experiment_project_id")
    read = make_call("TestRead", path={"project_id": "p1"})
    registry.invoke(read)
    write = make_call("TestWrite", path={"experiment_project_id": "p2"})
    registry.invoke(write)
    assert read.project.id == "p1" and write.project.id == "p2"
    assert projects == [("plain-sql", "p1", "view"), ("orm-session", "p2", "write")]


def test_writes_check_the_project_without_a_session_when_writes_are_plain(declare, projects):
    # In-memory SQLite: the session would share the plain connection; opening one for the
    # check alone costs more than the check.
    declare("TestPlainWrite", project="run")
    registry.invoke(make_call("TestPlainWrite", path={"project_id": "p3"},
                              db=InMemoryWork("plain-sql")))
    assert projects == [("plain-sql", "p3", "run")]


@pytest.mark.parametrize("body", [None, {}, {"job_id": ""}, {"job_id": "17"}, {"job_id": 17},
                                  {"other": "x"}])
def test_same_ids_accepts_absent_empty_and_equal(declare, body):
    declare("TestIds", same_ids=("job_id",))
    assert registry.invoke(make_call("TestIds", path={"job_id": "17"}, body=body)) == "done"


def test_same_ids_refuses_a_differing_body_id(declare):
    seen = declare("TestIdsBad", same_ids=("project_id", "job_id"))
    call = make_call("TestIdsBad", path={"project_id": "p", "job_id": "j1"},
                     body={"project_id": "p", "job_id": "j2"})
    with pytest.raises(InvalidArgument, match="job_id in the body does not match the path"):
        registry.invoke(call)
    assert seen == []


def test_project_is_checked_before_the_body(declare, projects):
    declare("TestOrder", project="write", same_ids=("project_id",))
    call = make_call("TestOrder", path={"project_id": "hidden"}, body={"project_id": "other"})
    with pytest.raises(NotFound):
        registry.invoke(call)


def test_pokes_wake_the_scheduler_after_commit_only(declare):
    declare("TestPokes", pokes=True)
    call = make_call("TestPokes")
    registry.invoke(call)
    assert call.mock.scheduler.pokes == 0  # not inside the transaction
    registry.after_commit(call)
    assert call.mock.scheduler.pokes == 1


def test_every_project_route_declares_its_project():
    """An operation under /projects/{project_id} that forgets ``project=`` would serve
    other tenants' data; only these check the project their own way."""
    import importlib

    from mockcml.core.contract import load_contract
    from mockcml.resources import RESOURCE_MODULES

    for module in RESOURCE_MODULES:
        importlib.import_module(module)
    own_way = {"GetProject", "CreateAmp"}
    for op in load_contract().operations:
        declared = registry.DECLARED.get(op.operation_id)
        if declared is None or op.operation_id in own_way:
            continue
        params = set(op.path_params.values())
        if params & {"project_id", "experiment_project_id"}:
            assert declared.project is not None, op.operation_id
            assert declared.project_param in params, op.operation_id


def test_no_handler_module_imports_another_resources_handlers():
    """Shared steps live in the registry or a service, never in a sibling's handlers."""
    import re
    from pathlib import Path

    import mockcml.resources as resources

    root = Path(resources.__file__).parent
    for path in root.glob("*/handlers.py"):
        text = path.read_text(encoding="utf-8")
        imported = re.findall(r"mockcml\.resources\.(\w+)\.handlers", text)
        assert all(name == path.parent.name for name in imported), (path, imported)
