"""coach: a terminal career coach for call-center, BPO and customer-support workers."""

__version__ = "0.1.0"
