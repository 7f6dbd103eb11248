"""``compile check``: epubcheck plus our own checks for what breaks on e-readers.

``check_epub(path)`` opens a built EPUB (which it treats as untrusted input: no entities, no
DTDs, no network, size limits on every member) and returns one ``Diagnostic`` per problem, each
with a stable code. Only the CLI prints them.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from anthology.check.archive import SEVERITIES
from anthology.check.device import CHECKS, device_checks
from anthology.check.epubcheck import run_epubcheck
from anthology.core.errors import Diagnostic


def check_epub(
    path: Path,
    epubcheck: bool = True,
    progress: Callable[[int, int], None] = lambda done, total: None,
) -> list[Diagnostic]:
    """Check the EPUB at ``path`` with epubcheck and the device checks.

    Args:
        path: an EPUB file; its content is not trusted.
        epubcheck: also run the epubcheck validator (Java, several seconds).
        progress: told (checks done, checks) after each check.

    Returns:
        The findings, sorted by file, line, severity and code.
    """
    total = len(CHECKS) + epubcheck
    count = 0

    def done() -> None:
        nonlocal count
        count += 1
        progress(count, total)

    findings = []
    if epubcheck:
        findings = run_epubcheck(path)
        done()
    try:
        with zipfile.ZipFile(path) as archive:
            findings += device_checks(archive, done)
    except (zipfile.BadZipFile, OSError) as exc:
        findings.append(Diagnostic("epub-unreadable", "error", "", f"not a readable EPUB: {exc}"))
    if count < total:  # an unreadable book ends its checks early
        progress(total, total)
    return sort_findings(findings)


def sort_findings(findings: list[Diagnostic]) -> list[Diagnostic]:
    """Findings grouped by file, then by line, severity, code and message."""
    return sorted(
        findings,
        key=lambda f: (f.file, f.line or 0, SEVERITIES.index(f.severity), f.code, f.message),
    )


def summary(findings: list[Diagnostic]) -> str:
    """One line counting the findings: ``2 errors, 1 warning, 3 info``."""
    counts = [sum(1 for f in findings if f.severity == s) for s in SEVERITIES]
    errors, warnings, infos = counts
    return (
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}, "
        f"{infos} info"
    )
