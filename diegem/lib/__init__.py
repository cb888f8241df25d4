"""Site-wide mechanisms that know nothing of the apps (no app is imported here)."""
