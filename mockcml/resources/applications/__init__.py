"""Applications: long-running web apps of a project and their simulated lifecycle."""
