"""The model registry: registered models and their numbered versions."""
