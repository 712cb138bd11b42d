"""logtui: a full-screen terminal dashboard that live-tails remote log streams."""

__version__ = "0.1.0"

__all__ = ["__version__"]
