"""PySide6 adapters over the core: the only package that imports Qt."""
