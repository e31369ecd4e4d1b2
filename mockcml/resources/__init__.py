"""One package per CML resource: tables, service (rules), schemas (wire), handlers (HTTP)."""

# Imported by the app factory: each module registers its operation handlers.
RESOURCE_MODULES = (
    "mockcml.resources.users.handlers",
    "mockcml.resources.projects.handlers",
    "mockcml.resources.jobs.handlers",
    "mockcml.resources.job_runs.handlers",
    "mockcml.resources.runtimes.handlers",
    "mockcml.resources.registry.handlers",
    "mockcml.resources.misc.handlers",
    "mockcml.resources.files.handlers",
    "mockcml.resources.applications.handlers",
    "mockcml.resources.models.handlers",
    "mockcml.resources.model_builds.handlers",
    "mockcml.resources.model_deployments.handlers",
    "mockcml.resources.experiments.handlers",
    "mockcml.resources.experiment_runs.handlers",
    "mockcml.resources.misc.admin_handlers",
    "mockcml.resources.runtime_repos.handlers",
    "mockcml.resources.docker_credentials.handlers",
    "mockcml.resources.copilot.handlers",
    "mockcml.resources.workloads.handlers",
    "mockcml.resources.diagnostics.handlers",
    "mockcml.resources.spark.handlers",
)
