"""The Spark defaults a workspace ships with, as fixed data.

The base cluster's defaults come from the environment's data lake and the CML defaults
from the workspace release; neither is changed through the API. Keys are real Spark
settings, values are the mock's own. [inferred] With pushdown (Spark on Kubernetes
talking to the data lake directly) the defaults name the Kubernetes master; with RAZ
the S3A/ABFS access goes through the Ranger authorization service.
"""

from __future__ import annotations

BASE_CLUSTER: tuple[tuple[str, str], ...] = (
    ("spark.yarn.access.hadoopFileSystems", "s3a://mockcml-datalake/data"),
    ("spark.sql.warehouse.dir", "s3a://mockcml-datalake/warehouse/tablespace/managed/hive"),
    ("spark.hadoop.hive.metastore.uris", "thrift://mockcml-datalake-master0:9083"),
    ("spark.sql.hive.hwc.execution.mode", "spark"),
    ("spark.kerberos.access.hadoopFileSystems", "s3a://mockcml-datalake"),
)

_COMMON = (
    "spark.eventLog.enabled true",
    "spark.dynamicAllocation.enabled true",
    "spark.dynamicAllocation.maxExecutors 8",
    "spark.executor.memory 2g",
)
_PUSHDOWN = (
    "spark.master k8s://https://kubernetes.default.svc",
    "spark.kubernetes.executor.podNamePrefix mockcml",
)
_RAZ = (
    "spark.hadoop.fs.s3a.ext.raz.rest.host.url https://mockcml-datalake-raz:6082",
    "spark.hadoop.fs.s3a.ext.raz.s3.access.cluster.type raz",
)


def cml_default(pushdown: bool, raz: bool) -> str:
    lines = list(_COMMON)
    if pushdown:
        lines += _PUSHDOWN
    if raz:
        lines += _RAZ
    return "\n".join(lines) + "\n"
