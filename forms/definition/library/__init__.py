"""The forms shipped with A4: plain TOML files read with importlib.resources."""
