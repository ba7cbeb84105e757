"""coach: a terminal career coach for call-center, BPO and customer-support workers."""

import os

# pydantic scans every installed package's entry points for plugins on first use, which
# costs ~25 ms on the path to the first frame. coach uses no pydantic plugins.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

__version__ = "0.1.0"
