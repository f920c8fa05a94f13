"""The small safe condition language, and what its names mean in a form (which questions are shown and required)."""
