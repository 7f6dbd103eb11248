"""Allow ``python -m anthology``."""

from anthology.cli import main

main()
