"""Form definitions: TOML read into the model, every problem placed at file:line:col.

Also the registry, the JSON Schema, the starters and the shipped library.
"""
