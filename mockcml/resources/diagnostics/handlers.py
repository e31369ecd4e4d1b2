"""HTTP side of diagnostic bundles: site administration only."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.admin import require_site_admin
from mockcml.resources.diagnostics import service

WHAT = "diagnostic bundles"


@operation("GenerateDiagBundle")
def generate_diag_bundle(call: Call) -> Response:
    require_site_admin(call.user, WHAT)
    bundle = service.generate(call.session, call.user, call.body or {}, call.now,
                              call.mock.settings.time_scale)
    return JSONResponse(service.wire(bundle, call.now),
                        headers={"Grpc-Metadata-Request-Id": bundle.id})


@operation("GetDiagBundleStatus")
def get_diag_bundle_status(call: Call) -> Response:
    require_site_admin(call.user, WHAT)
    bundle = service.get_bundle(call.session, call.path["request_id"])
    return JSONResponse(service.wire(bundle, call.now),
                        headers={"Grpc-Metadata-Request-Id": bundle.id})


@operation("DownloadDiagnosticsBundle")
def download_diagnostics_bundle(call: Call) -> Response:
    require_site_admin(call.user, WHAT)
    bundle = service.get_bundle(call.session, call.path["request_id"])
    data = service.archive_bytes(call.session, bundle, call.now)
    return Response(content=data, media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="diagnostics-{bundle.id}.zip"'})
