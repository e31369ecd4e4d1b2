"""Models: a served function's identity (name, access key, default resources) in a project."""
