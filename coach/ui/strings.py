"""Interface strings for the UI: the catalogues themselves live in coach.i18n."""

from __future__ import annotations

from coach.i18n import catalogue, missing_keys, t

__all__ = ["catalogue", "missing_keys", "t"]
