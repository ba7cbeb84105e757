"""SQLite storage for conversations, messages and state, plus export."""
