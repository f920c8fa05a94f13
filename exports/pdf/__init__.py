"""PDF exports: the one-page A4 sheet and the full record after it, typeset with Typst (docs/exports.md)."""
