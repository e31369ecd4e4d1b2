"""Docker credential rules: unique names, one default at most, secrets written never read.

[inferred] ``server`` is a registry host (optionally with a port, or an https URL);
``username`` and ``password`` are required on create; setting ``is_default`` on one
credential clears it on the others, as a workspace has one default pull secret.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session, col

from mockcml.core.errors import AlreadyExists, InvalidArgument, NotFound
from mockcml.kit.forms import required_text
from mockcml.kit.ids import new_id
from mockcml.kit.listing import Listing, Page, page, substring
from mockcml.kit.sql import taken
from mockcml.resources.docker_credentials.tables import DockerCredential, RuntimeCredential
from mockcml.resources.runtimes.tables import Runtime

_SERVER = re.compile(r"^(https?://)?[A-Za-z0-9.-]+(:\d{1,5})?(/[\w./-]*)?$")
LISTING = Listing(
    # The contract names the filter and sort keys id, name and url; url is the server.
    filters={"id": substring(col(DockerCredential.id)), "name": substring(col(DockerCredential.name)),
             "url": substring(col(DockerCredential.server))},
    sorts={"id": col(DockerCredential.id), "name": col(DockerCredential.name),
           "url": col(DockerCredential.server)},
    tiebreak=col(DockerCredential.id),
    default_sort=(("name", False),),
    # Every field of the public model filters too; username and password are not on it.
    model="DockerCredentialPublic",
)


def wire(credential: DockerCredential) -> dict[str, Any]:
    """DockerCredentialPublic: the username and password are never returned."""
    return {"id": credential.id, "name": credential.name, "server": credential.server,
            "is_default": credential.is_default}


def list_credentials(session: Session, params: dict[str, Any]) -> Page:
    return page(session, select(DockerCredential), LISTING, params)


def get_credential(session: Session, credential_id: str) -> DockerCredential:
    credential = session.get(DockerCredential, credential_id or "")
    if credential is None:
        raise NotFound(f"docker credential {credential_id!r} not found")
    return credential


def _server(value: str) -> str:
    if not _SERVER.match(value):
        raise InvalidArgument(f"server must be a registry host such as registry.example.com, "
                              f"not {value!r}")
    return value


def _unique_name(session: Session, name: str, keep: str | None = None) -> None:
    if taken(session, DockerCredential, col(DockerCredential.name) == name, exclude=keep):
        raise AlreadyExists(f"a docker credential named {name!r} already exists")


def _only_default(session: Session, keep: str) -> None:
    session.execute(update(DockerCredential).where(col(DockerCredential.id) != keep)
                    .values(is_default=False))


def credential_row(body: dict[str, Any], now: float) -> dict[str, Any]:
    """A new credential's fields (checked but for the name's uniqueness), for
    CreateDockerCredential and fixtures."""
    name = required_text(body, "name")
    server = _server(required_text(body, "server"))
    username = required_text(body, "username")
    password = body.get("password") or ""
    if not password:
        raise InvalidArgument("password is required")
    return {"id": new_id(), "name": name, "server": server, "username": username,
            "password": password, "is_default": bool(body.get("is_default")),
            "created_at": now, "updated_at": now}


def create_credential(session: Session, body: dict[str, Any], now: float) -> DockerCredential:
    row = credential_row(body, now)
    _unique_name(session, row["name"])
    credential = DockerCredential(**row)
    session.add(credential)
    session.flush()
    if credential.is_default:
        _only_default(session, credential.id)
    return credential


def update_credential(session: Session, body: dict[str, Any], now: float) -> DockerCredential:
    """Partial update: the fields sent change; a blank password keeps the stored one."""
    credential = get_credential(session, body.get("id") or "")
    changes: dict[str, Any] = {}
    if "name" in body:
        changes["name"] = required_text(body, "name")
        _unique_name(session, changes["name"], keep=credential.id)
    if "server" in body:
        changes["server"] = _server(required_text(body, "server"))
    if "username" in body:
        changes["username"] = required_text(body, "username")
    if body.get("password"):
        changes["password"] = body["password"]
    if "is_default" in body:
        changes["is_default"] = bool(body["is_default"])
    for field, value in changes.items():
        setattr(credential, field, value)
    credential.updated_at = now
    session.flush()
    if credential.is_default:
        _only_default(session, credential.id)
    return credential


def delete_credential(session: Session, credential_id: str) -> None:
    session.delete(get_credential(session, credential_id))


def attach(session: Session, body: dict[str, Any]) -> None:
    """SetDockerCredential: the runtime's image is pulled with this credential from now on.

    Sending the pairing again replaces the runtime's credential.
    """
    identifier = required_text(body, "runtime_identifier")
    credential_id = required_text(body, "docker_credential_id")
    if session.get(Runtime, identifier) is None:
        raise NotFound(f"runtime {identifier!r} not found")
    get_credential(session, credential_id)
    link = session.get(RuntimeCredential, identifier)
    if link is None:
        session.add(RuntimeCredential(runtime_identifier=identifier,
                                      docker_credential_id=credential_id))
    else:
        link.docker_credential_id = credential_id
    session.flush()
