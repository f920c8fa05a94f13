"""Form definitions: TOML read into the model, every problem placed at file:line:col, the registry, schema, starters and shipped library."""
