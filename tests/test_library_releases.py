"""A shipped form version, once released, never changes its text.

Records name a form by id and version, stores keep a copy of the version
they use, and a team database holds each version by the SHA-256 of its text.
A shipped file edited in place under a released version would check and
plan new records by other rules than the copy every store already holds,
with nothing to tell the two apart.  So a change to the shipped library is
made under a new version (docs/forms.md, "Versions"), and this test holds
every released version to the exact text it was released with.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

import pytest

from forms.definition.load import semver_key

LIBRARY = Path(__file__).resolve().parent.parent / "forms" / "definition" / "library"

# (kind, id, version) → SHA-256 of the file's text as released.  Add a line
# when a new version ships; never edit one.
ASSESSMENT, RUBRIC, PLAN = ("assessment", "a4-assessment"), ("rubric", "a4-qa"), ("plan", "a4-plan")
RELEASED: dict[tuple[str, str, str], str] = {
    (*ASSESSMENT, "1.0.0"): "672206bafd71c78e6c62d992fb44f8167026c6bea65cdf6f3f826b965477eab4",
    (*ASSESSMENT, "2.0.0"): "b92ae9b3e6eece3c07dab32b7d5ea55370c648cb3404598350da16ca76bdb93f",
    (*ASSESSMENT, "2.1.0"): "de1f78a33615ad1b3da52aae962063494955f6ae213f217d81f06f506912c42d",
    (*ASSESSMENT, "2.2.0"): "b063744e8f2434b00fdc70f6cfc3e797fe99ad521e766d50a2c7e089d60cb26f",
    (*RUBRIC, "1.1.0"): "c23e267142910ca682ae44def670bf2149b3f9f208e04d3110dd0695b45d47e1",
    (*RUBRIC, "1.2.0"): "9b0f9dab826f862ad6f7f1380d57ef037e3c29b7dd46f69a900ab8cfd90f11ba",
    (*RUBRIC, "1.3.0"): "1782e3b9183b625d08ab2bbcbd570196f6c2c16a13c124d7824e2e75bb52ccda",
    (*PLAN, "1.1.0"): "3eef08902046ca8bfa4feca454c916c71dbd63a8baab3bca2c66eb1c8bce7c9d",
}


def _shipped() -> dict[tuple[str, str, str], tuple[Path, str]]:
    """Every definition file in the shipped library by (kind, id, version), with its text's SHA-256."""
    shipped = {}
    for path in sorted(LIBRARY.glob("*.toml")):
        data = path.read_bytes()
        table = tomllib.loads(data.decode("utf-8"))
        shipped[(table["kind"], table["id"], table["version"])] = (path, hashlib.sha256(data).hexdigest())
    return shipped


@pytest.mark.parametrize("key", sorted(RELEASED), ids=lambda key: " ".join(key))
def test_a_released_version_still_shipped_has_the_text_it_was_released_with(
    key: tuple[str, str, str],
) -> None:
    found = _shipped().get(key)
    if found is None:
        assert key[0] != "assessment", (
            f"assessment {key[1]} {key[2]} is no longer shipped: its records need it"
        )
        return  # a newer rubric or plan template takes an older one's place
    path, digest = found
    assert digest == RELEASED[key], (
        f"{path.name}: {key[0]} {key[1]} version {key[2]} was released with other text; "
        "make the change under a new version (docs/forms.md, Versions)"
    )


def test_the_newest_shipped_version_of_each_definition_is_at_least_its_newest_release() -> None:
    """A version number going backwards would open new records on an older form than released."""
    shipped = _shipped()
    for kind, form_id, version in RELEASED:
        newest = max((v for k, i, v in shipped if (k, i) == (kind, form_id)), key=semver_key)
        assert semver_key(newest) >= semver_key(version), (
            f"{kind} {form_id}: newest shipped {newest} < {version}"
        )
