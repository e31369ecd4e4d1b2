"""Project and Collaborator as they appear on the wire."""

from __future__ import annotations

from mockcml.core.actors import Named, ProjectRef
from mockcml.kit.users import short_user
from mockcml.kit.wire import timestamp
from mockcml.resources.projects.access import Access
from mockcml.resources.users.tables import User


def project_wire(project: ProjectRef, owner: Named, creator: Named, access: Access) -> dict:
    return {
        "id": project.id,
        "name": project.name,
        "owner": short_user(owner),
        "creator": short_user(creator),
        "description": project.description,
        "visibility": project.visibility,
        "default_engine_type": project.default_engine_type,
        "created_at": timestamp(project.created_at),
        "updated_at": timestamp(project.updated_at),
        "creation_status": project.creation_status,
        "permissions": access.permissions(),
        "shared_memory_limit": project.shared_memory_limit,
        # Quirk copied from CML: a map on create, a JSON-encoded string on every answer.
        "environment": project.environment,
        "ephemeral_storage_request": project.ephemeral_storage_request,
        "ephemeral_storage_limit": project.ephemeral_storage_limit,
        "slug": project.slug,
    }


def collaborator_wire(user: User, permission: str) -> dict:
    return {"user": short_user(user), "permission": permission}
