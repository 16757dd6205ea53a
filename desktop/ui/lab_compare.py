"""The Lab's Compare tab: 2-4 column setups, the columns as each ends (engines side by side), where the answers part."""

import math
from collections.abc import Callable

import numpy as np

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget

from desktop.core.errors import InklingError
from desktop.core.lab.compare import COMPARE_REPLY, MAX_SETUPS, Setup, check_count
from desktop.core.lab.jobs import columns_job, rerun_columns_job
from desktop.core.probability.heatmap import tooltip_html
from desktop.ui.inert import plain_label
from desktop.ui.inspector import COLOURINGS
from desktop.ui.lab_engines import CompareRun
from desktop.ui.lab_setup import SetupEditor
from desktop.ui.language import said
from desktop.ui.token_view import HeatmapLegend, TokenBrowser

FIRST_SETUPS = ["temperature=0", "temperature=1.2,seed=7", "", ""]


class CompareTab(QWidget):
    """Gets the window's engine controller, the Lab's other engines and a notes finder; runs one comparison at a time."""

    runRequested = Signal()  # the Compare button: the dialog gives the turn to run()
    finished = Signal(dict)  # the comparison as it is kept (compare_data)
    failed = Signal(str)
    progress = Signal(str)
    keepRequested = Signal(dict)  # a column to keep as a branch ({"text", "tokens", …, "engine"}); the dialog adds the message

    def __init__(self, engine, lab_engines, engine_choices: list[tuple[str, str]],
                 find_notes: Callable[[str, Callable[[list], None]], None] | None, parent=None):
        super().__init__(parent)
        self.engine, self.lab_engines, self.find_notes = engine, lab_engines, find_notes
        self.run: CompareRun | None = None
        self._finding_notes = False  # waiting for the notes a column wants, before anything runs
        self._attempt = 0  # which start the notes found belong to
        self._boxes, self._tokens, self._marks = [], [], []  # per column: its widgets, tokens, where it parts
        self.editors = [SetupEditor(i, text, engine_choices) for i, text in enumerate(FIRST_SETUPS[:MAX_SETUPS])]
        self.setup_fields = [editor.field for editor in self.editors]
        for editor in self.editors:
            editor.engine.currentIndexChanged.connect(self._release_unused)
        row = QHBoxLayout()
        for editor in self.editors:
            row.addWidget(editor, 1)
        button = QPushButton(self.tr("Compare"))
        button.clicked.connect(self.runRequested)
        # the comparison's own reply length: the Sampling panel's (512 by default) lets a greedy column loop
        self.reply_tokens = QSpinBox()
        self.reply_tokens.setObjectName("compareReplyTokens")
        self.reply_tokens.setRange(1, 32768)
        self.reply_tokens.setValue(COMPARE_REPLY)
        self.reply_tokens.setSuffix(self.tr(" tokens"))
        self.reply_tokens.setAccessibleName(self.tr("Reply length"))
        self.reply_tokens.setToolTip(self.tr("Each column's reply stops after this many tokens (a setup's own max_tokens= wins)"))
        actions = QVBoxLayout()
        actions.addWidget(button)
        actions.addWidget(self.reply_tokens)
        actions.addStretch(1)
        row.addLayout(actions)
        # what a column's colours mean, as in the main view: the model's probability or the one it was drawn with
        self.colouring = QComboBox()
        self.colouring.setObjectName("compareColouring")
        self.colouring.setAccessibleName(QCoreApplication.translate("TokenInspector", "Heatmap colours"))
        for key, (label, tip) in COLOURINGS.items():
            self.colouring.addItem(QCoreApplication.translate("TokenInspector", "Colour: {label}").format(
                label=QCoreApplication.translate("TokenInspector", label)), key)
            self.colouring.setItemData(self.colouring.count() - 1, QCoreApplication.translate("TokenInspector", tip),
                                       Qt.ItemDataRole.ToolTipRole)
        self.legend = HeatmapLegend()
        self.colouring.currentIndexChanged.connect(self._recolour)
        self._show_colouring()
        legend_row = QHBoxLayout()
        legend_row.addWidget(self.colouring)
        legend_row.addWidget(self.legend)
        legend_row.addStretch(1)
        self.columns = QHBoxLayout()
        self.divergence = QLabel()
        self.divergence.setTextFormat(Qt.TextFormat.PlainText)
        self.divergence.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Your newest message answered under each setup (empty ones are left out). "
                                        "Columns on different engines run at the same time.")))
        layout.addLayout(row)
        layout.addLayout(legend_row)
        layout.addLayout(self.columns, 1)
        layout.addWidget(self.divergence)

    def set_engine_choices(self, engines: list[tuple[str, str]]) -> None:
        for editor in self.editors:
            editor.set_engines(engines)
        self._release_unused()  # a server removed since: its column is back on this window's model

    def _release_unused(self, _index: int = 0) -> None:
        """An engine no column names any more is closed (it holds a whole model), unless a run still uses it."""
        if self.lab_engines is not None and not self.busy:
            self.lab_engines.release({editor.engine_key() for editor in self.editors} - {None})

    @property
    def busy(self) -> bool:
        return self.run is not None or self._finding_notes

    def setups(self) -> list[Setup]:
        """The used columns' setups (SetupError when one cannot be read)."""
        setups = [editor.setup() for editor in self.editors if editor.is_used()]
        check_count(setups)
        return setups

    def settings_for(self, settings):
        """The Sampling panel's settings with the comparison's own reply length."""
        return settings.__class__.from_dict({**settings.to_dict(), "max_tokens": self.reply_tokens.value()})

    def start(self, system: str, history, settings, setups: list[Setup]) -> None:
        """Find the notes first when a column wants them, then run every engine's columns at once
        (`settings`: the Sampling panel's; each column's reply stops at this tab's length)."""
        settings = self.settings_for(settings)
        self._attempt += 1
        attempt = self._attempt

        def go(sources):
            if attempt != self._attempt:  # stopped (or started again) while the notes were looked up
                return
            self._finding_notes = False
            groups: dict = {}
            for index, setup in enumerate(setups):
                groups.setdefault(setup.engine, []).append((index, setup))
            self._launch(len(setups), {key: columns_job(system, history, settings, members, sources=sources)
                                       for key, members in groups.items()},
                         [source.to_json() for source in sources], settings.max_tokens)

        if any(setup.notes for setup in setups) and self.find_notes is not None:
            self.progress.emit(self.tr("Finding your notes…"))
            self._finding_notes = True
            self.find_notes(history[-1].content, go)
        else:
            go([])

    def rerun(self, data: dict) -> None:
        """A kept comparison again, each column on the engine it names, from what it recorded."""
        groups: dict = {}
        for index, column in enumerate(data["columns"]):
            groups.setdefault(column["setup"].get("engine"), []).append((index, column))
        self._launch(len(data["columns"]), {key: rerun_columns_job(members) for key, members in groups.items()},
                     data.get("sources"), data.get("max_tokens"))

    def _launch(self, n_columns: int, jobs: dict, sources, max_tokens: int | None) -> None:
        if self.lab_engines is not None:  # engines no column of this run uses are closed first
            self.lab_engines.release({key for key in jobs if key is not None})
        run = self.run = CompareRun(self)
        shown: list = [None] * n_columns
        self._show_columns(shown, {})
        run.columnDone.connect(lambda index, column: self._column_done(shown, index, column))
        run.tokensDrawn.connect(self._tokens_drawn)
        run.finished.connect(lambda data: self._finished(data, sources, max_tokens))
        run.failed.connect(self._failed)
        try:
            for key, job in jobs.items():
                run.start(self.engine if key is None else self.lab_engines.controller(key), job, own=key is None)
        except InklingError as error:  # a server whose key cannot be read: what started is stopped
            run.cancel()
            self.run = None
            self.failed.emit(said(error))
            return
        self.progress.emit(self.tr("{done} of {total} columns done…").format(done=0, total=n_columns))

    def stop(self) -> None:
        if self.run is not None:
            self.run.cancel()
        elif self._finding_notes:
            self._finding_notes = False
            self._attempt += 1

    def _tokens_drawn(self, index: int, tokens: list) -> None:
        """A running column's newest tokens, added to its heatmap as they come (nothing before them redrawn)."""
        view, heat, _keep = self._boxes[index]
        self._tokens[index] = self._tokens[index] + tokens
        heat.append_tokens([t["text"] for t in tokens], self._values(tokens))
        view.setText(self.tr("Running… {count} tokens").format(count=len(self._tokens[index])))

    def _column_done(self, shown: list, index: int, column: dict) -> None:
        shown[index] = column
        self._fill_column(index, column, None)  # only that column changes; kept once the run is whole
        self.progress.emit(self.tr("{done} of {total} columns done…").format(done=sum(c is not None for c in shown), total=len(shown)))

    def _finished(self, data: dict, sources, max_tokens: int | None) -> None:
        self.run = None
        if sources:
            data = {**data, "sources": sources}
        if max_tokens is not None:
            data = {**data, "max_tokens": max_tokens}
        self.finished.emit(data)

    def _failed(self, text: str) -> None:
        self.run = None
        self.failed.emit(text)

    # --- showing (from the JSON that is kept, so a reopened run looks the same) ---------------------
    def show_data(self, data: dict) -> None:
        if data.get("max_tokens") is not None:  # the length it ran with (an older run kept none)
            self.reply_tokens.setValue(data["max_tokens"])
        self._show_columns(data["columns"], data["engine"])
        self.divergence.setText(divergence_text(data))
        first = data["first_divergence"]
        self.mark(data.get("divergence") or [first] * len(data["columns"]))

    def _show_columns(self, columns: list, engine: dict) -> None:
        """One box per column (None: still running)."""
        while self.columns.count():
            old = self.columns.takeAt(0).widget()
            old.setParent(None)
            old.deleteLater()
        self.divergence.setText("")
        self._boxes, self._tokens, self._marks = [], [], []
        for index, column in enumerate(columns):
            box = QWidget()
            box_layout = QVBoxLayout(box)
            box_layout.setContentsMargins(0, 0, 0, 0)
            view = plain_label(self.tr("Running…"))  # the setup and figures; the reply is the heatmap below
            view.setObjectName(f"compareHeader{index}")
            view.setWordWrap(True)
            heat = TokenBrowser(lambda token, i=index: self._tooltip(i, token))  # inert, as the chat's heatmap
            heat.setObjectName(f"compareHeatmap{index}")
            keep = QPushButton(self.tr("Keep as a branch"))
            keep.setVisible(False)
            inner = QWidget()  # the heatmap takes its text's height: a long reply scrolls
            inner_layout = QVBoxLayout(inner)
            inner_layout.setContentsMargins(0, 0, 0, 0)
            inner_layout.addWidget(view)
            inner_layout.addWidget(heat)
            inner_layout.addStretch(1)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setWidget(inner)
            box_layout.addWidget(scroll, 1)
            box_layout.addWidget(keep)
            self.columns.addWidget(box)
            self._boxes.append((view, heat, keep))
            self._tokens.append([])
            if column is not None:
                self._fill_column(index, column, engine)

    def _tooltip(self, index: int, token: int) -> str:
        tokens = self._tokens[index] if index < len(self._tokens) else []
        if token >= len(tokens):
            return ""
        record = tokens[token]
        alternatives = [(a["text"], a["logprob"]) for a in record["top"] if a["id"] != record["id"]]
        return tooltip_html(record["text"], record["logprob"], alternatives, record.get("eog", False))

    def mark(self, positions: list) -> None:
        """Each column's token where the answers part, selected in its heatmap."""
        self._marks = list(positions)
        for (_view, heat, _keep), position in zip(self._boxes, positions):
            heat.select(position)

    @property
    def colouring_key(self) -> str:
        return self.colouring.currentData()

    def _values(self, tokens: list[dict]) -> np.ndarray:
        """The value each token's colour shows, by the chosen colouring."""
        if self.colouring_key == "drawn":
            return np.array([t["sampled_prob"] for t in tokens], dtype=np.float64)
        return np.exp(np.array([t["logprob"] for t in tokens], dtype=np.float64))

    def _show_colouring(self) -> None:
        tip = QCoreApplication.translate("TokenInspector", COLOURINGS[self.colouring_key][1])
        self.colouring.setToolTip(tip)
        self.legend.setToolTip(tip)

    def _recolour(self, _index: int = 0) -> None:
        """Every column's heatmap in the chosen colouring, the token where they part still selected."""
        self._show_colouring()
        for (_view, heat, _keep), tokens in zip(self._boxes, self._tokens):
            heat.set_tokens([t["text"] for t in tokens], self._values(tokens))
        self.mark(self._marks)

    def _fill_column(self, index: int, column: dict, engine: dict | None) -> None:
        view, heat, keep = self._boxes[index]
        view.setText(column_text(column))
        self._tokens[index] = column["tokens"]
        heat.set_tokens([t["text"] for t in column["tokens"]], self._values(column["tokens"]))
        if engine is None:
            return
        keep.clicked.connect(lambda _checked=False, c=column, e=column.get("engine") or engine: self.keepRequested.emit(
            {**{k: c[k] for k in ("text", "tokens", "finish_reason", "settings", "prompt_tokens")}, "engine": e}))
        keep.setVisible(True)


