"""Inkling: an offline desktop chat app that shows why the model said each word."""

from desktop.core.offline import go_offline

__version__ = "0.1.0"

go_offline()  # first thing on every path in (window, CLI, package, tests): before onnxruntime or chromadb load
