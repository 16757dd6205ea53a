"""One error root: every exception class Inkling defines is an InklingError (the user's or the environment's fault)."""

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import desktop
from desktop.core.errors import InklingError

PACKAGE = Path(desktop.__file__).parent
QT_SIDE = ("desktop.ui", "desktop.app")  # imported only by reading their source: they load Qt
# Errors that are bugs, not the user's or the environment's trouble, would be listed here with the reason.
# A chromadb whose internals moved (the one place Inkling reaches under its API): chroma_server.py needs fixing.
BUGS: set[str] = {"desktop.core.notes.chroma_server.ChromadbChangedError"}
# Control flow that never leaves its module: the template sandbox's budget signal becomes a TemplateBudgetError;
# the Chroma client's HTTP status (raised from chromadb's response hook) becomes a ChromaServerError's words;
# an export not laid out as Inkling writes one is read whole instead, whose check says why if it refuses.
INTERNAL = {"desktop.core.engine.template_sandbox.OverBudget", "desktop.core.notes.chroma_server._HTTPStatus",
            "desktop.core.conversation.export_stream._Unusual"}


def module_names() -> list[str]:
    names = [module.name for module in pkgutil.walk_packages([str(PACKAGE)], prefix="desktop.")]
    return sorted(name for name in names if not name.startswith(QT_SIDE))


def defined_exceptions() -> dict[str, type]:
    found = {}
    for name in module_names():
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, BaseException) and cls.__module__ == name:
                found[f"{name}.{cls.__qualname__}"] = cls
    return found


def test_every_exception_class_in_desktop_derives_from_inkling_error():
    found = defined_exceptions()
    assert not {name for name, cls in found.items() if not issubclass(cls, InklingError)} - BUGS - INTERNAL
    # the discovery itself works: it sees errors of the core, its subpackages and the CLI
    assert {"desktop.core.paths.DataFolderBusyError", "desktop.core.engine.types.PromptTooLongError",
            "desktop.core.store.store.DatabaseTooNewError", "desktop.core.notes.embedding.EmbedderError",
            "desktop.cli.usage.UsageError", "desktop.cli.show.MessageNotFoundError"} <= found.keys()


def test_the_qt_side_defines_no_exception_of_its_own():
    sources = [path for path in (PACKAGE / "ui").rglob("*.py")] + [PACKAGE / "app.py"]
    defined = {
        f"{path.name}:{node.name}"
        for path in sources
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ClassDef)
        and any(ast.unparse(base).endswith(("Error", "Exception")) for base in node.bases)
    }
    assert defined == set()


def test_inkling_error_is_no_builtin_error():
    # the CLI and the workers catch InklingError alone: it must never swallow a ValueError, KeyError, … (bugs)
    assert InklingError.__bases__ == (Exception,)
