"""Automatic QA checks: the kinds a rubric picks, the context they run in, and the findings they report."""
