"""Whole-command figures for what a team scripts: `a4 cases --json`, `a4 export --all`, `a4 import`.

Run: `python bench/bench_cli.py [--records N] [--runs K]` (default 10,000 records, 3 runs, best kept).

Each command runs as a fresh process on a demo store of N records, exactly as a
script would call it, and is timed by the CPU it used (user + system, from
`wait4`, so other work on a shared machine does not count) and by its peak
memory (`ru_maxrss`).  Its floor is plain Python doing the same I/O in a
fresh process: read the rows with `sqlite3`, `json.dumps` each payload, and
write each file 0600 (or one file, for CSV and the caseload).  Targets:
≤ 2× the floor for JSON and CSV, ≤ 4× for Markdown; peak memory at N records
≤ 1.5× that at N/10.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

FLOOR = r"""
import json, os, sqlite3, sys
db, out, mode = sys.argv[1], sys.argv[2], sys.argv[3]
def write(path, text):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
if mode == "import":
    conn = sqlite3.connect(os.path.join(out, "floor.db"))
    conn.execute("CREATE TABLE records (id TEXT PRIMARY KEY, payload TEXT)")
    with conn:
        for name in sorted(os.listdir(db)):
            with open(os.path.join(db, name), encoding="utf-8") as f:
                doc = json.load(f)
            conn.execute("INSERT INTO records VALUES (?, ?)", (name, json.dumps(doc)))
    sys.exit(0)
conn = sqlite3.connect(db)
if mode == "cases":
    rows = [dict(zip(("ref", "name", "start", "owner"), r))
            for r in conn.execute("SELECT ref, name, start, owner FROM cases ORDER BY ref")]
    sys.stdout.write(json.dumps(rows))
elif mode == "csv":
    lines = [json.dumps(json.loads(payload)) for (payload,) in conn.execute("SELECT payload FROM records")]
    write(out, "\n".join(lines))
else:
    os.makedirs(out, mode=0o700, exist_ok=True)
    for rid, payload in conn.execute("SELECT id, payload FROM records"):
        write(os.path.join(out, rid + ".json"), json.dumps(json.loads(payload)))
"""


PACKAGES = ("forms", "storage", "exports", "tui")
"""A4's packages, compiled once into the bench's bytecode cache before anything is timed."""


@dataclass(frozen=True)
class Run:
    cpu: float
    wall: float
    peak_mib: float


def measure(argv: list[str], env: dict[str, str]) -> Run:
    """CPU seconds, wall seconds and peak resident memory of one child process."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {child.stderr.read().decode() if child.stderr else ''}")
    return Run(usage.ru_utime + usage.ru_stime, wall, usage.ru_maxrss / 1024)


def best(
    argv: list[str], env: dict[str, str], runs: int, clean: Path | None = None, make: bool = False
) -> Run:
    """The least CPU and wall time of `runs` runs, and the largest peak memory."""
    results = []
    for _ in range(runs):
        if clean is not None:
            if clean.is_dir():
                shutil.rmtree(clean)
            else:
                clean.unlink(missing_ok=True)
            if make:
                clean.mkdir()
        results.append(measure(argv, env))
    return Run(min(r.cpu for r in results), min(r.wall for r in results), max(r.peak_mib for r in results))


def make_store(folder: Path, records: int) -> Path:
    """A demo store with about `records` records (demo cases carry 0.85 records each).

    Made through the store's own API rather than `a4 demo`, which stops at 10,000 cases: a store of
    10,000 records needs about 11,800.
    """
    from datetime import date

    from forms.definition.registry import load_registry
    from storage.demo import demo_data, import_demo
    from storage.sqlite.store import SqliteStore

    registry, _errors = load_registry([])
    form = registry.assessment("a4-assessment")
    assert form is not None
    store = SqliteStore(folder / "a4.db")
    try:
        data = demo_data(form, int(records / 0.85) + 1, "bench", date.today())
        import_demo(store, data, form, registry.rubric_for(form.id))
    finally:
        store.close()
    return folder / "a4.db"


