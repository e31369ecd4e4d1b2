"""Jobs: what to run, where, when (manual, cron, after another job) and with what script."""
