"""The ``docker_credentials`` section: registry credentials (CreateDockerCredential's
rows) and the runtimes each pulls (SetDockerCredential's). Passwords are stored to pull
with and, as through the API, never read back."""

from __future__ import annotations

from typing import Any

from mockcml.core.errors import ApiError
from mockcml.fixtures import kinds as k
from mockcml.fixtures.sections import Refs, Section, Seeding
from mockcml.resources.docker_credentials import service
from mockcml.resources.docker_credentials.tables import DockerCredential, RuntimeCredential

DOCKER_CREDENTIAL = k.Record("DockerCredential", "A docker registry credential: the fields of "
                             "CreateDockerCredentialRequest, plus the runtimes it pulls.", (
    k.Field("name", k.Text(nonempty=True), "Name, unique.", required=True),
    k.Field("server", k.Text(nonempty=True), "Registry host, e.g. registry.example.com.",
            required=True),
    k.Field("username", k.Text(nonempty=True), "Registry user.", required=True),
    k.Field("password", k.Text(nonempty=True), "Registry password (never returned).",
            required=True),
    k.Field("is_default", k.Boolean(), "The default credential (at most one).", default=False),
    k.Field("runtimes", k.ListOf(k.Ref("runtime")), "Image identifiers of runtimes it pulls."),
), key=("name",), extend=("runtimes",))


def _refs(entries: list[dict[str, Any]], refs: Refs):  # noqa: ANN202
    pulled: dict[str, str] = {}
    defaults = [e for e in entries if e.get("is_default")]
    for entry in defaults[1:]:
        yield entry, "is_default", (f"only one credential may be the default "
                                    f"({defaults[0]['name']!r} is)")
    for entry in entries:
        if "server" in entry:
            try:
                service._server(entry["server"])
            except ApiError as error:
                yield entry, "server", error.message
        for image in entry.get("runtimes") or ():
            if image not in refs.images:
                yield entry, "runtimes", f"no runtime {image!r} (declare it under runtimes)"
            elif image in pulled:
                yield entry, "runtimes", f"{image!r} is already pulled with {pulled[image]!r}"
            pulled.setdefault(image, entry["name"])


def _seed(entries: list[dict[str, Any]], seeding: Seeding) -> None:
    # Names are unique by the record's key; one default at most, and each runtime pulled
    # with one credential, by _refs: what create_credential and attach ask the database,
    # the checks have answered for the whole section.
    rows = [service.credential_row(entry, seeding.now) for entry in entries]
    seeding.insert(DockerCredential, rows)
    seeding.insert(RuntimeCredential, [
        {"runtime_identifier": image, "docker_credential_id": row["id"]}
        for row, entry in zip(rows, entries, strict=True) for image in entry.get("runtimes") or ()])


SECTION = Section("docker_credentials", DOCKER_CREDENTIAL, "Docker registry credentials and "
                  "the runtimes they pull.", "docker credential", refs=_refs, seed=_seed)
