"""Make the README's screenshots with the real bundled models: `xvfb-run -a .venv/bin/python docs/screenshots.py`.

Runs the real window in a throw-away data folder, once in the light theme and once in the dark one
(View → Theme), and saves in docs/ (`-dark` before `.png` for the dark theme):

- screenshot-chat.png: SmolLM2 answering a question at temperature 0;
- screenshot-heatmap.png: the heatmap on, the least confident token selected, the reply continued from
  one of its alternatives (so the branch arrows show);
- screenshot-probabilities.png: the Probabilities panel alone;
- screenshot-notebook.png: the Gemma base model continuing a document in its notebook, coloured.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SIZE = (1280, 800)
QUESTION = "Why is the sky blue? Answer in two sentences."
DOCUMENT = "The three most important inventions in history are"


def wait(app, condition, seconds: float = 300.0) -> None:
    from PySide6.QtCore import QEvent

    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # no event loop runs here: delete replaced views
        time.sleep(0.01)


def settle(app, seconds: float = 0.5) -> None:
    end = time.monotonic() + seconds
    wait(app, lambda: time.monotonic() > end)


def shoot(app, theme: str) -> list[Path]:
    from desktop.core.engine.llama_engine import LlamaEngine
    from desktop.core.models import bundled_models
    from desktop.core.paths import database_path
    from desktop.core.store import open_store
    from desktop.ui.main_window import MainWindow

    os.environ["INKLING_HOME"] = tempfile.mkdtemp(prefix=f"inkling-shots-{theme}-")
    suffix = "-dark" if theme == "dark" else ""
    out = ROOT / "docs"
    saved = []

    def save(widget, name: str) -> None:
        settle(app)
        path = out / f"screenshot-{name}{suffix}.png"
        widget.grab().save(str(path))
        saved.append(path)

    chat_model, base_model = (next(m.path for m in bundled_models() if m.role == role) for role in ("chat", "base"))
    store = open_store(database_path())
    window = MainWindow(store, LlamaEngine, chat_model)
    window.theme.choose(theme)
    window.resize(*SIZE)
    window.show()
    wait(app, lambda: window.model_info is not None)
    window.sampling.temperature.setValue(0.0)
    window.sampling.max_tokens.setValue(70)
    window.send(QUESTION)
    wait(app, lambda: window.replies.active is None)
    save(window, "chat")

    window.inspector.heatmap_action.setChecked(True)
    reply = next(iter(window.inspector.replies.values()))
    weakest = reply.summary.summary.least_confident[0].weakest
    window.inspector.select(reply.message.id, weakest)
    alternative = next(a for a in window.inspector.panel.view.alternatives if not a.chosen and not a.eog)
    window.continue_from(reply.message.id, weakest, alternative.id)
    wait(app, lambda: window.replies.active is None)
    branch = list(window.inspector.replies.values())[-1]
    window.inspector.select(branch.message.id, weakest)
    branch.summary.toggle.setChecked(True)
    window.inspector.panel.alternatives.setCurrentRow(1)
    save(window, "heatmap")
    save(window.inspector.dock, "probabilities")

    window.load_model(base_model)
    wait(app, lambda: window.model_info is not None and window.model_info.mode == "completion")
    window.sampling.max_tokens.setValue(60)
    window.notebook.editor.setPlainText(DOCUMENT)
    window.continue_notebook(window.notebook.text())
    wait(app, lambda: window.replies.active is None)
    continuation = window.notebook.page.continuation.id
    weakest = int(window.notebook.table.logprobs.argmin())
    window.notebook.select(weakest)
    window.inspector.select(continuation, weakest)
    save(window, "notebook")
    window.close()
    store.close()
    return saved


def main() -> int:
    from PySide6.QtWidgets import QApplication

    app = QApplication(sys.argv)
    for theme in ("light", "dark"):
        for path in shoot(app, theme):
            print(f"saved {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
