"""Inkling: an offline desktop chat app that shows why the model said each word."""

__version__ = "0.1.0"
