"""Simulated lifecycles: declared as data, status derived from stored facts and the clock."""
