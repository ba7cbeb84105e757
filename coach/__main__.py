"""Lets `python -m coach` behave exactly like the `coach` command."""

from coach.cli import main

raise SystemExit(main())
