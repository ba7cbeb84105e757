"""Lets `python -m coach` behave exactly like the `coach` command."""

from coach.start import main

raise SystemExit(main())
