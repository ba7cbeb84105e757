"""Tokens, lesson retrieval and prompt packing for the language-model engine."""
