"""Quotas: how much CPU, memory and GPU users and teams may use at once (defaults, per
user or team, and GPUs per accelerator label), against what they use now (usage.py)."""
