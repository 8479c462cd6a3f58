"""tracker: milestone-based contract payment tracker for public-sector finance officers."""

__version__ = "0.1.0"
