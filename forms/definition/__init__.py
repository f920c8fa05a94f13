"""Form definitions: TOML read into the model, each problem at file:line:col; registry, schema, library."""
