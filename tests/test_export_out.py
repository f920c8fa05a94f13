"""`a4 export --out` never writes where it should not (issue 16, finding 10)."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.cli_support import a4_in as a4


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("store")
    assert a4(folder, "demo", "--cases", "4").returncode == 0
    return folder


def _one_ref(data: Path) -> str:
    import json

    cases = json.loads(a4(data, "cases", "--json").stdout)
    return next(c["ref"] for c in cases if c["status"])


def test_an_existing_file_is_kept_unless_forced(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("mine")
    target.chmod(0o644)
    ref = _one_ref(data)
    refused = a4(data, "export", ref, "--format", "md", "--out", str(target))
    assert refused.returncode == 1
    assert f"{target} already exists; nothing was written. Give --force to replace it" in refused.stderr
    assert target.read_text() == "mine" and stat.S_IMODE(target.stat().st_mode) == 0o644
    forced = a4(data, "export", ref, "--format", "md", "--out", str(target), "--force")
    assert forced.returncode == 0, forced.stderr
    assert target.read_text().startswith("# ") and stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_symlink_is_never_followed(data: Path, tmp_path: Path) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    link = tmp_path / "link.md"
    link.symlink_to(victim)
    ref = _one_ref(data)
    refused = a4(data, "export", ref, "--format", "md", "--out", str(link))
    assert refused.returncode == 1 and "already exists" in refused.stderr
    forced = a4(data, "export", ref, "--format", "md", "--out", str(link), "--force")
    assert forced.returncode == 0, forced.stderr
    assert victim.read_text() == "precious"
    assert not link.is_symlink() and link.read_text().startswith("# ")
    dangling = tmp_path / "dangling.md"
    dangling.symlink_to(tmp_path / "nowhere" / "x.md")
    assert a4(data, "export", ref, "--format", "md", "--out", str(dangling)).returncode == 1
    assert not (tmp_path / "nowhere").exists()


def test_a_trailing_slash_is_a_folder_made_private_all_the_way(data: Path, tmp_path: Path) -> None:
    ref = _one_ref(data)
    out = tmp_path / "new" / "deeper" / "exports"
    result = a4(data, "export", ref, "--format", "json", "--out", f"{out}/")
    assert result.returncode == 0, result.stderr
    (written,) = list(out.iterdir())
    assert written.name.endswith(".json") and written.name.startswith(ref.replace("/", "_"))
    for folder in (tmp_path / "new", tmp_path / "new" / "deeper", out):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    assert stat.S_IMODE(written.stat().st_mode) == 0o600


def test_dash_is_standard_output(data: Path, tmp_path: Path) -> None:
    ref = _one_ref(data)
    one = a4(data, "export", ref, "--format", "json", "--out", "-")
    assert one.returncode == 0 and one.stdout.startswith("{")
    table = a4(data, "export", "--all", "--format", "csv", "--out", "-")
    assert table.returncode == 0 and table.stdout.startswith("reference,name")
    many = a4(data, "export", "--all", "--format", "md", "--out", "-")
    assert many.returncode == 1 and "give --out FOLDER/" in many.stderr
    assert not Path("-").exists() and not (data / "-").exists()
