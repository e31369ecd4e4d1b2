"""Docker credentials: registry logins a workspace uses to pull custom runtime images."""
