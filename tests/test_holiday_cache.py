"""The bank-holiday cache: same dates as the `holidays` package, rebuilt when stale or damaged."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from forms.record import deadlines


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(deadlines.CACHE_ENV, str(tmp_path))
    deadlines._calendar.cache_clear()
    yield tmp_path
    deadlines._calendar.cache_clear()


def test_the_cache_holds_exactly_what_the_package_says(cache_dir: Path) -> None:
    calendar = deadlines._calendar()
    assert calendar[2026] == deadlines._compute(range(2026, 2027))[2026]
    assert date(2026, 12, 28) in calendar[2026]  # Boxing Day substitute, a Monday
    saved = json.loads((cache_dir / "bank-holidays.json").read_text())
    assert saved["years"]["2026"] == [day.isoformat() for day in calendar[2026]]


def test_a_stale_cache_is_rebuilt_from_the_package(cache_dir: Path) -> None:
    (cache_dir / "bank-holidays.json").write_text(
        json.dumps({"stamp": "an older holidays release", "years": {"2026": ["2026-03-02"]}})
    )
    assert date(2026, 3, 2) not in deadlines._calendar()[2026]
    assert json.loads((cache_dir / "bank-holidays.json").read_text())["stamp"] != "an older holidays release"


def test_a_damaged_cache_is_rebuilt(cache_dir: Path) -> None:
    (cache_dir / "bank-holidays.json").write_text("{not json")
    assert date(2026, 12, 25) in deadlines._calendar()[2026]


def test_a_fresh_cache_is_used_as_written(cache_dir: Path) -> None:
    deadlines._calendar()
    path = cache_dir / "bank-holidays.json"
    data = json.loads(path.read_text())
    data["years"]["2030"] = ["2030-06-05"]  # proves the file, not the package, answered
    path.write_text(json.dumps(data))
    deadlines._calendar.cache_clear()
    assert deadlines._calendar()[2030] == (date(2030, 6, 5),)


def test_an_unwritable_cache_folder_still_gives_the_dates(tmp_path: Path, monkeypatch) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("")
    monkeypatch.setenv(deadlines.CACHE_ENV, str(blocker / "sub"))
    deadlines._calendar.cache_clear()
    try:
        assert date(2026, 1, 1) in deadlines._calendar()[2026]
    finally:
        deadlines._calendar.cache_clear()
