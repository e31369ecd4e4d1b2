"""Experiments: MLflow-style groups of runs inside a project (soft-deleted, restorable)."""
