"""HTTP side of project files.

Decisions where the reference is silent or only inferred:
  - UploadFile: the multipart FIELD NAME is the destination below the project root
    [spec][live-3p]; the part's filename is ignored. cmlapi's ``upload_file(project_id,
    file=...)`` therefore stores the bytes as ``file`` at the root (third-party scripts
    rename it afterwards with UpdateProjectFileMetadata). Every part is stored, plain
    text fields included, in the order sent; a body without parts is 400. [inferred]
  - ListProjectFiles on a file (not a directory) lists that one file. [inferred]
  - Directories report ``file_size`` "0". [inferred]
  - UpdateProjectFileMetadata: ``path`` in the body is the new root-relative path; an
    absent or empty one changes nothing. ``is_dir`` and ``file_size`` are read-only and
    ignored. The answer is the moved entry with its new root-relative path. [inferred]
  - Only POST uploads: the official MCP server's PUT is unverified, and the contract
    has no PUT route, so PUT answers 405.
"""

from __future__ import annotations

from starlette.responses import Response

from mockcml.core.errors import InvalidArgument
from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.resources.files import paths, service
from mockcml.resources.files.tables import ProjectFile


def file_info(row: ProjectFile, path: str | None = None) -> dict:
    return {
        "path": row.name if path is None else path,
        "is_dir": row.is_dir,
        "file_size": str(0 if row.is_dir else row.size),  # int64 as a JSON string
    }


@operation("ListProjectFiles", project="view")
def list_project_files(call: Call) -> dict:
    project_id = call.project.id
    path = paths.normalise(call.path["path"])
    # Not paginated: the whole directory in one answer, names relative to it. [live-3p]
    return {"files": [file_info(row) for row in service.list_dir(call.session, project_id, path)]}


@operation("UploadFile", project="write")
def upload_file(call: Call) -> dict:
    project_id = call.project.id
    parts = (call.body or {}).get("files") or []
    if not parts:
        raise InvalidArgument("the multipart body has no file; name the field after its destination")
    # Validate every destination before storing anything.
    destinations = [paths.normalise(field) for field, _filename, _data in parts]
    for destination, (field, _filename, data) in zip(destinations, parts, strict=True):
        if destination == paths.ROOT:
            raise InvalidArgument(f"form field {field!r} does not name a file below the project root")
        service.upload(call.session, project_id, destination, data, call.now)
    # The real API answers 200 with an empty body and does not say which name it used.
    return {}


@operation("DownloadProjectFile", project="view")
def download_project_file(call: Call) -> Response:
    project_id = call.project.id
    path = paths.normalise(call.path["path"])
    data = service.read(call.session, project_id, path)
    return Response(content=data, media_type="application/octet-stream")


@operation("UpdateProjectFileMetadata", project="write")
def update_project_file_metadata(call: Call) -> dict:
    project_id = call.project.id
    source = paths.normalise(call.path["path"])
    new_path = (call.body or {}).get("path")
    if not new_path:
        # PATCH changes only what is sent: no new path, no move.
        return file_info(service.get(call.session, project_id, source), source)
    target = paths.normalise(new_path)
    row = service.move(call.session, project_id, source, target, call.now)
    return file_info(row, row.path)


@operation("DeleteProjectFile", project="write")
def delete_project_file(call: Call) -> dict:
    service.remove(call.session, call.project.id, paths.normalise(call.path["path"]))
    return {}
