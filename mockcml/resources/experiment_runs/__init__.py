"""Experiment runs: MLflow runs with metrics (full history), params (write-once), tags and
dataset inputs. A run's status is whatever its client last set: nothing is simulated."""
