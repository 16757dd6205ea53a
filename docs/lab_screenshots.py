"""Make the README's Lab screenshots with the real bundled models: `xvfb-run -a .venv/bin/python docs/lab_screenshots.py`.

Runs the real window in a throw-away data folder and saves in docs/:

- screenshot-lab-score.png: How likely is this? — "Paris." against "Lyon." and "Marseille." after a question;
- screenshot-lab-sample.png: Sample many — 30 replies grouped, the model's probability beside the draws
  at the second token of the commonest answer;
- screenshot-lab-compare.png: Compare — temperature 0, temperature 1.5, the Gemma base model (the two engines
  at the same time) and a one-word system prompt side by side, each column's heatmap, where the answers part.
"""

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "docs"))
SIZE = (1180, 760)
QUESTION = "What is the capital city of France? Answer in a few words."


def main() -> int:
    from PySide6.QtWidgets import QApplication

    from desktop.core.engine.llama_engine import LlamaEngine
    from desktop.core.models import bundled_models
    from desktop.core.paths import database_path
    from desktop.core.probability.sampling import SamplerSettings
    from desktop.core.store import open_store
    from desktop.ui.main_window import MainWindow
    from screenshots import settle, wait

    app = QApplication(sys.argv)
    os.environ["INKLING_HOME"] = tempfile.mkdtemp(prefix="inkling-lab-shots-")
    chat_model, base_model = (next(m.path for m in bundled_models() if m.role == role) for role in ("chat", "base"))
    store = open_store(database_path())
    window = MainWindow(store, LlamaEngine, chat_model)
    window.resize(1100, 700)
    window.show()
    wait(app, lambda: window.model_info is not None)
    window.sampling.set_settings(SamplerSettings(temperature=0.0, max_tokens=24, seed=1))
    window.send(QUESTION)
    wait(app, lambda: window.replies.active is None)

    def save(name: str) -> None:
        settle(app, 1.0)
        path = ROOT / "docs" / f"screenshot-lab-{name}.png"
        window.labs.dialog.grab().save(str(path))
        print(f"saved {path}")

    window.labs.show("score")
    lab = window.labs.dialog
    lab.resize(*SIZE)
    lab.candidates.setPlainText("Paris.\nLyon.\nMarseille.\nThe capital of France is Paris.")
    lab.exact.setChecked(True)
    lab.score()
    wait(app, lambda: not lab.busy)
    save("score")

    window.sampling.set_settings(SamplerSettings(temperature=1.0, top_k=0, top_p=1.0, min_p=0.0, max_tokens=8, seed=11))
    lab.open_tab("sample")
    lab.sample_count.setValue(30)
    lab.sample_tokens.setValue(8)
    lab.sample()
    wait(app, lambda: not lab.busy)
    lab.groups.setCurrentCell(0, 0)
    lab.answer_tokens.setCurrentRow(min(1, lab.answer_tokens.count() - 1))
    save("sample")

    window.sampling.set_settings(SamplerSettings(temperature=0.0, max_tokens=20, seed=1))
    lab.open_tab("compare")
    lab.compare_tab.reply_tokens.setValue(20)  # the comparison's own reply length
    first, second, third, fourth = lab.compare_tab.editors
    first.field.setText("temperature=0")
    second.field.setText("temperature=1.5,seed=4")
    third.field.setText("temperature=0")
    third.engine.setCurrentIndex(third.engine.findData(f"model:{base_model}"))
    fourth.field.setText("system=Answer in one word.")
    lab.compare()
    wait(app, lambda: not lab.busy)
    save("compare")
    window.close()
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
