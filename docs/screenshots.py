"""Make the README's probability-view screenshots with the real bundled model: `xvfb-run -a .venv/bin/python docs/screenshots.py`.

Runs the real window in a throw-away data folder, asks SmolLM2 a question at temperature 0,
turns the heatmap on, selects the least confident token, continues the reply from one of its
alternatives (so the branch arrows show), and saves docs/screenshot-heatmap.png (the window)
and docs/screenshot-probabilities.png (the Probabilities panel).
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def wait(app, condition, seconds: float = 120.0) -> None:
    import time

    from PySide6.QtCore import QEvent

    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        app.processEvents()
        app.sendPostedEvents(None, QEvent.Type.DeferredDelete.value)  # no event loop runs here: delete replaced views
        time.sleep(0.01)


def main() -> int:
    os.environ["INKLING_HOME"] = tempfile.mkdtemp(prefix="inkling-shots-")
    from PySide6.QtWidgets import QApplication

    from desktop.core.engine.llama_engine import LlamaEngine
    from desktop.core.models import default_chat_model
    from desktop.core.paths import database_path
    from desktop.core.store import open_store
    from desktop.ui.main_window import MainWindow

    app = QApplication(sys.argv)
    store = open_store(database_path())
    window = MainWindow(store, LlamaEngine, default_chat_model().path)
    window.resize(1280, 820)
    window.show()
    wait(app, lambda: window.model_info is not None)
    window.sampling.temperature.setValue(0.0)
    window.sampling.max_tokens.setValue(70)
    window.send("Why is the sky blue? Answer in two sentences.")
    wait(app, lambda: window.active is None)
    window.inspector.heatmap_action.setChecked(True)
    reply = next(iter(window.inspector.replies.values()))
    weakest = reply.summary.summary.least_confident[0].weakest
    window.inspector.select(reply.message.id, weakest)
    alternative = next(a for a in window.inspector.panel.view.alternatives if not a.chosen and not a.eog)
    window.continue_from(reply.message.id, weakest, alternative.id)
    wait(app, lambda: window.active is None)
    branch = list(window.inspector.replies.values())[-1]
    window.inspector.select(branch.message.id, weakest)
    branch.summary.toggle.setChecked(True)
    window.inspector.panel.alternatives.setCurrentRow(1)
    window.sampling.temperature.setValue(0.8)
    settle = iter(range(30))
    wait(app, lambda: next(settle, None) is None)
    out = ROOT / "docs"
    window.grab().save(str(out / "screenshot-heatmap.png"))
    window.inspector.dock.grab().save(str(out / "screenshot-probabilities.png"))
    print(f"saved {out / 'screenshot-heatmap.png'} and {out / 'screenshot-probabilities.png'}")
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
