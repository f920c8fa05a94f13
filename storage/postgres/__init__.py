"""The team engine: PostgreSQL with roles and row-level security, its migrations, and the recovery file."""
