"""Bringing A4 JSON back in: every file checked completely before anything is written."""
