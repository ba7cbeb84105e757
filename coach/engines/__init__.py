"""Engines turn a user's message and the coaching state into a reply and a new state."""