def figures(records: int, runs: int) -> dict[str, tuple[Run, Run]]:
    work = Path(tempfile.mkdtemp(prefix="a4-bench-cli-"))
    data = work / "data"
    # Bytecode is cached (in `work`, not the source tree) as an installed package has it: with
    # PYTHONDONTWRITEBYTECODE set, as on the development machine, every command would compile A4's
    # modules from source, a cost nobody running an installed `a4` pays.
    env = {**os.environ, "A4_DATA_DIR": str(data), "A4_CACHE_DIR": str(work / "cache"),
           "XDG_CONFIG_HOME": str(work / "config"), "PYTHONPYCACHEPREFIX": str(work / "pycache")}  # fmt: skip
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    repo = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, "-m", "compileall", "-q", *(str(repo / p) for p in PACKAGES)],
                   env=env, check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    # Made in a child process: a command's peak memory (`ru_maxrss`) starts from that of the process
    # that started it, and making the store in this one would make every figure this big.
    subprocess.run([sys.executable, __file__, "--make-store", str(data), "--records", str(records)],
                   check=True, env=env)  # fmt: skip
    db = data / "a4.db"
    a4 = [sys.executable, "-m", "tui.cli"]
    floor = [sys.executable, "-c", FLOOR, str(db)]
    out = work / "out"
    found: dict[str, tuple[Run, Run]] = {}
    # The first command of the day on a store also writes its daily backup: timed on its own, once.
    found["first cases --json of the day"] = (
        measure([*a4, "cases", "--json"], env),
        measure([*floor, str(out), "cases"], env),
    )
    found["cases --json"] = (
        best([*a4, "cases", "--json"], env, runs),
        best([*floor, str(out), "cases"], env, runs),
    )
    for fmt in ("json", "md"):
        found[f"export --all --format {fmt}"] = (
            best([*a4, "export", "--all", "--format", fmt, "--out", f"{out}/"], env, runs, clean=out),
            best([*floor, str(out), "json"], env, runs, clean=out),
        )
    csv_file = work / "all.csv"
    found["export --all --format csv"] = (
        best([*a4, "export", "--all", "--format", "csv", "--out", str(csv_file)], env, runs, clean=csv_file),
        best([*floor, str(csv_file), "csv"], env, runs),
    )
    shutil.rmtree(out, ignore_errors=True)
    measure([*a4, "export", "--all", "--format", "json", "--out", f"{out}/"], env)
    files = sorted(str(p) for p in out.iterdir())
    empty = {**env, "A4_DATA_DIR": str(work / "empty")}
    found["import (every JSON file)"] = (
        best([*a4, "import", *files], empty, 1, clean=work / "empty"),
        best(
            [sys.executable, "-c", FLOOR, str(out), str(work / "empty"), "import"],
            env,
            1,
            clean=work / "empty",
            make=True,
        ),
    )
    shutil.rmtree(work, ignore_errors=True)
    return found


TARGETS = {"cases --json": 2.0, "export --all --format json": 2.0, "export --all --format csv": 2.0,
           "export --all --format md": 4.0}  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--make-store", metavar="FOLDER", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.make_store:
        make_store(Path(args.make_store), args.records)
        return 0
    large = figures(args.records, args.runs)
    small = figures(args.records // 10, args.runs)
    print(f"{'command':32} {'a4 CPU s':>9} {'floor s':>8} {'ratio':>6} {'target':>6} "
          f"{'peak MiB':>9} {'at N/10':>8} {'growth':>7}")  # fmt: skip
    for name, (a4, floor) in large.items():
        ratio = a4.cpu / floor.cpu
        target = TARGETS.get(name)
        growth = a4.peak_mib / small[name][0].peak_mib
        print(f"{name:32} {a4.cpu:9.2f} {floor.cpu:8.2f} {ratio:5.2f}× {target or 0:5.1f}× "
              f"{a4.peak_mib:9.0f} {small[name][0].peak_mib:8.0f} {growth:6.2f}×")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
