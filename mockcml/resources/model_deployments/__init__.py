"""Model deployments: a build served with resources and replicas, started and stopped."""
