"""Teams: named groups of users (they share the namespace of usernames), either kept by
hand or synced from the identity provider's groups, and the sync runs that report on it."""
