"""HTTP side of diagnostic bundles: site administration only."""

from __future__ import annotations

from starlette.responses import JSONResponse, Response

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.admin import require_site_admin
from mockcml.resources.diagnostics import service

WHAT = "diagnostic bundles"


def _status(bundle, now: float) -> Response:  # noqa: ANN001
    """A bundle's status; its id travels in a header too, as the real service sends it."""
    return JSONResponse(service.wire(bundle, now), headers={"Grpc-Metadata-Request-Id": bundle.id})


@operation("GenerateDiagBundle")
def generate_diag_bundle(call: Call) -> Response:
    require_site_admin(call.user, WHAT)
    return _status(service.generate(call.session, call.user, call.body or {}, call.now,
                                    call.mock.settings.time_scale), call.now)


@operation("GetDiagBundleStatus")
def get_diag_bundle_status(call: Call) -> Response:
    require_site_admin(call.user, WHAT)
    return _status(service.get_bundle(call.session, call.path["request_id"]), call.now)


@operation("DownloadDiagnosticsBundle")
def download_diagnostics_bundle(call: Call) -> Response:
    require_site_admin(call.user, WHAT)
    bundle = service.get_bundle(call.session, call.path["request_id"])
    data = service.archive_bytes(call.session, bundle, call.now)
    return Response(content=data, media_type="application/octet-stream", headers={
        "Content-Disposition": f'attachment; filename="diagnostics-{bundle.id}.zip"'})
