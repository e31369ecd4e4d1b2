"""HTTP side of Spark defaults: any signed-in user reads them (a session starting Spark
does); only a site administrator sets the workspace's."""

from __future__ import annotations

from mockcml.core.registry import operation
from mockcml.core.routing import Call
from mockcml.kit.admin import require_site_admin
from mockcml.kit.forms import flag
from mockcml.resources.spark import service
from mockcml.resources.spark.defaults import BASE_CLUSTER, cml_default


@operation("ReadWorkspaceSparkDefault")
def read_workspace_spark_default(call: Call) -> dict:
    return service.read(call.session, call.path["is_pushdown"])


@operation("SetWorkspaceSparkDefault")
def set_workspace_spark_default(call: Call) -> dict:
    require_site_admin(call.user, "setting the workspace spark defaults")
    service.write(call.session, call.body or {}, call.now)
    return {}


@operation("ReadBaseClusterSparkDefault")
def read_base_cluster_spark_default(call: Call) -> dict:
    return {"base_cluster_spark_default": [{"name": n, "value": v} for n, v in BASE_CLUSTER]}


@operation("ReadCMLSparkDefault")
def read_cml_spark_default(call: Call) -> dict:
    pushdown = flag(call.path["pushdown_enabled"], "pushdown_enabled")
    raz = flag(call.path["raz_enabled"], "raz_enabled")
    return {"cml_spark_default": cml_default(pushdown, raz)}
