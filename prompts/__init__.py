"""Prompts, lessons and the coaching flow, shipped as package data."""
