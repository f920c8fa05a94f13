"""The small safe condition language, and what its names mean in a form (shown and required questions)."""
