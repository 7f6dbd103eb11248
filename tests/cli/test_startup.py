"""``compile --help`` lists the commands without importing them, and lists them right."""

from __future__ import annotations

import subprocess
import sys

from anthology.cli import COMMANDS, main


def test_listed_help_is_each_commands_own():
    for name in COMMANDS:
        command = main.get_command(None, name)
        assert command is not None, name
        assert command.get_short_help_str(10_000) == COMMANDS[name][2], name


def test_help_imports_no_command_module():
    code = (
        "import sys\n"
        "from anthology.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('anthology.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "anthology.cli.build" not in out.stdout
    assert "anthology.cli.options" not in out.stdout
    assert "Commands:" in out.stdout
