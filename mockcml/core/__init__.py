"""Shared machinery: settings, storage, errors, auth, clock and the contract router."""
