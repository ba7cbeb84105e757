"""The keys coach binds, by the ids the config file's [keys] table remaps them with."""

from __future__ import annotations

# (screen label key, binding id, default key, label key): what the help lists, in order.
KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("help_chat", "send", "enter", "key_send"),
    ("help_chat", "newline", "ctrl+j", "key_newline"),
    ("help_chat", "stop", "escape", "key_stop"),
    ("help_chat", "retry", "ctrl+r", "key_retry"),
    ("help_chat", "copy", "ctrl+b", "key_copy"),
    ("help_chat", "new", "ctrl+n", "key_new"),
    ("help_chat", "conversations", "ctrl+o", "key_conversations"),
    ("help_chat", "lessons", "ctrl+l", "key_lessons"),
    ("help_chat", "write", "ctrl+t", "key_write"),
    ("help_chat", "course", "ctrl+g", "key_course"),
    ("help_chat", "choose", "f2…f9", "key_choose"),
    ("help_chat", "help", "f1", "key_help"),
    ("help_chat", "quit", "ctrl+q", "key_quit"),
    ("help_any", "palette", "ctrl+p", "key_palette"),
    ("help_editor", "save", "ctrl+s", "key_save"),
    ("help_editor", "close", "escape", "key_close"),
    ("help_lists", "search", "/", "key_search"),
    ("help_lists", "rename", "r", "key_rename"),
    ("help_lists", "delete", "d", "key_delete"),
    ("help_lists", "back", "escape", "key_back"),
)

KEY_IDS = frozenset(binding_id for _, binding_id, _, _ in KEYS) - {"palette", "choose"}
"""What [keys] in config.toml may remap (not F2…F9, the keys of the choices above the input)."""
