"""A4's two themes: a calm default and a high-contrast one.

The high-contrast theme keeps to black, white and one bright accent so text
stays readable on any display and for low vision.  State is never carried
by colour alone in either theme: overdue cases say "OVERDUE", the cursor
row is reversed and bold, and the focused field has a heavier border (see
`app.tcss`, where `App.-theme-a4-high-contrast` strengthens these markers further).
"""

from __future__ import annotations

from textual.theme import Theme

A4_DARK = Theme(
    name="a4-dark",
    primary="#5B9BD5",
    secondary="#7FB77E",
    accent="#E0A458",
    warning="#E0A458",
    error="#E06C75",
    success="#7FB77E",
    foreground="#E6E6E6",
    background="#1B1D23",
    surface="#23262E",
    panel="#2C3039",
    dark=True,
)

A4_HIGH_CONTRAST = Theme(
    name="a4-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFFF00",
    error="#FF5555",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#FFFFFF10",
    dark=True,
    luminosity_spread=0.0,
    text_alpha=1.0,
    variables={
        "footer-key-foreground": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-background": "#FFFF00",
        "block-cursor-text-style": "bold",
        "input-selection-background": "#FFFF00 60%",
        "border": "#FFFFFF",
        "border-blurred": "#AAAAAA",
    },
)

THEMES: tuple[Theme, ...] = (A4_DARK, A4_HIGH_CONTRAST)
