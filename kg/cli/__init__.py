"""The ``kg`` command line: thin typer wrappers around the Python API, one module per command group.

Every :class:`~kg.errors.KgError` becomes one line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import sys

from kg.cli import analytics, build, evaluate, explore, query, serve, train  # noqa: F401  (register the commands)
from kg.cli.app import app, say
from kg.errors import KgError

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point: run the app, turning user errors into one line and exit code 2."""
    try:
        app()
    except KgError as exc:
        say(f"kg: error: {exc}")
        sys.exit(2)
