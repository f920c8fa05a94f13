"""Widgets the screens are built from; they report by message, never by reaching into a screen."""
