"""One package per CML resource: tables, service (rules), schemas (wire), handlers (HTTP)."""

# Imported by the app factory: each module registers its operation handlers.
RESOURCE_MODULES = (
    "mockcml.resources.users.handlers",
    "mockcml.resources.projects.handlers",
    "mockcml.resources.jobs.handlers",
    "mockcml.resources.job_runs.handlers",
)
