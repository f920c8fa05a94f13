"""Modal dialogs: each returns its answer as the modal result."""
