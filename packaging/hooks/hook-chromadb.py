"""PyInstaller hook: chromadb picks its implementations by dotted name at run time, and reads SQL migrations."""

from PyInstaller.utils.hooks import collect_data_files, collect_submodules

# e.g. "chromadb.telemetry.product.posthog.Posthog" is imported from a settings string, never by an import statement.
hiddenimports = collect_submodules("chromadb", filter=lambda name: not name.startswith(("chromadb.test", "chromadb.server")))
datas = collect_data_files("chromadb", excludes=["test/**", "experimental/**", "**/README.md"])
