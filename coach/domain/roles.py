"""Who wrote a message of a conversation: the user or the coach (the assistant)."""

from __future__ import annotations

from typing import Literal

Role = Literal["user", "assistant"]
"""Also the SQL CHECK on messages.role and the export's ``role`` field."""
