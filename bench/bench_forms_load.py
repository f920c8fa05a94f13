"""Time loading and validating the shipped form library, against a bare TOML parse of the same files.

Run: python3 bench/bench_forms_load.py [ROUNDS]

The floor is tomllib (the standard library's TOML parser) reading the same
bytes: what any TOML-based form format must pay at the least.  A4's loader
parses with tomllib too and then checks every key, type, condition and
cross-reference, so the ratio is the cost of those checks.
"""

from __future__ import annotations

import statistics
import sys
import time
import tomllib

from forms.definition.load import library_files, load_paths


def median_ms(action, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    files = library_files()
    texts = [path.read_text(encoding="utf-8") for path in files]

    results = load_paths(files)
    problems = [error for result in results for error in result.errors]
    if problems:
        sys.exit(f"the shipped library has {len(problems)} problem(s); fix them before timing")

    floor = median_ms(lambda: [tomllib.loads(text) for text in texts], rounds)
    full = median_ms(lambda: load_paths(files), rounds)
    size_kib = sum(len(text.encode()) for text in texts) / 1024
    print(f"shipped library: {len(files)} files, {size_kib:.1f} KiB")
    print(f"tomllib parse only (floor):   {floor:7.2f} ms median of {rounds}")
    print(f"a4 load + validate:           {full:7.2f} ms median of {rounds}")
    print(f"ratio:                        {full / floor:7.1f}x")


if __name__ == "__main__":
    main()
