"""Run a command as a child process and measure it: wall time and peak memory.

Two memory figures:

- ``peak_kib``, exact: from ``os.wait4``, the peak resident memory of the child, or of the
  largest of the processes it started and waited for (the kernel keeps a maximum, not a sum).
- ``all_kib``, sampled five times a second on Linux: the most the child and its descendants
  (worker processes, say) held at once, counting the child's resident memory and each
  descendant's proportional share (PSS), so pages a forked worker shares are not counted twice.
  ``None`` where ``/proc`` cannot tell.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_EVERY = 0.2  # seconds


@dataclass(frozen=True)
class Sample:
    """One run of a command."""

    wall: float  # seconds
    peak_kib: int  # the largest single process's peak resident memory
    all_kib: int | None  # the child and its descendants together, sampled
    stdout: str
    stderr: str


class CommandFailed(RuntimeError):
    """A measured command exited with an error."""


def run(command: list[str], cwd: Path | None = None) -> Sample:
    """Run ``command`` to the end and measure it.

    Raises:
        CommandFailed: the command exited with a non-zero status.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        child = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
        sampler = _TreeSampler(child.pid)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        sampler.stop.set()
        sampler.join()
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        peak = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
        sample = Sample(
            wall=wall,
            peak_kib=peak,
            all_kib=max(sampler.peak, peak) if sampler.peak else None,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
        )
    if child.returncode:
        tail = "\n".join(sample.stderr.strip().splitlines()[-5:])
        raise CommandFailed(f"{' '.join(command[:4])} … exited {child.returncode}:\n{tail}")
    return sample


class _TreeSampler(threading.Thread):
    """Notes the most memory a process and its descendants held at once."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(SAMPLE_EVERY):
            self.peak = max(self.peak, _tree_kib(self.pid))


def _tree_kib(pid: int) -> int:
    """The process's resident memory plus its descendants' PSS, in KiB (0 if unknown)."""
    total = _proc_field(pid, "status", "VmRSS:")
    for descendant in _descendants(pid):
        total += _proc_field(descendant, "smaps_rollup", "Pss:")
    return total


def _descendants(pid: int) -> list[int]:
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                with open(f"/proc/{parent}/task/{task}/children") as children:
                    kids = [int(k) for k in children.read().split()]
            except OSError:
                continue
            found += kids
            queue += kids
    return found


def _proc_field(pid: int, name: str, field: str) -> int:
    """A "Field:  123 kB" value from /proc/PID/NAME, or 0."""
    try:
        with open(f"/proc/{pid}/{name}") as handle:
            for line in handle:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def median(values: list[float]) -> float:
    """The median, or NaN for no values."""
    return statistics.median(values) if values else float("nan")
