"""HTTP side of the small administration operations and of the workspace's fixed feeds."""

from __future__ import annotations

from sqlalchemy import select
from starlette.responses import JSONResponse

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.admin import require_site_admin
from mockcml.kit.wire import timestamp
from mockcml.resources.misc import addon_admin, news, site
from mockcml.resources.misc.tables import MlServingApp

ADDONS = "runtime add-on administration"


@operation("UpdateRuntimeAddonStatus")
def update_runtime_addon_status(call: Call) -> dict:
    require_site_admin(call.user, ADDONS)
    return {"rows_affected": addon_admin.update_status(call.session, call.body or {})}


@operation("LoadRuntimeAddonsUpload")
def load_runtime_addons_upload(call: Call) -> JSONResponse:
    require_site_admin(call.user, ADDONS)
    addon_admin.load(call.session, call.body, call.now)
    # 202, as the contract says: the reference describes no body.
    return JSONResponse({}, status_code=202)


@operation("HandleCustomRuntimeUpload")
def handle_custom_runtime_upload(call: Call) -> dict:
    require_site_admin(call.user, ADDONS)
    addon_admin.custom(call.session, call.body, call.now)
    return {}


@operation("DisableEngines")
def disable_engines(call: Call) -> dict:
    require_site_admin(call.user, "site configuration")
    return site.disable_engines(call.session, call.body or {}, call.now)


@operation("RotateV1Key")
def rotate_v1_key(call: Call) -> dict:
    # Like the v2 keys: a user rotates their own key, a site administrator anyone's.
    return site.rotate_v1_key(call.session, call.user, call.path["username"], call.body or {},
                              call.now)


@operation("ListNewsFeeds")
def list_news_feeds(call: Call) -> dict:
    result = news.list_feeds(call.session, call.path["category"], call.query)
    return {"feeds": [news.wire(news.BY_ID[row[0]], call.now) for row in result.rows],
            "next_page_token": result.next_page_token}


@operation("ListMlServingApps")
def list_ml_serving_apps(call: Call) -> dict:
    """Every signed-in user may see the environment's serving apps (a model hub lists
    them). [inferred] ``query_options`` and ``force_refresh`` change nothing here: the
    apps are seeded state, not read from a control plane."""
    apps = call.session.execute(
        select(MlServingApp).order_by(MlServingApp.app_name, MlServingApp.app_crn)).scalars()
    return {"apps": [_serving_wire(app) for app in apps]}


def _serving_wire(app: MlServingApp) -> dict:
    return {
        "app_name": app.app_name, "app_crn": app.app_crn,
        "environment_crn": app.environment_crn, "environment_name": app.environment_name,
        "namespace": app.namespace, "owner_email": app.owner_email,
        "ml_serving_version": app.ml_serving_version,
        "is_private_cluster": app.is_private_cluster,
        "creation_date": timestamp(app.creation_date), "cluster_domain": app.cluster_domain,
        "status": app.status, "use_public_load_balancer": app.use_public_load_balancer,
        "https_enabled": app.https_enabled, "cloud_platform": app.cloud_platform,
    }
