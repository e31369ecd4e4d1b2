"""Spark defaults: the spark-defaults.conf text a workspace hands to Spark sessions."""
