"""The fonts every PDF embeds, each installed from the package index with A4 (no system fonts).

Fira Sans sets the Latin text, including every accent Polish, Welsh and Irish
names use (ł, ŵ, ŷ, á…); Noto Sans Arabic sets Arabic and Urdu names, shaped
and right to left; Noto Sans CJK SC sets Chinese.  Typst falls back from one
to the next glyph by glyph, in the order of `FAMILIES`, and embeds a subset of each font a page uses.
"""

from __future__ import annotations

from pathlib import Path

import fontpkg_fira_sans
import fontpkg_noto_sans_arabic
import noto_cjk_sans_otc

FAMILIES: tuple[str, ...] = ("Fira Sans", "Noto Sans Arabic", "Noto Sans CJK SC")
"""The fallback order Typst is given: Latin first, then Arabic script, then Chinese."""

_FIRA = Path(fontpkg_fira_sans.ROOT) / "files"


def font_folders() -> list[Path]:
    """The folders the typesetter takes fonts from (Typst reads folders, not single files)."""
    return [
        _FIRA,
        Path(fontpkg_noto_sans_arabic.ROOT) / "files",
        Path(str(noto_cjk_sans_otc.FONT_PATH)).parent,
    ]


def font_files() -> list[Path]:
    """The font files used, for checking which characters they cover: regular Latin, Arabic, Chinese."""
    return [
        _FIRA / "FiraSans-Regular.ttf",
        _FIRA / "FiraSans-Bold.ttf",
        Path(fontpkg_noto_sans_arabic.ROOT) / "files" / "NotoSansArabic[wdth,wght].ttf",
        Path(str(noto_cjk_sans_otc.FONT_PATH)),
    ]
