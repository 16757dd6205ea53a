"""One compare column's setup in the Lab window: samplers or system prompt, engine, notes on/off, few-shot examples."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QGridLayout, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QScrollArea, QToolButton, QVBoxLayout, QWidget,
)

from pathlib import Path

from desktop.core.lab.compare import Setup, SetupError
from desktop.ui.inert import plain_tip

OTHER_FILE = "choose a file"  # the engine list's last entry: pick any GGUF file for the column


class ExamplesDialog(QDialog):
    """Input → output pairs, inserted before the message as earlier turns (yours, then the model's)."""

    def __init__(self, examples: tuple[tuple[str, str], ...], title: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(620, 360)
        self.rows: list[tuple[QLineEdit, QLineEdit, QWidget]] = []
        self.grid = QGridLayout()
        self.grid.addWidget(QLabel(self.tr("Input (as if you wrote it)")), 0, 0)
        self.grid.addWidget(QLabel(self.tr("Output (as if the model answered)")), 0, 2)
        holder = QWidget()
        outer = QVBoxLayout(holder)
        outer.addLayout(self.grid)
        outer.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        add = QPushButton(self.tr("Add an example"))
        add.setObjectName("addExample")
        add.clicked.connect(lambda: self.add_row("", "").setFocus())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Few-shot examples: each pair goes into the prompt before your message, in this order.")))
        layout.addWidget(scroll, 1)
        layout.addWidget(add, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(buttons)
        for question, answer in examples or (("", ""),):
            self.add_row(question, answer)

    def add_row(self, question: str, answer: str) -> QLineEdit:
        """A new pair at the end; returns its input field."""
        row = len(self.rows) + 1
        asked, answered = QLineEdit(question), QLineEdit(answer)
        asked.setObjectName(f"exampleInput{row - 1}")
        answered.setObjectName(f"exampleOutput{row - 1}")
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip(self.tr("Remove this example"))
        entry = (asked, answered, remove)
        remove.clicked.connect(lambda: self._remove(entry))
        self.grid.addWidget(asked, row, 0)
        self.grid.addWidget(QLabel("→"), row, 1)
        self.grid.addWidget(answered, row, 2)
        self.grid.addWidget(remove, row, 3)
        self.rows.append(entry)
        return asked

    def _remove(self, entry) -> None:
        for widget in entry:
            widget.hide()
        self.rows.remove(entry)

    def examples(self) -> tuple[tuple[str, str], ...]:
        """The pairs with an input or an output, in order."""
        return tuple((q.text(), a.text()) for q, a, _ in self.rows if q.text().strip() or a.text().strip())


class SetupEditor(QWidget):
    """A column's setup; `engines`: (label, key) choices besides this window's model (key "model:PATH" or "server:NAME")."""

    changed = Signal()

    def __init__(self, index: int, text: str, engines: list[tuple[str, str]], parent=None):
        super().__init__(parent)
        self.index = index
        self.examples: tuple[tuple[str, str], ...] = ()
        self.field = QLineEdit(text)
        self.field.setPlaceholderText(self.tr("e.g. temperature=1.5 or system=Answer in one word."))
        self.field.setObjectName(f"labSetup{index}")
        self.field.setMinimumWidth(120)
        self.engine = QComboBox()
        self.engine.setObjectName(f"labEngine{index}")
        # long model names must not widen the Lab past a small screen: the list shows them whole
        self.engine.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.engine.setMinimumContentsLength(12)
        self.set_engines(engines)
        self.engine.activated.connect(self._engine_chosen)
        self.engine.setToolTip(self.tr("Columns on different engines run at the same time; on one engine, one after another"))
        self.notes = QCheckBox(self.tr("Notes"))
        self.notes.setObjectName(f"labNotes{index}")
        self.notes.setToolTip(self.tr("Put the notes found for your message into this column's prompt"))
        self.examples_button = QPushButton()
        self.examples_button.setObjectName(f"labExamples{index}")
        self.examples_button.clicked.connect(self.edit_examples)
        self._show_examples()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.notes)
        row.addWidget(self.examples_button, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.field)
        layout.addWidget(self.engine)
        layout.addLayout(row)

    def set_engines(self, engines: list[tuple[str, str]]) -> None:
        """The engines a column can use (the Engine menu's servers change), keeping the one chosen."""
        chosen = self.engine.currentData()
        self.engine.blockSignals(True)  # the list rebuilt is no change of engine (an opened one is kept)
        self.engine.clear()
        self.engine.addItem(self.tr("This window's model"), None)
        for label, key in engines:
            self.engine.addItem(label, key)
        if chosen is not None and self.engine.findData(chosen) < 0:  # a file picked for this column stays
            self.engine.addItem(self.tr("{name} (this laptop)").format(name=Path(chosen.partition(':')[2]).name), chosen)
        self.engine.addItem(self.tr("Another model file…"), OTHER_FILE)
        self.engine.setCurrentIndex(max(0, self.engine.findData(chosen)))
        self.engine.blockSignals(False)

    def _engine_chosen(self, index: int) -> None:
        if self.engine.itemData(index) != OTHER_FILE:
            return
        path, _ = QFileDialog.getOpenFileName(self, self.tr("A model for column {n}").format(n=self.index + 1), "",
                                              self.tr("GGUF models (*.gguf);;All files (*)"))
        if not path:
            self.engine.setCurrentIndex(0)
            return
        key = f"model:{path}"
        if self.engine.findData(key) < 0:
            self.engine.insertItem(index, self.tr("{name} (this laptop)").format(name=Path(path).name), key)
        self.engine.setCurrentIndex(self.engine.findData(key))

    def is_used(self) -> bool:
        """An empty column is left out: no text, no examples, notes off, this window's model."""
        return bool(self.field.text().strip() or self.examples or self.notes.isChecked()
                    or self.engine.currentData() is not None)

    def engine_key(self) -> str | None:
        """The engine this column would run on (None: this window's), also while its text cannot be read."""
        try:
            named = Setup.parse(self.field.text()).engine
        except SetupError:
            named = None
        chosen = self.engine.currentData()
        return named or (None if chosen == OTHER_FILE else chosen)

    def setup(self) -> Setup:
        """The column's Setup (SetupError when the text cannot be read)."""
        parsed = Setup.parse(self.field.text())
        chosen = self.engine.currentData()
        return Setup(parsed.overrides, parsed.system_prompt, self.examples, parsed.notes or self.notes.isChecked(),
                     parsed.engine or (None if chosen == OTHER_FILE else chosen))

    def edit_examples(self) -> None:
        dialog = ExamplesDialog(self.examples, self.tr("Examples for column {n}").format(n=self.index + 1), self)
        self.dialog = dialog  # tests reach the open dialog
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.set_examples(dialog.examples())

    def set_examples(self, examples: tuple[tuple[str, str], ...]) -> None:
        self.examples = tuple(examples)
        self._show_examples()
        self.changed.emit()

    def _show_examples(self) -> None:
        count = len(self.examples)
        self.examples_button.setText(self.tr("Examples ({count})…").format(count=count) if count else self.tr("Examples…"))
        self.examples_button.setToolTip(plain_tip("\n".join(f"{q} → {a}" for q, a in self.examples) or self.tr("No few-shot examples")))
