"""Project files: a project's working directory, kept in the database."""
