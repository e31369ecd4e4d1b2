"""Diagnostic bundles: an administrator asks for one over a time window, polls its status,
then downloads it as a zip."""