def column_text(column: dict) -> str:
    mean = column["mean_logprob"]
    stats = (QCoreApplication.translate("CompareTab", "mean log-prob {mean}, perplexity {perplexity}").format(mean=f"{mean:.3f}", perplexity=f"{column['perplexity']:.2f}")
             if mean is not None else QCoreApplication.translate("CompareTab", "no tokens"))
    notes = QCoreApplication.translate("CompareTab", ", {count} notes in its prompt").format(count=column["sources_used"]) if "sources_used" in column else ""
    ending = QCoreApplication.translate("CompareTab", ", {count} tokens, {finish}").format(count=len(column["tokens"]), finish=column["finish_reason"])
    return f"[{column['label']}]\n{stats}{ending}{notes}"


def divergence_text(data: dict) -> str:
    position = data["first_divergence"]
    if position is None:
        return QCoreApplication.translate("CompareTab", "The answers never part: every column drew the same tokens.")
    positions = data.get("divergence") or [position] * len(data["columns"])  # per column since models per column
    parts = []
    for column, at in zip(data["columns"], positions):
        tokens = column["tokens"]
        if at is None or at >= len(tokens):
            parts.append(QCoreApplication.translate("CompareTab", "[{label}] had ended").format(label=column["label"]))
            continue
        token = tokens[at]
        top = ", ".join(f"{a['text']!r} {math.exp(a['logprob']):.0%}" for a in token["top"][:4])
        parts.append(QCoreApplication.translate("CompareTab", "[{label}] drew {token} ({probability}) as token {n}; the model's top: {top}").format(
            label=column["label"], token=repr(token["text"]), probability=f"{math.exp(token['logprob']):.0%}", n=at + 1,
            top=top))
    same = "divergence" not in data or len(set(positions)) == 1
    heading = QCoreApplication.translate("CompareTab", "The answers part at token {n}:").format(n=position + 1) if same else QCoreApplication.translate("CompareTab", "The answers part here:")
    return heading + "\n" + "\n".join(parts)
