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
    "mockcml.resources.cpu_profiles.handlers",
)
