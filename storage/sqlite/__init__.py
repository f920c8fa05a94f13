"""The embedded engine: one private SQLite file, its schema migrations, location and backups."""
