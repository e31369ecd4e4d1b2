"""Runtime repositories: catalogues of ML Runtimes a site administrator adds to a workspace."""
