"""State that several mockcml processes share through their database (``shared_state``)."""
