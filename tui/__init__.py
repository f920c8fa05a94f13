"""How people work with A4: the Textual app and the `a4` command."""
