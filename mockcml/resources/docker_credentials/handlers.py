"""HTTP side of docker credentials: every operation is site administration."""

from __future__ import annotations

from mockcml.kit.crud import admin_crud
from mockcml.resources.docker_credentials import service

admin_crud(
    "docker credential administration", service.wire,
    listing=("ListDockerCredentials", "docker_credentials", service.list_credentials),
    create=("CreateDockerCredential", service.create_credential),
    update=("UpdateDockerCredential", service.update_credential),
    delete=("DeleteDockerCredential", "docker_credential_id", service.delete_credential),
)
