"""Verbund: a CRM for corporate groups, chains, purchasing associations and their customers."""

__version__ = "0.1.0"
