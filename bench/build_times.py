"""Time whole `compile` runs on an edition: python bench/build_times.py [--runs 5] [EDITION].

Prints the minimum, median and maximum wall time of `compile epub` and `compile pdf`, each run
as a fresh process (what an editor waits for), plus `compile --help` for start-up cost.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _time(command: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("edition", nargs="?", default=str(ROOT))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    compile_ = [sys.executable, "-m", "anthology"]
    with tempfile.TemporaryDirectory() as out:
        commands = {
            "compile --help": [*compile_, "--help"],
            "compile epub": [*compile_, "epub", "-q", "--project", args.edition, "-o", out],
            "compile pdf": [*compile_, "pdf", "-q", "--project", args.edition, "-o", out],
            "python -c 'import click'": [sys.executable, "-c", "import click"],
        }
        print(f"{'command':28} {'min s':>8} {'median s':>9} {'max s':>8}   ({args.runs} runs)")
        for name, command in commands.items():
            times = _time(command, args.runs)
            print(f"{name:28} {min(times):8.2f} {statistics.median(times):9.2f} {max(times):8.2f}")


if __name__ == "__main__":
    main()
