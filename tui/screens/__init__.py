"""Full screens: each owns its record or list and the widgets on it."""
