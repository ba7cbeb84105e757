"""Screens of the coach app."""
