"""The Lab window: score texts, sample many replies, compare setups on the newest turn; runs kept and reopened."""

import math

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox, QDialog, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QPlainTextEdit, QPushButton,
    QSpinBox, QSplitter, QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from desktop.core.errors import InklingError
from desktop.core.lab.compare import SetupError
from desktop.core.lab.sample import MAX_SAMPLES, SHORT_REPLY, next_tokens
from desktop.ui.lab_compare import CompareTab
from desktop.ui.language import said

KIND_TABS = {"score": 0, "sample": 1, "compare": 2}
MAX_COLUMN_WIDTH = 420


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.horizontalHeader().setStretchLastSection(True)
    table.resizeColumnsToContents()  # before any result: the headers read whole ("Sampler probability")
    return table


def _fill(table: QTableWidget, rows: list[list[str]]) -> None:
    # QTableWidgetItem shows plain text: model output stays inert here
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(value))
    table.resizeColumnsToContents()  # headers read whole; a long answer is cut at a width, not the table
    for column in range(table.columnCount() - 1):
        table.setColumnWidth(column, min(table.columnWidth(column), MAX_COLUMN_WIDTH))


def _tokens_rows(tokens: list[dict]) -> list[list[str]]:
    return [[t["text"], f"{math.exp(t['logprob']):.1%}", _rank(t),
             "  ".join(f"{a['text']} {math.exp(a['logprob']):.0%}" for a in t["top"][:5])] for t in tokens]


def _rank(token: dict) -> str:
    """Its rank among the model's choices; a server sends only its top alternatives, and below them it is not guessed."""
    rank = token.get("rank", "")
    if rank is None:
        return QCoreApplication.translate("LabDialog", "below the top {count}").format(count=len(token["top"]))
    return str(rank)


