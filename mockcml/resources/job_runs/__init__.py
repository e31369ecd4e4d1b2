"""Job runs and their simulated lifecycle."""
