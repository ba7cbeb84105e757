"""Widgets shared by the coach app's screens."""