class LabDialog(QDialog):
    """Gets the engine controller and callables for the current turn and settings; asks the window to keep runs."""

    runFinished = Signal(str, dict, object)  # kind, the experiment's data, the id of the message it answered
    failed = Signal(str)
    reopenRequested = Signal(int)  # an experiment id
    keepRequested = Signal(dict)  # a reply of a run ({"text", "tokens", "settings", …}) to keep as a branch

    def __init__(self, engine, turn, settings, parent=None, *, lab_engines=None, engine_choices=(), find_notes=None):
        """`lab_engines` (LabEngines) opens the engines compare columns name among `engine_choices` ((label, key)
        pairs); `find_notes(query, done)` calls done(sources) with the notes found for a question."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Lab"))
        self.resize(900, 620)
        self.engine, self.turn, self.settings = engine, turn, settings
        self._request: int | None = None
        self._kind = ""
        self.status = QLabel()
        self.tabs = QTabWidget()
        self.tabs.addTab(self._score_tab(), self.tr("How likely is this?"))
        self.tabs.addTab(self._sample_tab(), self.tr("Sample many"))
        self.compare_tab = CompareTab(engine, lab_engines, list(engine_choices), find_notes)
        self.compare_tab.runRequested.connect(self.compare)
        self.compare_tab.finished.connect(lambda data: self._finish("compare", data))
        self.compare_tab.failed.connect(self._compare_failed)
        self.compare_tab.progress.connect(self.status.setText)
        self.compare_tab.keepRequested.connect(
            lambda reply: self.keepRequested.emit({**reply, "message_id": self._answered("compare")}))
        self.setup_fields, self.divergence = self.compare_tab.setup_fields, self.compare_tab.divergence
        self.tabs.addTab(self.compare_tab, self.tr("Compare"))
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.setEnabled(False)
        self.stop_button.clicked.connect(self.stop)
        self.again_button = QPushButton(self.tr("Run again"))
        self.again_button.setToolTip(self.tr("The shown run again, from the prompt tokens, settings and seeds it recorded"))
        self.again_button.setEnabled(False)
        self.again_button.clicked.connect(self.run_again)
        # Each tab's shown run and the message of yours it answered: Run again and Keep act on the tab in front.
        self._shown: dict[str, tuple[dict, int | None]] = {}
        self._run_message: int | None = None  # and the running one
        self.history = QListWidget()
        self.history.setObjectName("labHistory")
        self.history.itemActivated.connect(lambda item: self.reopenRequested.emit(item.data(Qt.ItemDataRole.UserRole)))
        splitter = QSplitter()
        splitter.addWidget(self.tabs)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.addWidget(QLabel(self.tr("Kept runs (double-click to reopen)")))
        side_layout.addWidget(self.history)
        splitter.addWidget(side)
        splitter.setSizes([680, 220])
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.again_button)
        bottom.addWidget(self.stop_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        self.tabs.currentChanged.connect(self._tab_changed)
        worker = engine.worker
        worker.jobProgress.connect(self.on_progress)
        worker.jobDone.connect(self.on_done)
        worker.failed.connect(self.on_failed)

    # --- tabs ---------------------------------------------------------------------------------
    def _score_tab(self) -> QWidget:
        tab = QWidget()
        self.candidates = QPlainTextEdit()
        self.candidates.setObjectName("labCandidates")
        self.candidates.setPlaceholderText(self.tr("One text per line, e.g.\nParis\nLyon\nMarseille"))
        self.exact = QCheckBox(self.tr("Exact (a token at a time, as generation computes them; slower)"))
        run = QPushButton(self.tr("Score"))
        run.clicked.connect(self.score)
        self.score_table = _table([self.tr("Text"), self.tr("Log-prob"), self.tr("Perplexity"), self.tr("Tokens")])
        self.score_table.currentCellChanged.connect(lambda row, *_: self._show_scored_tokens(row))
        self.score_tokens = _table([self.tr("Token"), self.tr("Probability"), self.tr("Rank"), self.tr("Top alternatives")])
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(self.tr("How probable does the model find each text as the reply to your newest message?")))
        layout.addWidget(self.candidates, 1)
        row = QHBoxLayout()
        row.addWidget(self.exact, 1)
        row.addWidget(run)
        layout.addLayout(row)
        layout.addWidget(self.score_table, 1)
        layout.addWidget(self.score_tokens, 2)
        self._scored: list[dict] = []
        self._sampled: dict | None = None
        return tab

    def _sample_tab(self) -> QWidget:
        tab = QWidget()
        self.sample_count = QSpinBox()
        self.sample_count.setRange(1, MAX_SAMPLES)
        self.sample_count.setValue(20)
        self.sample_tokens = QSpinBox()
        self.sample_tokens.setRange(1, 512)
        self.sample_tokens.setValue(SHORT_REPLY)
        run = QPushButton(self.tr("Sample"))
        run.clicked.connect(self.sample)
        row = QHBoxLayout()
        for widget in (QLabel(self.tr("Replies")), self.sample_count, QLabel(self.tr("tokens each")), self.sample_tokens, run):
            row.addWidget(widget)
        row.addStretch(1)
        self.groups = _table([self.tr("Answer"), self.tr("Count")])
        self.groups.currentCellChanged.connect(lambda row, *_: self._show_answer(row))
        keep = QPushButton(self.tr("Keep the selected answer as a branch"))
        keep.setObjectName("keepSample")
        keep.clicked.connect(self._keep_sample)
        # the selected answer token by token: a click picks the position whose distribution is shown below
        self.answer_tokens = QListWidget()
        self.answer_tokens.setObjectName("sampleTokens")
        self.answer_tokens.setFlow(QListWidget.Flow.LeftToRight)
        self.answer_tokens.setWrapping(True)
        self.answer_tokens.setMaximumHeight(64)
        self.answer_tokens.currentRowChanged.connect(self._show_position)
        self.position_label = QLabel()
        self.position_label.setTextFormat(Qt.TextFormat.PlainText)
        self.position_label.setWordWrap(True)
        self.first_tokens = _table([self.tr("Token"), self.tr("Model probability"), self.tr("Sampler probability"), self.tr("Drawn")])
        layout = QVBoxLayout(tab)
        layout.addWidget(QLabel(self.tr("Replies to your newest message at the Sampling panel's settings, each with its own seed.")))
        layout.addLayout(row)
        layout.addWidget(self.groups, 2)
        layout.addWidget(keep)
        layout.addWidget(QLabel(self.tr("The selected answer, token by token (click one to see what the replies drew there):")))
        layout.addWidget(self.answer_tokens)
        layout.addWidget(self.position_label)
        layout.addWidget(self.first_tokens, 1)
        return tab

    # --- running ------------------------------------------------------------------------------
    def open_tab(self, kind: str) -> None:
        self.tabs.setCurrentIndex(KIND_TABS[kind])

    def current_kind(self) -> str:
        return next(kind for kind, index in KIND_TABS.items() if index == self.tabs.currentIndex())

    def shown(self, kind: str | None = None) -> dict | None:
        """The run shown on a tab (the one in front by default), as it is kept; None before any."""
        shown = self._shown.get(kind or self.current_kind())
        return shown[0] if shown is not None else None

    def _answered(self, kind: str) -> int | None:
        shown = self._shown.get(kind)
        return shown[1] if shown is not None else None

    def _tab_changed(self, _index: int) -> None:
        """Another tab: Run again is for its own shown run, and the last run's status line is not about it."""
        self.again_button.setEnabled(self.current_kind() in self._shown)
        if not self.busy:
            self.status.setText("")

    def set_history(self, experiments) -> None:
        self.history.clear()
        for experiment in experiments:
            item = QListWidgetItem(f"{self._shown_title(experiment)}  ({experiment.created_at[:16].replace('T', ' ')})")
            item.setData(Qt.ItemDataRole.UserRole, experiment.id)
            self.history.addItem(item)

    def _shown_title(self, experiment) -> str:
        """A run's title is kept as written then, in English ("Sample: …", "Sample ×20: …" from the CLI): its kind
        reads in the window's language."""
        kind = experiment.kind.capitalize()
        names = {"Score": self.tr("Score"), "Sample": self.tr("Sample"), "Compare": self.tr("Compare")}
        if kind in names and experiment.title.startswith(kind):
            return names[kind] + experiment.title[len(kind):]
        return experiment.title

    def run_again(self) -> None:
        from desktop.core.lab.jobs import rerun_job

        kind = self.current_kind()
        if kind not in self._shown or self.busy:
            return
        data, message_id = self._shown[kind]
        if kind == "compare":  # each column on the engine it names
            self._run_message, self._kind = message_id, kind
            self.stop_button.setEnabled(True)
            self.compare_tab.rerun(data)
            return
        self._start(kind, lambda _system, _history: rerun_job(kind, data), needs_turn=False, message_id=message_id)

    @property
    def busy(self) -> bool:
        return self._request is not None or self.compare_tab.busy

    def _start(self, kind: str, make_job, needs_turn: bool = True, message_id: int | None = None) -> None:
        """`needs_turn`: the job is built on the current turn; else it answers `message_id` again (Run again)."""
        if self.busy:
            return
        try:
            system, history, message_id = self.turn() if needs_turn else ("", [], message_id)
            job = make_job(system, history)
        except (SetupError, ValueError, InklingError) as error:
            self.failed.emit(said(error))
            return
        self._run_message = message_id
        self._kind = kind
        self._request = self.engine.run_job(job)
        self.stop_button.setEnabled(True)
        self.status.setText(self.tr("Running…"))

    def score(self) -> None:
        from desktop.core.lab.jobs import score_job

        texts = [line.strip() for line in self.candidates.toPlainText().splitlines() if line.strip()]
        if not texts:
            self.status.setText(self.tr("Write at least one text to score."))
            return
        self._start("score", lambda system, history: score_job(system, history, texts, self.settings(),
                                                               exact=self.exact.isChecked()))

    def sample(self) -> None:
        from desktop.core.lab.jobs import sample_job

        settings = self.settings().__class__.from_dict({**self.settings().to_dict(), "max_tokens": self.sample_tokens.value()})
        self._start("sample", lambda system, history: sample_job(system, history, settings, self.sample_count.value()))

    def compare(self) -> None:
        if self.busy:
            return
        try:
            setups = self.compare_tab.setups()
            system, history, message_id = self.turn()
        except (SetupError, InklingError) as error:
            self.failed.emit(said(error))
            return
        self._run_message, self._kind = message_id, "compare"
        self.stop_button.setEnabled(True)
        self.status.setText(self.tr("Running…"))
        self.compare_tab.start(system, history, self.settings(), setups)

    def _compare_failed(self, message: str) -> None:
        self.stop_button.setEnabled(False)
        self.status.setText("")
        self.failed.emit(message)

    def stop(self) -> None:
        if self._request is not None:
            self.engine.cancel(self._request)
        self.compare_tab.stop()
        if not self.busy:  # stopped while the notes were looked up: nothing had started
            self.stop_button.setEnabled(False)
            self.status.setText("")

    def on_progress(self, request_id: int, item) -> None:
        if request_id == self._request:
            done, total = item
            self.status.setText(self.tr("{done} of {total} done…").format(done=done, total=total))

    def on_done(self, request_id: int, data) -> None:
        if request_id != self._request:
            return
        self._request = None
        self._finish(self._kind, data)

    def _finish(self, kind: str, data: dict) -> None:
        self.stop_button.setEnabled(False)
        self.show_result(kind, data, self._run_message)  # brings its tab to the front: then the status line
        self.status.setText(self.tr("Done; kept under this conversation."))
        self.runFinished.emit(kind, data, self._run_message)

    def on_failed(self, request_id: int, message: str) -> None:
        if request_id == self._request:
            self._request = None
            self.stop_button.setEnabled(False)
            self.status.setText("")
            self.failed.emit(message)

    # --- results (from the same JSON that is kept, so a reopened run looks the same) -----------
    def show_result(self, kind: str, data: dict, message_id: int | None) -> None:
        """A run's results; `message_id`: the message of yours it answered (its replies are kept under it)."""
        self._shown[kind] = (data, message_id)
        self.open_tab(kind)
        self.again_button.setEnabled(True)
        if kind == "compare":
            self.compare_tab.show_data(data)
        else:
            getattr(self, f"_show_{kind}")(data)

    def _show_score(self, data: dict) -> None:
        self._scored = data["candidates"]
        _fill(self.score_table, [[c["text"], f"{c['logprob']:.3f}", f"{c['perplexity']:.2f}", str(len(c["tokens"]))]
                                 for c in self._scored])
        self.score_table.setCurrentCell(0, 0)
        self._show_scored_tokens(0)

    def _show_scored_tokens(self, row: int) -> None:
        if 0 <= row < len(self._scored):
            _fill(self.score_tokens, _tokens_rows(self._scored[row]["tokens"]))

    def _keep_sample(self) -> None:
        data, sample = self._sampled, self._answer(self.groups.currentRow())
        if sample is None:
            return
        self.keepRequested.emit({"text": sample["text"], "tokens": sample["tokens"], "finish_reason": sample["finish_reason"],
                                 "settings": {**data["settings"], "seed": sample["seed"]},
                                 "prompt_tokens": data["prompt_tokens"], "engine": data["engine"],
                                 "message_id": self._answered("sample")})

    def _show_sample(self, data: dict) -> None:
        self._sampled = data
        _fill(self.groups, [[g["text"], f"×{g['count']}"] for g in data["groups"]])
        self.groups.setCurrentCell(0, 0)
        self._show_answer(0)

    def _answer(self, row: int) -> dict | None:
        """The first sample of the answer group in `row`."""
        if self._sampled is None or not 0 <= row < self.groups.rowCount():
            return None
        wanted = self.groups.item(row, 0).text()
        return next((s for s in self._sampled["samples"] if s["text"].strip() == wanted), None)

    def _show_answer(self, row: int) -> None:
        sample = self._answer(row)
        self.answer_tokens.blockSignals(True)
        self.answer_tokens.clear()
        for token in sample["tokens"] if sample else []:
            self.answer_tokens.addItem(_visible(token["text"]))
        self.answer_tokens.blockSignals(False)
        self.answer_tokens.setCurrentRow(0)
        self._show_position(0)

    def _show_position(self, position: int) -> None:
        """At the selected answer's token `position`: the model's probabilities beside the draws of the replies
        that began the same way up to there (for the first token, every reply)."""
        sample = self._answer(self.groups.currentRow())
        if sample is None or not 0 <= position < len(sample["tokens"]):
            _fill(self.first_tokens, [])
            self.position_label.setText("")
            return
        prefix = [t["id"] for t in sample["tokens"][:position]]
        rows, sharing = next_tokens(self._sampled["samples"], prefix)
        total = len(self._sampled["samples"])
        before = "".join(t["text"] for t in sample["tokens"][:position]).strip()
        self.position_label.setText(
            self.tr("Token {position}: all {total} replies start here.").format(position=position + 1, total=total)
            if position == 0 else
            self.tr("Token {position}, after “{before}”: {sharing} of {total} replies began this way.").format(
                position=position + 1, before=before[-40:], sharing=sharing, total=total))
        _fill(self.first_tokens, [[_visible(r["text"]), f"{r['model_prob']:.1%}",
                                   "" if r["sampler_prob"] is None else f"{r['sampler_prob']:.1%}",
                                   f"{r['count']}/{sharing} ({r['count'] / sharing:.0%})"] for r in rows[:10]])


def _visible(text: str) -> str:
    """A token as a list shows it: a leading space or a line break made visible."""
    return text.replace("\n", "⏎").replace(" ", "␣") or "∅"
