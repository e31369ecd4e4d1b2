"""Small operations with no resource of their own: runtime add-ons, AMPs, machine users."""
