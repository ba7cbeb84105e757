"""The YAML parser under ``loading.py`` for every data file: fast, safe, YAML 1.2 booleans.

In YAML 1.1, keys and values like `yes`, `no`, `on` and `off` silently become booleans, a
trap for anyone writing yes/no keywords. Here only true/false are booleans.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# libyaml's C parser is several times faster than the pure-Python one, and the first frame
# waits on the flow. Wheels ship it; fall back where a platform's build lacks it.
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_BOOL = "tag:yaml.org,2002:bool"


class Loader(_Base):  # type: ignore[valid-type,misc]
    """A safe loader whose booleans are only true and false."""


Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL]
    for first, resolvers in _Base.yaml_implicit_resolvers.items()
}
Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def load(text: str) -> Any:
    """Parse YAML text with the safe loader."""
    return yaml.load(text, Loader=Loader)


def load_untrusted(text: str) -> Any:
    """Parse YAML from a file anyone may have written, refusing aliases (``*name``).

    Aliases let a few lines expand into billions of values (the "billion laughs"): a lesson's
    front matter took 15 s and 3.7 GB. Front matter and activities never need them, so the
    events are checked first (cheap, in C) and an alias is a syntax error with its line.
    """
    for event in yaml.parse(text, Loader=Loader):
        if isinstance(event, yaml.AliasEvent):
            raise yaml.MarkedYAMLError(
                problem="aliases (*name) are not allowed here",
                problem_mark=getattr(event, "start_mark", None),
            )
    return yaml.load(text, Loader=Loader)


def compose(text: str) -> yaml.Node | None:
    """Parse YAML text into nodes that know their line numbers (for error messages)."""
    return yaml.compose(text, Loader=Loader)
