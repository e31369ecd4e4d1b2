"""mockcml: a local stand-in for the Cloudera Machine Learning REST API v2."""

__version__ = "0.1.0"
__all__ = ["__version__"]
