"""Workloads and usage: job runs, applications and model deployments seen together.

Nothing here is stored but what an administrator archives: every figure is read off the
runs and workloads of the other resources and the mock clock, so it moves as the clock
moves and agrees with what those resources answer.
"""
