"""Projects and their collaborators; also the access rules every project resource uses."""
