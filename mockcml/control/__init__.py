"""The mock's own control plane under /_mock: never part of the CML contract."""
