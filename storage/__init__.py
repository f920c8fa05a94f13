"""Where cases and records live: one `Store` interface, SQLite by default."""
